package io.onder.flink.dr;

/** A device's reliability after an event it was asked in: a row of {@code device_reliability}. A Flink POJO. */
public class DeviceReliability {
  public String deviceId;
  public long reliabilityPpm;
  public String eventId;
  public long requestedMilliWh;
  public long deliveredMilliWh;
  public long eventEndMillis;

  public DeviceReliability() {}

  public DeviceReliability(String deviceId, long reliabilityPpm, String eventId, long requestedMilliWh, long deliveredMilliWh,
      long eventEndMillis) {
    this.deviceId = deviceId;
    this.reliabilityPpm = reliabilityPpm;
    this.eventId = eventId;
    this.requestedMilliWh = requestedMilliWh;
    this.deliveredMilliWh = deliveredMilliWh;
    this.eventEndMillis = eventEndMillis;
  }

  @Override
  public String toString() {
    return deviceId + " " + reliabilityPpm + " ppm after " + eventId;
  }
}
