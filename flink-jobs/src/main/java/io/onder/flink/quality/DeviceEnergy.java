package io.onder.flink.quality;

/** Energy of one device in one closed interval, before quality: what the feeder step collects. A Flink POJO. */
public class DeviceEnergy {
  public String deviceId;
  /** Set from the registry after the device step. */
  public String feederId;
  public long intervalStart;
  public long intervalEnd;
  public long importMilliWh;
  public long exportMilliWh;
  public String exportSource;
  public double socPercent = Double.NaN;

  public DeviceEnergy() {}

  public DeviceEnergy(String deviceId, long intervalStart, long intervalEnd, long importMilliWh, long exportMilliWh,
      String exportSource, double socPercent) {
    this.deviceId = deviceId;
    this.intervalStart = intervalStart;
    this.intervalEnd = intervalEnd;
    this.importMilliWh = importMilliWh;
    this.exportMilliWh = exportMilliWh;
    this.exportSource = exportSource;
    this.socPercent = socPercent;
  }

  @Override
  public String toString() {
    return deviceId + "@" + intervalStart + " +" + importMilliWh + "/-" + exportMilliWh + " mWh";
  }
}
