package io.onder.simulator.model;

/** A PV inverter: output follows the sun (06:00-18:00 at the equinox) under drifting cloud cover; exports only. */
public final class SolarPv extends DeviceModel {
  private final double peakW;
  private double cloud = 1.0;
  private long cloudAt;

  public SolarPv(String id, long seed, long start) {
    super(id, seed, start);
    this.peakW = 3_000 + random.nextDouble() * 7_000;
  }

  @Override
  public DeviceKind kind() {
    return DeviceKind.PV;
  }

  @Override
  protected double basePowerW(long t) {
    if (t - cloudAt >= 300_000) { // clouds drift every five simulated minutes
      cloud = Math.max(0.2, Math.min(1.0, cloud + (random.nextDouble() - 0.5) * 0.3));
      cloudAt = t;
    }
    double h = hourOfDay(t);
    double sun = h <= 6 || h >= 18 ? 0 : Math.sin(Math.PI * (h - 6) / 12);
    return -peakW * sun * cloud;
  }

  @Override
  public long flexibleW(long t, boolean reduce) {
    // curtailment: a PV inverter can lower its export (an "increase load" event at surplus)
    return reduce ? 0 : (long) -basePowerW(t);
  }

  @Override
  public String exportSource() {
    return "pv";
  }
}
