package io.onder.simulator.model;

/** A heat pump: heats hardest in the morning and evening; can shed half its load for a while. */
public final class HeatPump extends DeviceModel {
  private final double ratedW;

  public HeatPump(String id, long seed, long start) {
    super(id, seed, start);
    this.ratedW = 1_500 + random.nextDouble() * 2_000;
  }

  @Override
  public DeviceKind kind() {
    return DeviceKind.HEAT_PUMP;
  }

  @Override
  protected double basePowerW(long t) {
    double h = hourOfDay(t);
    return ratedW * (0.25 + 0.5 * bump(h, 7, 2) + 0.6 * bump(h, 19.5, 2.5));
  }

  @Override
  public long flexibleW(long t, boolean reduce) {
    return reduce ? (long) (basePowerW(t) * 0.5) : (long) (ratedW - basePowerW(t));
  }
}
