package io.onder.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onder.testkit.Await;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SimClockTest {
  private static final Instant START = Instant.parse("2026-11-21T16:30:00Z");

  @Test
  void a_held_clock_stands_at_its_start_until_started_then_runs_at_its_speed() throws Exception {
    SimClock c = SimClock.held(START, 1_000);
    long wall0 = System.nanoTime();
    Await.until("20 ms of wall time", Duration.ofSeconds(5), () -> System.nanoTime() - wall0 > 20_000_000L);
    assertEquals(START.toEpochMilli(), c.millis(), "20 ms at 1,000x would be 20 simulated seconds: it stood still");
    assertThrows(IllegalStateException.class, () -> c.wallMillisUntil(START.toEpochMilli() + 1));

    long before = System.currentTimeMillis();
    c.start();
    long started = c.wallStart();
    assertTrue(started >= before, "started from now, not from when it was made");
    Await.until("the clock moves", Duration.ofSeconds(5), () -> c.millis() > START.toEpochMilli());
    long wallElapsed = System.currentTimeMillis() - started;
    assertTrue(c.millis() - START.toEpochMilli() <= (wallElapsed + 1) * 1_000, "at most 1,000x the wall time since start()");
    c.start();
    assertEquals(started, c.wallStart(), "starting a running clock changes nothing");
  }

  @Test
  void a_plain_clock_runs_from_when_it_is_made() {
    SimClock c = new SimClock(START, 1_000);
    Await.until("the clock moves", Duration.ofSeconds(5), () -> c.millis() > START.toEpochMilli());
  }
}
