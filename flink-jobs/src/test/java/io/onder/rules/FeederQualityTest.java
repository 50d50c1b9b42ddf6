package io.onder.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.rules.FeederQuality.DeviceQuality;
import io.onder.rules.FeederQuality.FeederInterval;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One-minute intervals; default rulebook: PEAK and SURPLUS thresholds 0.8, CHP clean 0.5. */
class FeederQualityTest {

    static final Rulebook RULES = Rulebook.defaults();
    static final FeederQuality QUALITY = new FeederQuality(RULES.quality(), Intervals.ONE_MINUTE);

    static FeederTopology feeder(long capacityW, long reverseW) {
        return new FeederTopology("f1", "s1", "r1", "dso-1", capacityW, reverseW);
    }

    static DeviceQuality device(FeederInterval f, String id) {
        return f.devices().stream().filter(d -> d.deviceId().equals(id)).findFirst().orElseThrow();
    }

    /** PV 600 Wh + diesel 200 Wh out; two consumers take 300 + 100 Wh; a 100 kW feeder with a 50 kW reverse-flow limit. */
    static FeederInterval pvAndDieselForTwoHomes() {
        return QUALITY.compute(feeder(100_000, 50_000), 0, 300_000, List.of(
                DeviceFlow.of("pv", 0, 600_000, EnergySource.PV),
                DeviceFlow.of("diesel", 0, 200_000, EnergySource.DIESEL),
                DeviceFlow.of("home-a", 300_000, 0, EnergySource.UNKNOWN),
                DeviceFlow.of("home-b", 100_000, 0, EnergySource.UNKNOWN)));
    }

    @Test
    void export_is_local_pro_rata_to_what_the_feeder_consumes() {
        // PV 600 Wh + diesel 200 Wh out; two consumers take 300 + 100 Wh.
        // match = min(400, 800) = 400 → exporters' local = 0.5, consumers' local = 1.0
        // local supply clean = (600 × 1 + 200 × 0) / 800 = 0.75 → import clean = 1.0 × 0.75 + 0 × grid = 0.75
        FeederInterval f = pvAndDieselForTwoHomes();

        assertThat(f.localMatchPpm()).isEqualTo(500_000);
        assertThat(f.localSupplyCleanPpm()).isEqualTo(750_000);
        assertThat(f.cleanSharePpm()).isEqualTo(750_000);
        assertThat(device(f, "pv").exportQuality()).isEqualTo(new QualityVector(1_000_000, 500_000, 500_000, Stress.NONE, 0));
        assertThat(device(f, "diesel").exportQuality()).isEqualTo(new QualityVector(0, 500_000, 0, Stress.NONE, 0));
        assertThat(device(f, "home-a").importQuality()).isEqualTo(new QualityVector(750_000, 1_000_000, 750_000, Stress.NONE, 0));
        // net −400 Wh in a minute = −24 kW: 0.48 of the 50 kW reverse-flow limit, below 0.8
        assertThat(f.netW()).isEqualTo(-24_000);
        assertThat(f.leavingMilliWh()).isEqualTo(400_000);
        assertThat(f.enteringMilliWh()).isZero();
        assertThat(f.devices()).extracting(DeviceQuality::deviceId).containsExactly("diesel", "home-a", "home-b", "pv");
    }

    @Test
    void late_energy_is_valued_at_what_its_interval_left_unmatched_and_narrows_it() {
        // The first test's interval: 400 Wh of export left the feeder unmatched (its local supply 0.75 clean), no
        // import came from outside. Grid mix 0.3.
        FeederInterval f = pvAndDieselForTwoHomes();
        FeederQuality.Margin m = FeederQuality.Margin.of(f);
        assertThat(m).isEqualTo(new FeederQuality.Margin(400_000, 0, 750_000, Stress.NONE, 0));

        // a late home takes 500 Wh: 400 Wh of it local (0.8) → local clean 0.8 × 0.75 = 0.6; clean = 0.6 + 0.2 × 0.3 = 0.66
        FeederQuality.Late home = QUALITY.late(m, DeviceFlow.of("home-c", 500_000, 0, EnergySource.UNKNOWN), 300_000);
        assertThat(home.quality().importQuality()).isEqualTo(new QualityVector(660_000, 800_000, 600_000, Stress.NONE, 0));
        assertThat(home.quality().importMilliWh()).isEqualTo(500_000);
        assertThat(home.margin()).isEqualTo(new FeederQuality.Margin(0, 0, 750_000, Stress.NONE, 0));

        // a second late home finds nothing left: all from the grid (clean 0.3, local 0)
        FeederQuality.Late next = QUALITY.late(home.margin(), DeviceFlow.of("home-d", 100_000, 0, EnergySource.UNKNOWN), 300_000);
        assertThat(next.quality().importQuality()).isEqualTo(new QualityVector(300_000, 0, 0, Stress.NONE, 0));

        // a late PV finds no import left to cover: clean 1.0, local 0; with import from outside (the PEAK test's 1.5 kWh),
        // 200 Wh of it is local (1.0), and the interval's stress goes with it
        FeederQuality.Late pv = QUALITY.late(m, DeviceFlow.of("pv-2", 0, 200_000, EnergySource.PV), 300_000);
        assertThat(pv.quality().exportQuality()).isEqualTo(new QualityVector(1_000_000, 0, 0, Stress.NONE, 0));
        FeederQuality.Late peak = QUALITY.late(new FeederQuality.Margin(0, 1_500_000, 1_000_000, Stress.PEAK, 900_000),
                DeviceFlow.of("pv-2", 0, 200_000, EnergySource.PV), 400_000);
        assertThat(peak.quality().exportQuality()).isEqualTo(new QualityVector(1_000_000, 1_000_000, 1_000_000, Stress.PEAK, 900_000));
        assertThat(peak.margin().enteringMilliWh()).isEqualTo(1_300_000);
    }

