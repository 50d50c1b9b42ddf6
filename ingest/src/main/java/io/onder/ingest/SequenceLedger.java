package io.onder.ingest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the gateway remembers per device between requests: which sequence numbers were acknowledged (a window
 * below the highest one) and the register values at the highest, so a repeat is dropped and a register never
 * goes backwards. A sequence number older than the window is taken as a repeat.
 *
 * <p>Memory only: after a gateway restart a device's first repeat may reach Kafka again, so consumers still
 * deduplicate on (deviceId, seq), which the schema declares unique.
 */
public final class SequenceLedger {
  /** The outcome of {@link #reserve}: what to publish, what to drop as a repeat, or why to refuse. */
  public record Reservation(List<Reading> fresh, int duplicates, boolean busy, String refusal) {}

  private final int window;
  private final Map<String, DeviceState> devices = new HashMap<>();

  public SequenceLedger(int window) {
    this.window = window;
  }

  private static final class DeviceState {
    long highest = -1;
    Long importAtHighest;
    Long exportAtHighest;
    final TreeSet<Long> acked = new TreeSet<>();
    final TreeSet<Long> pending = new TreeSet<>();
  }

  /**
   * Splits a request's readings (sorted by seq) into fresh ones and repeats, and marks the fresh ones pending.
   * Busy when a reading of the same seq is still on its way to Kafka (the device retries after Max-Age).
   */
  public synchronized Reservation reserve(String deviceId, List<Reading> readings) {
    DeviceState s = devices.computeIfAbsent(deviceId, k -> new DeviceState());
    List<Reading> fresh = new ArrayList<>(readings.size());
    int dup = 0;
    for (Reading r : readings) {
      if (s.pending.contains(r.seq())) return new Reservation(List.of(), 0, true, null);
      if (s.acked.contains(r.seq()) || (s.highest >= 0 && r.seq() <= s.highest - window)) {
        dup++;
        continue;
      }
      if (r.seq() > s.highest) {
        String why = ReadingAssembler.decreasing(s.importAtHighest, s.exportAtHighest, r);
        if (why != null) return new Reservation(List.of(), 0, false, "reading seq " + r.seq() + ": " + why + " below the last acknowledged reading (seq " + s.highest + ")");
      }
      fresh.add(r);
    }
    for (Reading r : fresh) s.pending.add(r.seq());
    return new Reservation(fresh, dup, false, null);
  }

  /** Kafka has them: remember them as acknowledged. */
  public synchronized void commit(String deviceId, List<Reading> fresh) {
    DeviceState s = devices.get(deviceId);
    for (Reading r : fresh) {
      s.pending.remove(r.seq());
      s.acked.add(r.seq());
      if (r.seq() > s.highest) {
        s.highest = r.seq();
        if (r.importMilliWh() != null || r.meterReset()) s.importAtHighest = r.importMilliWh();
        if (r.exportMilliWh() != null || r.meterReset()) s.exportAtHighest = r.exportMilliWh();
      }
    }
    while (!s.acked.isEmpty() && s.acked.first() <= s.highest - window) s.acked.pollFirst();
  }

  /** Kafka did not take them: the device may send them again. */
  public synchronized void release(String deviceId, List<Reading> fresh) {
    DeviceState s = devices.get(deviceId);
    for (Reading r : fresh) s.pending.remove(r.seq());
  }
}
