package io.onder.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded random pools run through every rule that writes money: whatever the energies, qualities, rates and pool
 * balance, the ledger conserves exactly, each cause's lines sum to zero, payees are never debited, the subsidy pool
 * never goes below zero, and the same seed gives the same ledger line for line.
 */
class LedgerConservationPropertyTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 2025, 31337, 987654321})
    void the_ledger_always_conserves(long seed) {
        List<LedgerLine> ledger = simulate(seed);
        assertThat(ledger).isNotEmpty();

        Conservation c = Conservation.of(ledger);
        assertThat(c.credits()).isEqualTo(c.funding());

        Map<String, Long> byCause = ledger.stream().collect(Collectors.groupingBy(
                l -> l.entryId().substring(0, l.entryId().lastIndexOf('/')), Collectors.summingLong(LedgerLine::amount)));
        assertThat(byCause).allSatisfy((cause, sum) -> assertThat(sum).as(cause).isZero());

        assertThat(ledger).filteredOn(l -> l.accountKind().isPayee()).allSatisfy(l -> assertThat(l.amount()).isNotNegative());
        assertThat(ledger).extracting(LedgerLine::entryId).doesNotHaveDuplicates();

        long poolBalance = ledger.stream().filter(l -> l.accountKind() == AccountKind.SUBSIDY_POOL)
                .mapToLong(LedgerLine::amount).sum();
        assertThat(poolBalance).isNotNegative();

        CumulativeOwed owed = new CumulativeOwed();
        owed.applyAll(ledger);
        CumulativeOwed.Batch batch = owed.batch(0, new SettlementPeriods(0, 3_600_000), "v");
        long payeeCredits = ledger.stream().filter(l -> l.accountKind().isPayee()).mapToLong(LedgerLine::amount).sum();
        assertThat(batch.totalCumulative()).isEqualTo(payeeCredits);

        assertThat(simulate(seed)).isEqualTo(ledger);
    }

    /** A random day-slice of a small region: 3 feeders of one substation, 40 devices, 30 intervals. */
    static List<LedgerLine> simulate(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Properties p = Rulebook.defaultProperties();
        p.setProperty("fee.creators.bps", Integer.toString(rnd.nextInt(500)));
        p.setProperty("reward.production.clean.perKwh", Integer.toString(rnd.nextInt(100_000)));
        p.setProperty("reward.production.localBonus.ppm", Integer.toString(rnd.nextInt(2_000_000)));
        p.setProperty("reward.consumption.localClean.perKwh", Integer.toString(rnd.nextInt(100_000)));
        p.setProperty("subsidy.topup.perKwh", Integer.toString(rnd.nextInt(100_000)));
        Rulebook rulebook = Rulebook.load(p);
        RewardCalculator calc = new RewardCalculator(rulebook);
        FeederQuality quality = new FeederQuality(rulebook.quality(), Intervals.ONE_MINUTE);
        EnergySource[] sources = EnergySource.values();

        int devices = 40;
        String[] feederOf = new String[devices];
        EnergySource[] sourceOf = new EnergySource[devices];
        Map<String, BatteryCleanStock> stocks = new HashMap<>();
        for (int d = 0; d < devices; d++) {
            feederOf[d] = "f" + (d % 3);
            sourceOf[d] = sources[rnd.nextInt(sources.length)];
            if (sourceOf[d].isStorage()) stocks.put("d" + d, new BatteryCleanStock());
        }
        SubsidyPool pool = new SubsidyPool("pool:p", 0);
        List<LedgerLine> ledger = new ArrayList<>();
        ledger.addAll(calc.contribution(pool, "c0", "0xc0", 1 + rnd.nextInt(50_000), 0));

        for (int i = 0; i < 30; i++) {
            long t = i * 60_000L;
            long grid = rnd.nextInt(1_000_001);
            List<FeederQuality.FeederInterval> feeders = new ArrayList<>();
            Map<String, BatteryCleanStock.Discharge> discharges = new HashMap<>();
            for (int f = 0; f < 3; f++) {
                List<DeviceFlow> flows = new ArrayList<>();
                for (int d = f; d < devices; d += 3) {
                    String id = "d" + d;
                    long in = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(300_000);
                    long out = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(300_000);
                    long storageClean = 0;
                    if (stocks.containsKey(id)) {
                        BatteryCleanStock.Discharge dis = stocks.get(id).discharge(out);
                        discharges.put(id, dis);
                        storageClean = dis.cleanPpm();
                    }
                    flows.add(new DeviceFlow(id, in, out, sourceOf[d], storageClean));
                }
                FeederTopology topo = new FeederTopology("f" + f, "s0", "r0", "dso-" + f,
                        rnd.nextInt(200_000), rnd.nextInt(200_000));
                FeederQuality.FeederInterval fi = quality.compute(topo, t, grid, flows);
                feeders.add(fi);
                List<RewardCalculator.Beneficiary> beneficiaries = new ArrayList<>();
                for (FeederQuality.DeviceQuality dq : fi.devices()) {
                    DeviceInterval di = new DeviceInterval(dq.deviceId(), "0xowner" + dq.deviceId(), "f" + f, t,
                            dq.importMilliWh(), dq.exportMilliWh(), dq.exportSource(), dq.importQuality(),
                            dq.exportQuality());
                    long shiftable = 0;
                    BatteryCleanStock stock = stocks.get(dq.deviceId());
                    if (stock != null) {
                        shiftable = discharges.get(dq.deviceId()).shiftableMilliWh();
                        stock.charge(dq.importMilliWh(), dq.importQuality().cleanPpm(), dq.importQuality().stress());
                    }
                    ledger.addAll(calc.device(di, shiftable));
                    if (dq.deviceId().hashCode() % 4 == 0) {
                        beneficiaries.add(new RewardCalculator.Beneficiary(dq.deviceId(), "0xowner" + dq.deviceId(),
                                di.cleanProducedMilliWh() + di.cleanConsumedMilliWh()));
                    }
                }
                ledger.addAll(calc.subsidy(pool, t, beneficiaries));
                assertThat(pool.balance()).isNotNegative();
            }
            for (NetworkTiers.Crossing c : NetworkTiers.split(feeders)) ledger.addAll(calc.networkFee(c));
            if (rnd.nextInt(5) == 0) {
                ledger.addAll(calc.contribution(pool, "c" + (i + 1), "0xc" + i, rnd.nextInt(1, 20_000), t));
            }
            if (i >= 10 && i < 20) {
                for (int d = 0; d < 5; d++) {
                    ledger.addAll(calc.drDelivery(new RewardCalculator.DrPayment("ev-1", "utility:u", "d" + d,
                            "0xownerd" + d, t, rnd.nextInt(200_000), rnd.nextInt(500_000))));
                }
            }
        }
        return ledger;
    }
}
