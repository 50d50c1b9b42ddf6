package io.onder.simulator;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Simulated time running {@code speed} times faster than the wall clock from {@code simStart}. The fleet paces its
 * readings on it and, in the demo, the gateway runs on it too, so that a day of readings, their validation (skew,
 * horizon) and the DR commands' windows all agree however fast the day is played.
 */
public final class SimClock extends Clock {
  private final long simStart;
  private final long wallStart;
  private final double speed;

  public SimClock(Instant simStart, double speed) {
    this(simStart.toEpochMilli(), System.currentTimeMillis(), speed);
  }

  /**
   * The same simulated clock in another process: simulated {@code simStart} at wall time {@code wallStart}, both
   * epoch milliseconds (see {@link #simStart()} and {@link #wallStart()}).
   */
  public static SimClock anchored(long simStart, long wallStart, double speed) {
    return new SimClock(simStart, wallStart, speed);
  }

  public long simStart() {
    return simStart;
  }

  public long wallStart() {
    return wallStart;
  }

  private SimClock(long simStart, long wallStart, double speed) {
    if (speed <= 0) throw new IllegalArgumentException("speed must be positive");
    this.simStart = simStart;
    this.wallStart = wallStart;
    this.speed = speed;
  }

  @Override
  public long millis() {
    return simStart + (long) ((System.currentTimeMillis() - wallStart) * speed);
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  public double speed() {
    return speed;
  }

  /** Wall milliseconds until the simulated clock reads {@code simMillis} (0 if it already has). */
  public long wallMillisUntil(long simMillis) {
    return Math.max(0, (long) Math.ceil((simMillis - millis()) / speed));
  }
}
