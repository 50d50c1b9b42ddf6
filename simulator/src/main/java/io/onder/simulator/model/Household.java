package io.onder.simulator.model;

/** A household meter: a base load with a morning and a larger evening peak, and noise. Not flexible. */
public final class Household extends DeviceModel {
  private final double baseW;
  private final double peakW;

  public Household(String id, long seed, long start) {
    super(id, seed, start);
    this.baseW = 150 + random.nextDouble() * 200;
    this.peakW = 800 + random.nextDouble() * 1_700;
  }

  @Override
  public DeviceKind kind() {
    return DeviceKind.METER;
  }

  @Override
  protected double basePowerW(long t) {
    double h = hourOfDay(t);
    double shape = 0.35 * bump(h, 7.5, 1.2) + bump(h, 19.0, 2.0) + 0.15 * bump(h, 13, 2.5);
    return baseW + peakW * shape * (0.85 + 0.3 * random.nextDouble());
  }

  @Override
  public long flexibleW(long t, boolean reduce) {
    return 0;
  }
}
