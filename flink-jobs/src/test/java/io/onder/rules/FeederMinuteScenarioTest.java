package io.onder.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.onder.rules.FeederQuality.FeederInterval;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One minute of one feeder end to end: flows → quality → rewards and fees → conservation. Default rulebook. */
class FeederMinuteScenarioTest {

    static final Rulebook RULES = Rulebook.defaults();
    static final FeederQuality QUALITY = new FeederQuality(RULES.quality(), Intervals.ONE_MINUTE);
    static final RewardCalculator CALC = new RewardCalculator(RULES);
    static final FeederTopology FEEDER = new FeederTopology("f1", "s1", "r1", "dso-1", 100_000, 50_000);

    static List<LedgerLine> rewards(FeederInterval f) {
        List<LedgerLine> ledger = new ArrayList<>();
        for (FeederQuality.DeviceQuality d : f.devices()) {
            ledger.addAll(CALC.device(DeviceInterval.of(d, "0x" + d.deviceId(), "f1", f.startMillis()), 0));
        }
        ledger.addAll(CALC.networkFee(NetworkTiers.feederOnly(f)));
        return ledger;
    }

    @Test
    void at_peak_the_local_pv_earns_double_and_the_consumers_earn_nothing() {
        // homes 2 000 Wh, PV 500 Wh: PEAK at 0.9 (see FeederQualityTest); all PV is used on the feeder (local 1).
        // PV: 0.5 kWh × 20 000 × (1 × 1.5 + peak 1.0) = 25 000, fee 250; homes: nothing at PEAK; nothing leaves.
        FeederInterval f = QUALITY.compute(FEEDER, 0, 400_000, List.of(
                DeviceFlow.of("pv", 0, 500_000, EnergySource.PV),
                DeviceFlow.of("home-a", 1_500_000, 0, EnergySource.UNKNOWN),
                DeviceFlow.of("home-b", 500_000, 0, EnergySource.UNKNOWN)));
        List<LedgerLine> ledger = rewards(f);
        assertThat(ledger).extracting(LedgerLine::account, LedgerLine::amount).containsExactly(
                tuple("market:onder-flex", -25_000L), tuple("0xpv", 24_750L), tuple("creators-fund:onder", 250L));
        assertThat(Conservation.require(ledger).credits()).isEqualTo(25_000);
    }

    @Test
    void at_surplus_the_consumers_earn_and_the_exported_rest_pays_the_distributor() {
        // PV 800 Wh, home 400 Wh: net −400 Wh/min = −24 kW of a 25 kW limit → SURPLUS 0.96.
        // PV local 0.5: weight 0.5 × 0 + 0.5 × 1.5 = 0.75 → 0.8 × 20 000 × 0.75 = 12 000 (fee 120)
        // home: local clean 0.4 × 1.0 × 10 000 = 4 000 (fee 40) + surplus 0.4 × 15 000 = 6 000 (fee 60)
        // 400 Wh leave the feeder at the substation tier: 0.4 × 2 000 = 800 to dso-1
        FeederTopology tight = new FeederTopology("f1", "s1", "r1", "dso-1", 100_000, 25_000);
        FeederInterval f = QUALITY.compute(tight, 0, 400_000, List.of(
                DeviceFlow.of("pv", 0, 800_000, EnergySource.PV),
                DeviceFlow.of("home", 400_000, 0, EnergySource.UNKNOWN)));
        List<LedgerLine> ledger = rewards(f);
        assertThat(ledger).filteredOn(l -> l.amount() > 0)
                .extracting(LedgerLine::account, LedgerLine::reason, LedgerLine::amount).containsExactly(
                        tuple("0xhome", RewardReason.LOCAL_CLEAN_CONSUMPTION, 3_960L),
                        tuple("creators-fund:onder", RewardReason.CREATORS_FUND_FEE, 40L),
                        tuple("0xhome", RewardReason.SURPLUS_CONSUMPTION, 5_940L),
                        tuple("creators-fund:onder", RewardReason.CREATORS_FUND_FEE, 60L),
                        tuple("0xpv", RewardReason.CLEAN_PRODUCTION, 11_880L),
                        tuple("creators-fund:onder", RewardReason.CREATORS_FUND_FEE, 120L),
                        tuple("dso-1", RewardReason.NETWORK_FEE, 800L));
        assertThat(Conservation.require(ledger).funding()).isEqualTo(4_000 + 6_000 + 12_000 + 800);
    }
}
