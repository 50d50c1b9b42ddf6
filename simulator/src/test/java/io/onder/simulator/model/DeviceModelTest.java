package io.onder.simulator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeviceModelTest {
  static final long MIDNIGHT = Instant.parse("2026-03-20T00:00:00Z").toEpochMilli();
  static final long HOUR = 3_600_000;

  @Test
  void registers_never_decrease_and_integrate_power() {
    Household h = new Household("m1", 7, MIDNIGHT);
    SimReading prev = h.advanceTo(MIDNIGHT);
    for (int i = 1; i <= 24 * 60; i++) {
      SimReading r = h.advanceTo(MIDNIGHT + i * 60_000L);
      assertThat(r.importMilliWh()).isGreaterThanOrEqualTo(prev.importMilliWh());
      assertThat(r.exportMilliWh()).isEqualTo(0);
      assertThat(r.seq()).isEqualTo(prev.seq() + 1);
      prev = r;
    }
    // a household uses a few kWh a day: between 3 and 40 kWh
    SimReading start = new Household("m1", 7, MIDNIGHT).advanceTo(MIDNIGHT);
    long used = prev.importMilliWh() - start.importMilliWh();
    assertThat(used).isBetween(3_000_000L, 40_000_000L);
  }

  @Test
  void the_same_seed_gives_the_same_day() {
    SimReading a = new SolarPv("pv", 42, MIDNIGHT).advanceTo(MIDNIGHT + 24 * HOUR);
    SimReading b = new SolarPv("pv", 42, MIDNIGHT).advanceTo(MIDNIGHT + 24 * HOUR);
    assertThat(a).isEqualTo(b);
  }

  @Test
  void pv_exports_only_in_daylight() {
    SolarPv pv = new SolarPv("pv", 3, MIDNIGHT);
    SimReading dawn = pv.advanceTo(MIDNIGHT + 6 * HOUR);
    assertThat(dawn.exportMilliWh()).isZero();
    SimReading dusk = pv.advanceTo(MIDNIGHT + 18 * HOUR);
    assertThat(dusk.exportMilliWh()).isGreaterThan(5_000_000L); // a 3-10 kWp system makes well over 5 kWh a day
    assertThat(pv.advanceTo(MIDNIGHT + 24 * HOUR).exportMilliWh()).isEqualTo(dusk.exportMilliWh());
    assertThat(dusk.exportSource()).isEqualTo("pv");
  }

  @Test
  void an_ev_charger_stops_charging_under_a_reduce_command_and_resumes_after() {
    EvCharger ev = new EvCharger("ev", 11, MIDNIGHT);
    long evening = MIDNIGHT + 20 * HOUR + HOUR / 2; // after every possible arrival (17-20h)
    ev.advanceTo(evening);
    assertThat(ev.powerW(evening)).isPositive();
    ev.command(true, 20_000, evening + HOUR / 2, true);
    SimReading before = ev.advanceTo(evening + 60_000);
    SimReading during = ev.advanceTo(evening + 20 * 60_000);
    assertThat(during.importMilliWh()).isEqualTo(before.importMilliWh());
    ev.release();
    assertThat(ev.powerW(evening + 21 * 60_000)).isPositive();
  }

  @Test
  void a_device_that_does_not_comply_ignores_the_command() {
    HeatPump hp = new HeatPump("hp", 5, MIDNIGHT);
    long t = MIDNIGHT + 19 * HOUR;
    double before = hp.powerW(t);
    hp.command(true, 10_000, t + HOUR, false);
    assertThat(hp.powerW(t)).isEqualTo(before);
  }

  @Test
  void a_battery_discharges_within_its_state_of_charge() {
    HomeBattery b = new HomeBattery("bat", 9, MIDNIGHT);
    for (long t = MIDNIGHT; t <= MIDNIGHT + 48 * HOUR; t += 60_000) {
      SimReading r = b.advanceTo(t);
      assertThat(r.socPercent()).isBetween(0.0, 100.0);
    }
    assertThat(b.advanceTo(MIDNIGHT + 48 * HOUR).exportMilliWh()).isPositive();
  }
}
