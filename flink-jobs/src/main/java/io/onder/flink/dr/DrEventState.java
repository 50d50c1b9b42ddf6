package io.onder.flink.dr;

import io.onder.avro.DrEvent;
import io.onder.rules.DrDirection;
import io.onder.rules.DrEventSpec;

/** One DR event in progress in a region, as Flink keyed state (a POJO of scalars). */
public class DrEventState {
  public String eventId;
  public String utilityId;
  public String targetKind;
  public String targetId;
  public String direction;
  public long targetW;
  public long startMillis;
  public long endMillis;
  public long rate;
  public long createdAtMillis;
  public int version;
  public boolean dispatched;
  /** The latest dispatch round (0 at the start, one more per re-dispatch). */
  public int round;

  public DrEventState() {}

  public static DrEventState of(DrEvent e) {
    DrEventState s = new DrEventState();
    s.eventId = e.getEventId();
    s.update(e);
    return s;
  }

  /** Takes a newer version's terms; what was dispatched stays dispatched. */
  public void update(DrEvent e) {
    utilityId = e.getUtilityId();
    targetKind = e.getTargetKind().name();
    targetId = e.getTargetId();
    direction = e.getDirection().name();
    targetW = e.getTargetW();
    startMillis = e.getStart().toEpochMilli();
    endMillis = e.getEnd().toEpochMilli();
    rate = e.getRate();
    createdAtMillis = e.getCreatedAt().toEpochMilli();
    version = e.getVersion();
  }

  /** The ledger account that funds the event's payments. */
  public String utilityAccount() {
    return "utility:" + utilityId;
  }

  public DrEventSpec spec() {
    return spec(startMillis);
  }

  /** The event as seen by a device asked from {@code fromMillis} on (a re-dispatch round asks from its own time). */
  public DrEventSpec spec(long fromMillis) {
    return new DrEventSpec(eventId, utilityAccount(), DrDirection.valueOf(direction), targetW, fromMillis, endMillis, rate,
        createdAtMillis);
  }

  /** Whether a device on this feeder and substation is under the event's target (the region is the key). */
  public boolean covers(DeviceFlexState d) {
    switch (targetKind) {
      case "FEEDER":
        return targetId.equals(d.feederId);
      case "SUBSTATION":
        return targetId.equals(d.substationId);
      default:
        return true;
    }
  }
}
