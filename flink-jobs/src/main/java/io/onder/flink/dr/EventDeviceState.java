package io.onder.flink.dr;

/** One commanded device in one event, as Flink keyed state: what it was asked and what it delivered so far. */
public class EventDeviceState {
  public String deviceId;
  /** Change of load asked, W. */
  public long requestedW;
  /** When the ask starts: the event's start for round 0, the re-dispatch time for later rounds. */
  public long fromMillis;
  public int round;
  /** Baseline net import per interval, mWh (a device is only asked when it has one). */
  public long baselineMilliWh;
  public long deliveredMilliWh;
  /** Start of the latest interval looked at for verification; an interval is never verified, or paid, twice. */
  public long lastVerifiedStart = Long.MIN_VALUE;
  /** When the device refused its command (Long.MAX_VALUE: it has not): no interval ending after it is verified. */
  public long refusedAtMillis = Long.MAX_VALUE;
  /** Whether its UNANSWERED row was written (once per command). */
  public boolean unansweredNoted;

  public EventDeviceState() {}
}
