package io.onder.simulator.model;

/**
 * A home battery: charges at midday (when PV floods the feeder), discharges in the evening peak, within its state
 * of charge. Under a reduce command it discharges harder; under an increase command it charges.
 */
public final class HomeBattery extends DeviceModel {
  private final double capacityWh;
  private final double maxW;
  private double storedWh;

  public HomeBattery(String id, long seed, long start) {
    super(id, seed, start);
    this.capacityWh = 5_000 + random.nextInt(3) * 5_000;
    this.maxW = 2_500 + random.nextDouble() * 2_500;
    this.storedWh = capacityWh * (0.2 + random.nextDouble() * 0.3);
  }

  @Override
  public DeviceKind kind() {
    return DeviceKind.BATTERY;
  }

  @Override
  protected double basePowerW(long t) {
    double h = hourOfDay(t);
    if (h >= 10 && h < 15 && storedWh < capacityWh * 0.95) return maxW * 0.6;
    if (h >= 17.5 && h < 21.5 && storedWh > capacityWh * 0.1) return -maxW * 0.7;
    return 0;
  }

  @Override
  public long flexibleW(long t, boolean reduce) {
    double p = basePowerW(t);
    if (reduce) return storedWh > capacityWh * 0.05 ? (long) (maxW + p) : (long) Math.max(0, p);
    return storedWh < capacityWh * 0.95 ? (long) (maxW - p) : 0;
  }

  @Override
  protected void onEnergy(double powerW, long stepMillis) {
    storedWh = Math.max(0, Math.min(capacityWh, storedWh + powerW * stepMillis / 3_600_000.0));
  }

  @Override
  public double socPercent() {
    return 100.0 * storedWh / capacityWh;
  }

  @Override
  public String exportSource() {
    return "battery";
  }
}
