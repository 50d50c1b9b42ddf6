package io.onder.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.onder.rules.RewardCalculator.Beneficiary;
import io.onder.rules.RewardCalculator.DrPayment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Default rulebook: clean production 20 000 /kWh (+50 % on the local share, +100 % at PEAK, non-local share at
 * SURPLUS weighs 0), local clean consumption 10 000 /kWh, surplus consumption 15 000 /kWh, storage shift 30 000 /kWh,
 * creators fee 100 bps, network fee 2 000 (substation) / 5 000 (region) per kWh, subsidy top-up 10 000 /kWh.
 */
class RewardCalculatorTest {

    static final Rulebook RULES = Rulebook.defaults();
    static final RewardCalculator CALC = new RewardCalculator(RULES);
    static final long T = 7_200_000; // 02:00 on day 0: settlement period 2 of one hour
    static final String OWNER = "0xa11ce";

    static DeviceInterval export(long milliWh, EnergySource source, QualityVector q) {
        return new DeviceInterval("dev-1", OWNER, "f1", T, 0, milliWh, source, QualityVector.NONE, q);
    }

    static DeviceInterval consume(long milliWh, QualityVector q) {
        return new DeviceInterval("dev-1", OWNER, "f1", T, milliWh, 0, EnergySource.UNKNOWN, q, QualityVector.NONE);
    }

    static long paidTo(List<LedgerLine> lines, String account, RewardReason reason) {
        return lines.stream().filter(l -> l.account().equals(account) && l.reason() == reason)
                .mapToLong(LedgerLine::amount).sum();
    }

    @Test
    void clean_pv_export_at_peak_earns_the_peak_bonus() {
        // 0.6 kWh, clean 1, local 0.5, PEAK: weight = 0.5 × 1 + 0.5 × 1.5 + 1.0 = 2.25
        // gross = 0.6 × 20 000 × 2.25 = 27 000; creators fee 1 % = 270; owner 26 730
        List<LedgerLine> lines = CALC.device(export(600_000, EnergySource.PV,
                new QualityVector(1_000_000, 500_000, 500_000, Stress.PEAK, 900_000)), 0);
        assertThat(lines).extracting(LedgerLine::account, LedgerLine::reason, LedgerLine::amount).containsExactly(
                tuple("market:onder-flex", RewardReason.FUNDING, -27_000L),
                tuple(OWNER, RewardReason.CLEAN_PRODUCTION, 26_730L),
                tuple("creators-fund:onder", RewardReason.CREATORS_FUND_FEE, 270L));
        assertThat(Conservation.of(lines).conserved()).isTrue();
    }

    @Test
    void clean_export_earns_more_for_its_local_share() {
        // weight = 0.5 × 1 + 0.5 × 1.5 = 1.25 → 0.6 × 20 000 × 1.25 = 15 000; all non-local → 12 000
        assertThat(paidTo(CALC.device(export(600_000, EnergySource.PV,
                new QualityVector(1_000_000, 500_000, 500_000, Stress.NONE, 0)), 0), OWNER, RewardReason.CLEAN_PRODUCTION))
                .isEqualTo(15_000 - 150);
        assertThat(paidTo(CALC.device(export(600_000, EnergySource.PV,
                new QualityVector(1_000_000, 0, 0, Stress.NONE, 0)), 0), OWNER, RewardReason.CLEAN_PRODUCTION))
                .isEqualTo(12_000 - 120);
    }

    @Test
    void dirty_production_earns_nothing() {
        assertThat(CALC.device(export(600_000, EnergySource.DIESEL,
                new QualityVector(0, 1_000_000, 0, Stress.PEAK, 900_000)), 0)).isEmpty();
    }

    @Test
    void chp_earns_for_its_clean_part_only() {
        // 0.6 × 20 000 × clean 0.5 × weight 1 = 6 000; fee 60
        List<LedgerLine> lines = CALC.device(export(600_000, EnergySource.CHP,
                new QualityVector(500_000, 0, 0, Stress.NONE, 0)), 0);
        assertThat(paidTo(lines, OWNER, RewardReason.CLEAN_PRODUCTION)).isEqualTo(5_940);
        assertThat(lines.get(1).energyMilliWh()).isEqualTo(300_000); // the clean energy paid for
    }

    @Test
    void export_at_surplus_earns_only_for_its_local_share() {
        // local 0.25 at SURPLUS: weight = 0.75 × 0 + 0.25 × 1.5 = 0.375 → 0.6 × 20 000 × 0.375 = 4 500; fee 45
        assertThat(paidTo(CALC.device(export(600_000, EnergySource.PV,
                new QualityVector(1_000_000, 250_000, 250_000, Stress.SURPLUS, 960_000)), 0), OWNER,
                RewardReason.CLEAN_PRODUCTION)).isEqualTo(4_455);
    }

