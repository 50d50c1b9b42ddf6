package io.onder.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Default rulebook: heat pumps shed 50 % of their load, controllable loads 100 %. */
class FlexibilityTest {

    static final Rulebook.DrRules RULES = Rulebook.defaults().dr();
    static final long HOUR = 3_600_000;

    static DeviceProfile profile(DeviceKind kind, long maxImportW, long maxExportW, long capacityWh) {
        return new DeviceProfile("d", "0xo", kind, "f1", maxImportW, maxExportW, capacityWh, 200_000, 900_000, 0, true);
    }

    @Test
    void a_charging_ev_can_stop_and_charge_faster() {
        Flexibility f = Flexibility.of(profile(DeviceKind.EV_CHARGER, 11_000, 0, 0), 7_000, null, HOUR, RULES);
        assertThat(f.downW()).isEqualTo(7_000);
        assertThat(f.upW()).isEqualTo(4_000);
    }

    @Test
    void an_idle_ev_with_no_state_of_charge_is_taken_as_unplugged() {
        assertThat(Flexibility.of(profile(DeviceKind.EV_CHARGER, 11_000, 0, 0), 0, null, HOUR, RULES))
                .isEqualTo(new Flexibility("d", 0, 0));
    }

    @Test
    void a_battery_can_discharge_only_within_its_state_of_charge_over_the_event() {
        // 10 kWh at 60 %, floor 20 %, ceiling 90 %, ±5 kW, charging at 1 kW.
        // 1 h: 4 kWh above the floor → 4 kW sustained → down = 1 000 − (−4 000) = 5 000
        //      3 kWh below the ceiling → 3 kW → up = 3 000 − 1 000 = 2 000
        DeviceProfile battery = profile(DeviceKind.BATTERY, 5_000, 5_000, 10_000);
        assertThat(Flexibility.of(battery, 1_000, 600_000L, HOUR, RULES)).isEqualTo(new Flexibility("d", 5_000, 2_000));
        // 2 h: 2 kW and 1.5 kW sustained → down 3 000, up 500
        assertThat(Flexibility.of(battery, 1_000, 600_000L, 2 * HOUR, RULES)).isEqualTo(new Flexibility("d", 3_000, 500));
        // 15 min: limited by power, not energy → down 6 000, up 4 000
        assertThat(Flexibility.of(battery, 1_000, 600_000L, HOUR / 4, RULES)).isEqualTo(new Flexibility("d", 6_000, 4_000));
    }

    @Test
    void a_battery_at_its_floor_can_only_stop_charging() {
        DeviceProfile battery = profile(DeviceKind.BATTERY, 5_000, 5_000, 10_000);
        assertThat(Flexibility.of(battery, 1_000, 200_000L, HOUR, RULES).downW()).isEqualTo(1_000);
    }

    @Test
    void a_battery_without_state_of_charge_can_only_stop_what_it_is_doing() {
        DeviceProfile battery = profile(DeviceKind.BATTERY, 5_000, 5_000, 10_000);
        assertThat(Flexibility.of(battery, -2_000, null, HOUR, RULES)).isEqualTo(new Flexibility("d", 0, 2_000));
    }

    @Test
    void a_heat_pump_sheds_part_of_its_load() {
        assertThat(Flexibility.of(profile(DeviceKind.HEAT_PUMP, 4_000, 0, 0), 3_000, null, HOUR, RULES))
                .isEqualTo(new Flexibility("d", 1_500, 0));
    }

    @Test
    void pv_can_raise_net_load_by_curtailing_its_export() {
        assertThat(Flexibility.of(profile(DeviceKind.PV, 0, 6_000, 0), -4_000, null, HOUR, RULES))
                .isEqualTo(new Flexibility("d", 0, 4_000));
    }

    @Test
    void a_device_its_owner_has_not_made_controllable_offers_nothing() {
        DeviceProfile locked = new DeviceProfile("d", "0xo", DeviceKind.LOAD, "f1", 5_000, 0, 0, 0, 1_000_000, 0, false);
        assertThat(Flexibility.of(locked, 3_000, null, HOUR, RULES)).isEqualTo(new Flexibility("d", 0, 0));
        assertThat(Flexibility.of(profile(DeviceKind.METER, 0, 0, 0), 3_000, null, HOUR, RULES)).isEqualTo(new Flexibility("d", 0, 0));
    }
}