    @Test
    void export_near_the_reverse_flow_limit_is_surplus_with_its_level() {
        // same flows, reverse-flow limit 25 kW: 24 / 25 = 0.96 ≥ 0.8
        FeederInterval f = QUALITY.compute(feeder(100_000, 25_000), 0, 300_000, List.of(
                DeviceFlow.of("pv", 0, 800_000, EnergySource.PV),
                DeviceFlow.of("home", 400_000, 0, EnergySource.UNKNOWN)));
        assertThat(f.stress()).isEqualTo(Stress.SURPLUS);
        assertThat(f.stressLevelPpm()).isEqualTo(960_000);
        assertThat(device(f, "home").importQuality().stress()).isEqualTo(Stress.SURPLUS);
    }

    @Test
    void load_near_capacity_is_peak_and_the_uncovered_import_carries_the_grid_mix() {
        // homes take 2 000 Wh, PV gives 500 Wh: net 1 500 Wh/min = 90 kW of 100 kW → PEAK 0.9
        // consumers' local = 500 / 2 000 = 0.25; clean = 0.25 × 1.0 + 0.75 × grid 0.4 = 0.55
        FeederInterval f = QUALITY.compute(feeder(100_000, 50_000), 0, 400_000, List.of(
                DeviceFlow.of("pv", 0, 500_000, EnergySource.PV),
                DeviceFlow.of("home-a", 1_500_000, 0, EnergySource.UNKNOWN),
                DeviceFlow.of("home-b", 500_000, 0, EnergySource.UNKNOWN)));
        assertThat(f.stress()).isEqualTo(Stress.PEAK);
        assertThat(f.stressLevelPpm()).isEqualTo(900_000);
        assertThat(f.netW()).isEqualTo(90_000);
        assertThat(device(f, "home-b").importQuality()).isEqualTo(new QualityVector(550_000, 250_000, 250_000, Stress.PEAK, 900_000));
        assertThat(device(f, "pv").exportQuality().localPpm()).isEqualTo(1_000_000);
        assertThat(f.enteringMilliWh()).isEqualTo(1_500_000);
    }

    @Test
    void chp_is_partly_clean_and_unknown_sources_are_not_presumed_clean() {
        FeederInterval f = QUALITY.compute(feeder(100_000, 50_000), 0, 0, List.of(
                DeviceFlow.of("chp", 0, 100_000, EnergySource.CHP),
                DeviceFlow.of("mystery", 0, 100_000, EnergySource.UNKNOWN),
                DeviceFlow.of("regrid", 0, 100_000, EnergySource.GRID)));
        assertThat(device(f, "chp").exportQuality().cleanPpm()).isEqualTo(500_000);
        assertThat(device(f, "mystery").exportQuality().cleanPpm()).isZero();
        assertThat(device(f, "regrid").exportQuality().cleanPpm()).isZero(); // grid mix given as 0
    }

    @Test
    void a_battery_discharge_carries_its_stock_clean_share() {
        FeederInterval f = QUALITY.compute(feeder(100_000, 50_000), 0, 0, List.of(
                new DeviceFlow("bat", 0, 300_000, EnergySource.BATTERY, 466_666),
                DeviceFlow.of("home", 300_000, 0, EnergySource.UNKNOWN)));
        assertThat(device(f, "bat").exportQuality().cleanPpm()).isEqualTo(466_666);
        assertThat(device(f, "home").importQuality().cleanPpm()).isEqualTo(466_666);
    }

    @Test
    void a_quiet_feeder_has_no_stress_and_no_local_share() {
        FeederInterval f = QUALITY.compute(feeder(100_000, 50_000), 0, 500_000, List.of());
        assertThat(f.stress()).isEqualTo(Stress.NONE);
        assertThat(f.localMatchPpm()).isZero();
        assertThat(f.cleanSharePpm()).isEqualTo(500_000); // nothing local: the grid mix
    }

    @Test
    void the_local_clean_share_of_an_import_can_be_recovered_from_the_published_vector() {
        // clean 0.55 = 0.25 × c_L + 0.75 × 0.4 → local × c_L = 0.55 − 0.30 = 0.25
        assertThat(QualityVector.importLocalCleanPpm(550_000, 250_000, 400_000)).isEqualTo(250_000);
    }
}