    @Test
    void consuming_local_clean_energy_is_rewarded() {
        // 0.4 kWh × local-clean 0.75 × 10 000 = 3 000; fee 30
        List<LedgerLine> lines = CALC.device(consume(400_000,
                new QualityVector(750_000, 1_000_000, 750_000, Stress.NONE, 0)), 0);
        assertThat(paidTo(lines, OWNER, RewardReason.LOCAL_CLEAN_CONSUMPTION)).isEqualTo(2_970);
        assertThat(paidTo(lines, "creators-fund:onder", RewardReason.CREATORS_FUND_FEE)).isEqualTo(30);
    }

    @Test
    void consumption_at_peak_earns_nothing_even_if_local_and_clean() {
        assertThat(CALC.device(consume(2_000_000,
                new QualityVector(550_000, 250_000, 250_000, Stress.PEAK, 900_000)), 0)).isEmpty();
    }

    @Test
    void consumption_during_surplus_is_rewarded_on_top_of_local_clean() {
        // local clean 3 000 (fee 30) + surplus 0.4 × 15 000 = 6 000 (fee 60)
        List<LedgerLine> lines = CALC.device(consume(400_000,
                new QualityVector(750_000, 1_000_000, 750_000, Stress.SURPLUS, 960_000)), 0);
        assertThat(paidTo(lines, OWNER, RewardReason.LOCAL_CLEAN_CONSUMPTION)).isEqualTo(2_970);
        assertThat(paidTo(lines, OWNER, RewardReason.SURPLUS_CONSUMPTION)).isEqualTo(5_940);
        assertThat(paidTo(lines, "market:onder-flex", RewardReason.FUNDING)).isEqualTo(-9_000);
    }

    @Test
    void storage_released_at_peak_earns_the_shift_not_clean_production() {
        // 1 kWh out at PEAK, of which 0.8 kWh shiftable: 0.8 × 30 000 = 24 000; fee 240
        DeviceInterval battery = export(1_000_000, EnergySource.BATTERY,
                new QualityVector(1_000_000, 1_000_000, 1_000_000, Stress.PEAK, 900_000));
        List<LedgerLine> lines = CALC.device(battery, 800_000);
        assertThat(lines).extracting(LedgerLine::reason).containsExactly(
                RewardReason.FUNDING, RewardReason.STORAGE_SHIFT, RewardReason.CREATORS_FUND_FEE);
        assertThat(paidTo(lines, OWNER, RewardReason.STORAGE_SHIFT)).isEqualTo(23_760);
    }

    @Test
    void storage_released_outside_peak_earns_nothing() {
        assertThat(CALC.device(export(1_000_000, EnergySource.BATTERY,
                new QualityVector(1_000_000, 1_000_000, 1_000_000, Stress.NONE, 0)), 800_000)).isEmpty();
    }

    @Test
    void verified_dr_delivery_is_paid_at_the_event_rate_by_the_utility() {
        // 1.5 kWh × 100 000 = 150 000; fee 1 500
        List<LedgerLine> lines = CALC.drDelivery(new DrPayment("ev-1", "utility:north", "dev-1", OWNER, T, 1_500_000, 100_000));
        assertThat(lines).extracting(LedgerLine::account, LedgerLine::accountKind, LedgerLine::amount).containsExactly(
                tuple("utility:north", AccountKind.MARKET, -150_000L),
                tuple(OWNER, AccountKind.OWNER, 148_500L),
                tuple("creators-fund:onder", AccountKind.CREATORS_FUND, 1_500L));
    }

    @Test
    void network_fee_is_charged_by_tiers_crossed_to_the_distributor_without_a_creators_fee() {
        // 0.375 kWh × 2 000 + 0.225 kWh × 5 000 = 750 + 1 125 = 1 875
        List<LedgerLine> lines = CALC.networkFee(new NetworkTiers.Crossing("f1", "dso-1", T, 375_000, 225_000));
        assertThat(lines).extracting(LedgerLine::account, LedgerLine::reason, LedgerLine::amount).containsExactly(
                tuple("market:onder-flex", RewardReason.FUNDING, -1_875L),
                tuple("dso-1", RewardReason.NETWORK_FEE, 1_875L));
        assertThat(lines.get(1).energyMilliWh()).isEqualTo(600_000);
    }

    @Test
    void subsidy_pays_every_request_when_the_pool_can() {
        SubsidyPool pool = new SubsidyPool("pool:community-solar", 20_000);
        // 0.6 kWh → 6 000, 0.9 kWh → 9 000: 15 000 of 20 000
        List<LedgerLine> lines = CALC.subsidy(pool, T, List.of(
                new Beneficiary("b", "0xbob", 900_000), new Beneficiary("a", "0xann", 600_000)));
        assertThat(paidTo(lines, "0xann", RewardReason.SUBSIDY_TOPUP)).isEqualTo(6_000 - 60);
        assertThat(paidTo(lines, "0xbob", RewardReason.SUBSIDY_TOPUP)).isEqualTo(9_000 - 90);
        assertThat(pool.balance()).isEqualTo(5_000);
    }

