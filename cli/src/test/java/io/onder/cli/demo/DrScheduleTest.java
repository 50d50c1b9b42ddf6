package io.onder.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import org.junit.jupiter.api.Test;

/**
 * The demo's DR event needs an hour of readings before its announcement, which comes the dispatch lead and an hour
 * before its start. At 30x with readings every 120 s in packs of 5 the grace is 14 min, so the lead is 30 min and the
 * notice 90 min.
 */
class DrScheduleTest {
  private static final Instant DAY = Instant.parse("2026-11-21T00:00:00Z");

  private static DemoSettings at30x(LocalTime start, double hours, LocalTime drStart) {
    DemoSettings d = DemoSettings.defaults();
    return new DemoSettings(10_000, 10, 2, start, hours, 30, d.readingEvery(), d.packSize(), d.compliance(), drStart, d.drLength(), d.seed(),
        false, false, d.interval());
  }

  private static Instant simStart(DemoSettings s) {
    return DAY.plusSeconds(s.start().toSecondOfDay());
  }

  @Test
  void theDefaultDayHasItsEventAtSixAnnouncedThreeHoursAhead() {
    DemoSettings s = DemoSettings.defaults(); // 288x: grace 49 min, lead 2 h
    Demo.DrSchedule dr = Demo.drSchedule(s, simStart(s));
    assertEquals(Instant.parse("2026-11-21T18:00:00Z"), dr.start());
    assertEquals(Instant.parse("2026-11-21T15:00:00Z"), dr.announce());
    assertEquals(Duration.ofHours(2), dr.lead());
    assertNull(dr.note());
  }

  @Test
  void aRunStartingAnHourBeforeTheEventHasNoRoomForItsNotice() {
    DemoSettings s = at30x(LocalTime.of(17, 0), 2, null);
    Demo.DrSchedule dr = Demo.drSchedule(s, simStart(s));
    assertEquals(Duration.ofMinutes(30), dr.lead());
    assertNull(dr.start(), "announced at 16:30, before the fleet reports; 18:30 to 19:30 is past the run's end at 19:00");
    assertTrue(dr.note().startsWith("no DR event fits a run of 2.0 simulated hours from 17:00"), dr.note());
  }

  @Test
  void aRunStartingEarlyEnoughKeepsSixOClock() {
    DemoSettings s = at30x(LocalTime.of(16, 0), 3, null);
    Demo.DrSchedule dr = Demo.drSchedule(s, simStart(s));
    assertEquals(Instant.parse("2026-11-21T18:00:00Z"), dr.start());
    assertEquals(Instant.parse("2026-11-21T16:30:00Z"), dr.announce());
  }

  @Test
  void withNoTimeAskedForTheEventMovesToTheFirstThatFits() {
    DemoSettings s = at30x(LocalTime.of(17, 2), 3, null);
    Demo.DrSchedule dr = Demo.drSchedule(s, simStart(s));
    assertEquals(Instant.parse("2026-11-21T18:35:00Z"), dr.start(), "17:02 + 90 min, up to the next 5-minute interval");
    assertEquals(Instant.parse("2026-11-21T17:05:00Z"), dr.announce());
    assertTrue(dr.note().contains("starts at 18:35, not 18:00"), dr.note());
  }

  @Test
  void aTimeAskedForIsNotMoved() {
    DemoSettings s = at30x(LocalTime.of(17, 0), 3, LocalTime.of(17, 30));
    Demo.DrSchedule dr = Demo.drSchedule(s, simStart(s));
    assertNull(dr.start(), "17:30 would be announced at 16:00; tomorrow's 17:30 is past the run");
    assertTrue(dr.note().contains("at 17:30"), dr.note());
  }

  @Test
  void aRunOverMidnightTakesTheNextEvening() {
    DemoSettings s = at30x(LocalTime.of(20, 0), 24, null);
    Demo.DrSchedule dr = Demo.drSchedule(s, simStart(s));
    assertEquals(Instant.parse("2026-11-22T18:00:00Z"), dr.start());
    assertNull(dr.note());
  }
}
