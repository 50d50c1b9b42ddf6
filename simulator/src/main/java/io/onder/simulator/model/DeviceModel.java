package io.onder.simulator.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;

/**
 * A simulated device: its power through a simulated day, integrated into cumulative registers exactly as a meter
 * would (milliwatt-hours, never decreasing). Deterministic for a given seed, so two runs of the same fleet produce
 * the same readings. Demand-response commands change its power within its flexibility.
 */
public abstract class DeviceModel {
  /** Integration step: power is held constant over it. */
  static final long STEP_MILLIS = 10_000;

  protected final String deviceId;
  protected final SplittableRandom random;
  private long importMilliWh;
  private long exportMilliWh;
  private double importFraction; // sub-mWh remainders, so rounding never loses energy over a day
  private double exportFraction;
  private long time;
  private long seq;

  /** An active DR command: change of load (W, positive) asked until {@code commandEnd}. */
  private long commandW;
  private long commandEnd;
  private boolean commandReduce;

  protected DeviceModel(String deviceId, long seed, long startMillis) {
    this.deviceId = deviceId;
    this.random = new SplittableRandom(seed);
    this.time = startMillis;
    this.importMilliWh = random.nextLong(5_000_000_000L); // a meter that has been running a while
  }

  public abstract DeviceKind kind();

  /** Power at an instant without any command: positive imports, negative exports, in W. */
  protected abstract double basePowerW(long timeMillis);

  /** How far this device can move its load now (W), in the command's direction. */
  public abstract long flexibleW(long timeMillis, boolean reduce);

  /** The source of exported energy (pv, battery...). */
  public String exportSource() {
    return "grid";
  }

  /** State of charge, for devices that store energy; NaN otherwise. */
  public double socPercent() {
    return Double.NaN;
  }

  /** Takes a command for [now, end): the device follows it when {@code complies}. */
  public void command(boolean reduce, long requestedW, long endMillis, boolean complies) {
    if (!complies) return;
    this.commandReduce = reduce;
    this.commandW = requestedW;
    this.commandEnd = endMillis;
  }

  public void release() {
    this.commandEnd = 0;
  }

  /** Power now, commands included. */
  public double powerW(long t) {
    double p = basePowerW(t);
    if (t < commandEnd) {
      long shift = Math.min(commandW, flexibleW(t, commandReduce));
      p += commandReduce ? -shift : shift;
    }
    return p;
  }

  /** Advances the registers to {@code untilMillis}; returns a reading at that instant. */
  public SimReading advanceTo(long untilMillis) {
    double lastPower = 0;
    while (time < untilMillis) {
      long step = Math.min(STEP_MILLIS, untilMillis - time);
      double p = powerW(time);
      lastPower = p;
      double milliWh = Math.abs(p) * step / 3_600.0; // W × ms / 3,600 = mWh
      onEnergy(p, step);
      if (p >= 0) {
        importFraction += milliWh;
        long whole = (long) importFraction;
        importMilliWh += whole;
        importFraction -= whole;
      } else {
        exportFraction += milliWh;
        long whole = (long) exportFraction;
        exportMilliWh += whole;
        exportFraction -= whole;
      }
      time += step;
    }
    return new SimReading(deviceId, ++seq, time, importMilliWh, exportMilliWh, lastPower, socPercent(), exportSource());
  }

  /** Hook for stateful devices (a battery's state of charge). */
  protected void onEnergy(double powerW, long stepMillis) {}

  public String deviceId() {
    return deviceId;
  }

  public long seq() {
    return seq;
  }

  /** Local hour of day (the region's clock is UTC here), fractional. */
  protected static double hourOfDay(long t) {
    var z = Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC);
    return z.getHour() + z.getMinute() / 60.0 + z.getSecond() / 3600.0;
  }

  /** A smooth bump centred at {@code centre} hours, {@code width} hours wide. */
  protected static double bump(double hour, double centre, double width) {
    double d = (hour - centre) / width;
    return Math.exp(-d * d);
  }
}