    @Test
    void subsidy_never_pays_beyond_the_pool_and_scales_requests_pro_rata() {
        SubsidyPool pool = new SubsidyPool("pool:community-solar", 1_001);
        // asked 6 000 + 9 000; pool 1 001: a = floor(6 000 × 1 001 / 15 000) = 400, b = floor(600.6) = 600
        List<LedgerLine> lines = CALC.subsidy(pool, T, List.of(
                new Beneficiary("a", "0xann", 600_000), new Beneficiary("b", "0xbob", 900_000)));
        assertThat(paidTo(lines, "pool:community-solar", RewardReason.FUNDING)).isEqualTo(-1_000);
        assertThat(paidTo(lines, "0xann", RewardReason.SUBSIDY_TOPUP)).isEqualTo(400 - 4);
        assertThat(paidTo(lines, "0xbob", RewardReason.SUBSIDY_TOPUP)).isEqualTo(600 - 6);
        assertThat(pool.balance()).isEqualTo(1); // the rounding remainder stays in the pool
        assertThat(CALC.subsidy(new SubsidyPool("pool:empty", 0), T, List.of(new Beneficiary("a", "0xann", 600_000)))).isEmpty();
    }

    @Test
    void contributions_fill_the_pool_and_conserve() {
        SubsidyPool pool = new SubsidyPool("pool:community-solar", 0);
        List<LedgerLine> lines = CALC.contribution(pool, "c-1", "0xcafe", 10_000, T);
        assertThat(pool.balance()).isEqualTo(10_000);
        assertThat(lines).extracting(LedgerLine::account, LedgerLine::accountKind, LedgerLine::amount).containsExactly(
                tuple("contributor:0xcafe", AccountKind.MARKET, -10_000L),
                tuple("pool:community-solar", AccountKind.SUBSIDY_POOL, 10_000L));
    }

    @Test
    void a_fee_that_rounds_to_zero_leaves_the_whole_reward_to_the_payee() {
        // 0.0099 kWh × 10 000 = 99; 1 % of 99 = 0.99 → 0
        List<LedgerLine> lines = CALC.device(consume(9_900,
                new QualityVector(1_000_000, 1_000_000, 1_000_000, Stress.NONE, 0)), 0);
        assertThat(lines).extracting(LedgerLine::amount).containsExactly(-99L, 99L);
    }

    @Test
    void every_line_carries_the_rulebook_version_the_settlement_period_and_a_deterministic_id() {
        DeviceInterval d = export(600_000, EnergySource.PV, new QualityVector(1_000_000, 500_000, 500_000, Stress.PEAK, 900_000));
        List<LedgerLine> lines = CALC.device(d, 0);
        assertThat(lines).allSatisfy(l -> {
            assertThat(l.rulebookVersion()).isEqualTo("onder-flex-2025.1");
            assertThat(l.settlementPeriod()).isEqualTo(2);
        });
        assertThat(lines).extracting(LedgerLine::entryId).containsExactly(
                "dev/dev-1/7200000/CLEAN_PRODUCTION/funding",
                "dev/dev-1/7200000/CLEAN_PRODUCTION/payee",
                "dev/dev-1/7200000/CLEAN_PRODUCTION/creators");
        assertThat(CALC.device(d, 0)).isEqualTo(lines);
    }

    @Test
    void a_replay_under_a_new_rulebook_keeps_entry_ids_so_the_difference_can_be_reported() {
        java.util.Properties p = Rulebook.defaultProperties();
        p.setProperty("rulebook.version", "onder-flex-2025.2");
        p.setProperty("reward.production.peakBonus.ppm", "500000");
        RewardCalculator replay = new RewardCalculator(Rulebook.load(p));
        DeviceInterval d = export(600_000, EnergySource.PV, new QualityVector(1_000_000, 500_000, 500_000, Stress.PEAK, 900_000));
        List<LedgerLine> before = CALC.device(d, 0);
        List<LedgerLine> after = replay.device(d, 0);
        // weight 1.75 instead of 2.25: 0.6 × 20 000 × 1.75 = 21 000, fee 210
        assertThat(after).extracting(LedgerLine::entryId).isEqualTo(before.stream().map(LedgerLine::entryId).toList());
        assertThat(after.get(1).amount()).isEqualTo(20_790);
        assertThat(after.get(1).rulebookVersion()).isEqualTo("onder-flex-2025.2");
    }
}
