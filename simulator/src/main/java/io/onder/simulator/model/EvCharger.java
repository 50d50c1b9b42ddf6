package io.onder.simulator.model;

/** An EV charger: the car arrives in the evening and charges at full power until its need is met; charging can stop. */
public final class EvCharger extends DeviceModel {
  private final double powerW;
  private final double arrivalHour;
  private final double needWh;
  private double chargedWh;
  private long day = -1;

  public EvCharger(String id, long seed, long start) {
    super(id, seed, start);
    this.powerW = random.nextBoolean() ? 7_400 : 11_000;
    this.arrivalHour = 17 + random.nextDouble() * 3;
    this.needWh = 8_000 + random.nextDouble() * 22_000;
  }

  @Override
  public DeviceKind kind() {
    return DeviceKind.EV_CHARGER;
  }

  @Override
  protected double basePowerW(long t) {
    long d = t / 86_400_000L;
    if (d != day) {
      day = d;
      chargedWh = 0;
    }
    double h = hourOfDay(t);
    return h >= arrivalHour && chargedWh < needWh ? powerW : 0;
  }

  @Override
  public long flexibleW(long t, boolean reduce) {
    double p = basePowerW(t);
    return reduce ? (long) p : (long) (powerW - p);
  }

  @Override
  protected void onEnergy(double p, long stepMillis) {
    if (p > 0) chargedWh += p * stepMillis / 3_600_000.0;
  }
}
