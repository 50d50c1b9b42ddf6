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
  private volatile long wallStart;
  private final double speed;
  /** Standing at {@code simStart} until {@link #start()}. */
  private volatile boolean held;

  public SimClock(Instant simStart, double speed) {
    this(simStart.toEpochMilli(), System.currentTimeMillis(), speed);
  }

  /**
   * A clock that reads {@code simStart} until {@link #start()}: a big fleet takes minutes of wall time to open its
   * DTLS sessions, which at 15x would be hours of the simulated day gone before its first reading.
   */
  public static SimClock held(Instant simStart, double speed) {
    SimClock c = new SimClock(simStart.toEpochMilli(), System.currentTimeMillis(), speed);
    c.held = true;
    return c;
  }

  /** Sets a held clock going from {@code simStart}, now; a running clock is left as it is. */
  public synchronized void start() {
    if (!held) return;
    wallStart = System.currentTimeMillis();
    held = false;
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
    if (held) return simStart;
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
    if (held) throw new IllegalStateException("the clock is held: start() it first");
    return Math.max(0, (long) Math.ceil((simMillis - millis()) / speed));
  }
}
