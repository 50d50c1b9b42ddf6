package io.onder.ingest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
  private final ConcurrentHashMap<String, DeviceState> devices = new ConcurrentHashMap<>();

  public SequenceLedger(int window) {
    if (window < 1) throw new IllegalArgumentException("the deduplication window must be at least 1, got " + window);
    this.window = window;
  }

  /**
   * One device's memory, guarded by itself (devices do not wait on each other). The acknowledged sequence numbers of
   * the window below the highest are bits of a ring, as in an anti-replay window: seq {@code s} is bit
   * {@code s mod ring}, which holds only for the seqs in {@code (highest - ring, highest]}, so the bits a rising
   * highest passes over are cleared before they are reused.
   */
  private static final class DeviceState {
    long highest = -1;
    Long importAtHighest;
    Long exportAtHighest;
    final long[] acked;
    final Set<Long> pending = new HashSet<>(4);

    DeviceState(int window) {
      acked = new long[(window + 63) / 64];
    }

    private int ring() {
      return acked.length * 64;
    }

    boolean isAcked(long seq) {
      if (seq > highest || seq <= highest - ring()) return false;
      int bit = (int) Math.floorMod(seq, (long) ring());
      return (acked[bit >>> 6] & (1L << bit)) != 0;
    }

    /** Marks {@code seq} acknowledged; true if it is the new highest. */
    boolean ack(long seq, int window) {
      boolean highestNow = seq > highest;
      if (highestNow) {
        if (seq - highest >= ring()) java.util.Arrays.fill(acked, 0L);
        else for (long s = highest + 1; s < seq; s++) flip(s, false); // their bits held seqs now below the ring
        highest = seq;
      } else if (seq <= highest - window) {
        return false; // fell out of the window while on its way to Kafka: a repeat of it is refused as old anyway
      }
      flip(seq, true);
      return highestNow;
    }

    private void flip(long seq, boolean on) {
      int bit = (int) Math.floorMod(seq, (long) ring());
      if (on) acked[bit >>> 6] |= 1L << bit;
      else acked[bit >>> 6] &= ~(1L << bit);
    }
  }

  /**
   * Splits a request's readings (sorted by seq) into fresh ones and repeats, and marks the fresh ones pending.
   * Busy when a reading of the same seq is still on its way to Kafka (the device retries after Max-Age).
   */
  public Reservation reserve(String deviceId, List<Reading> readings) {
    DeviceState s = devices.computeIfAbsent(deviceId, k -> new DeviceState(window));
    synchronized (s) {
      List<Reading> fresh = new ArrayList<>(readings.size());
      int dup = 0;
      for (Reading r : readings) {
        if (s.pending.contains(r.seq())) return new Reservation(List.of(), 0, true, null);
        if (s.isAcked(r.seq()) || (s.highest >= 0 && r.seq() <= s.highest - window)) {
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
  }

  /** Kafka has them: remember them as acknowledged. */
  public void commit(String deviceId, List<Reading> fresh) {
    DeviceState s = devices.get(deviceId);
    synchronized (s) {
      for (Reading r : fresh) {
        s.pending.remove(r.seq());
        if (s.ack(r.seq(), window)) {
          if (r.importMilliWh() != null || r.meterReset()) s.importAtHighest = r.importMilliWh();
          if (r.exportMilliWh() != null || r.meterReset()) s.exportAtHighest = r.exportMilliWh();
        }
      }
    }
  }

  /** Kafka did not take them: the device may send them again. */
  public void release(String deviceId, List<Reading> fresh) {
    DeviceState s = devices.get(deviceId);
    synchronized (s) {
      for (Reading r : fresh) s.pending.remove(r.seq());
    }
  }
}
