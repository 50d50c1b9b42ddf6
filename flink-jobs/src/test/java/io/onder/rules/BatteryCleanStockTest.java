package io.onder.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.rules.BatteryCleanStock.Discharge;
import org.junit.jupiter.api.Test;

class BatteryCleanStockTest {

    @Test
    void charging_adds_energy_times_the_clean_share_of_what_it_imported() {
        BatteryCleanStock s = new BatteryCleanStock();
        s.charge(1_000, 600_000, Stress.NONE);
        assertThat(s.storedMilliWh()).isEqualTo(1_000);
        assertThat(s.cleanMilliWh()).isEqualTo(600);
        assertThat(s.shiftableMilliWh()).isEqualTo(600); // from clean supply
        assertThat(s.cleanPpm()).isEqualTo(600_000);
    }

    @Test
    void energy_charged_at_surplus_is_all_shiftable_whatever_its_cleanliness() {
        BatteryCleanStock s = new BatteryCleanStock();
        s.charge(1_000, 600_000, Stress.NONE);
        s.charge(500, 200_000, Stress.SURPLUS);
        // stored 1 500, clean 600 + 100 = 700, shiftable 600 + 500 = 1 100
        assertThat(s.cleanMilliWh()).isEqualTo(700);
        assertThat(s.shiftableMilliWh()).isEqualTo(1_100);
    }

    @Test
    void discharge_carries_the_stock_shares_pro_rata_rounding_down() {
        BatteryCleanStock s = new BatteryCleanStock(1_500, 700, 1_100);
        Discharge d = s.discharge(300);
        // clean 300 × 700 / 1 500 = 140; shiftable 300 × 1 100 / 1 500 = 220
        assertThat(d).isEqualTo(new Discharge(300, 140, 220));
        assertThat(d.cleanPpm()).isEqualTo(466_666);
        assertThat(s.storedMilliWh()).isEqualTo(1_200);
        assertThat(s.cleanMilliWh()).isEqualTo(560);
        assertThat(s.shiftableMilliWh()).isEqualTo(880);
    }

    @Test
    void discharge_beyond_the_stock_is_of_unknown_origin_and_not_clean() {
        BatteryCleanStock s = new BatteryCleanStock(1_000, 600, 600);
        Discharge d = s.discharge(1_500);
        assertThat(d).isEqualTo(new Discharge(1_500, 600, 600));
        assertThat(d.cleanPpm()).isEqualTo(400_000);
        assertThat(s.storedMilliWh()).isZero();
        assertThat(s.discharge(100).cleanPpm()).isZero();
    }

    @Test
    void within_one_interval_the_battery_discharges_before_it_charges() {
        BatteryCleanStock s = new BatteryCleanStock(1_000, 1_000, 1_000);
        Discharge d = s.step(500, 0, Stress.NONE, 400);
        // released from the all-clean stock; the dirty charge comes after
        assertThat(d).isEqualTo(new Discharge(400, 400, 400));
        assertThat(s.storedMilliWh()).isEqualTo(1_100);
        assertThat(s.cleanMilliWh()).isEqualTo(600);
    }

    @Test
    void clean_energy_is_never_created_by_cycling() {
        BatteryCleanStock s = new BatteryCleanStock();
        long cleanIn = 0, cleanOut = 0;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            long in = rnd.nextInt(5_000);
            long ppm = rnd.nextInt(1_000_001);
            cleanIn += Money.ofPpm(in, ppm);
            cleanOut += s.step(in, ppm, Stress.NONE, rnd.nextInt(5_000)).cleanMilliWh();
        }
        assertThat(cleanOut + s.cleanMilliWh()).isLessThanOrEqualTo(cleanIn);
        assertThat(s.cleanMilliWh()).isLessThanOrEqualTo(s.storedMilliWh());
    }
}
