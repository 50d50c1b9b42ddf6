package io.onder.flink.dr;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * What the pool knows of one device for demand response, as Flink keyed state (primitive arrays, so the POJO
 * serializer handles it without Kryo): where it is, its net import per interval for baselines, its latest state of
 * charge, its reliability history and when it was last asked.
 */
public class DeviceFlexState {
  public static final long UNKNOWN = -1;

  public String deviceId;
  public String ownerAddress;
  public String feederId;
  public String substationId;
  /** Latest state of charge in ppm, or {@link #UNKNOWN}. */
  public long socPpm = UNKNOWN;
  /** Reliability in ppm, or {@link #UNKNOWN} for the rulebook's prior. */
  public long reliabilityPpm = UNKNOWN;
  /** Issue time of the last command, or Long.MIN_VALUE when never asked. */
  public long lastAskedMillis = Long.MIN_VALUE;
  /** Interval starts, ascending, and the device's net import (import − export, mWh) in each. */
  public long[] historyStart = new long[0];
  public long[] historyNetMilliWh = new long[0];
  /** End of the latest interval received. */
  public long lastIntervalEnd = Long.MIN_VALUE;

  public DeviceFlexState() {}

  /** Records (or, for a correction, replaces) one interval and forgets those starting before {@code keepFrom}. */
  public void record(long intervalStart, long intervalEnd, long netMilliWh, long keepFrom) {
    int i = Arrays.binarySearch(historyStart, intervalStart);
    if (i >= 0) {
      historyNetMilliWh[i] = netMilliWh;
    } else {
      int at = -i - 1;
      historyStart = insert(historyStart, at, intervalStart);
      historyNetMilliWh = insert(historyNetMilliWh, at, netMilliWh);
    }
    lastIntervalEnd = Math.max(lastIntervalEnd, intervalEnd);
    int from = 0;
    while (from < historyStart.length && historyStart[from] < keepFrom) from++;
    if (from > 0) {
      historyStart = Arrays.copyOfRange(historyStart, from, historyStart.length);
      historyNetMilliWh = Arrays.copyOfRange(historyNetMilliWh, from, historyNetMilliWh.length);
    }
  }

  /** Net import by interval start for the intervals starting in [from, to), for {@link io.onder.rules.Baseline}. */
  public Map<Long, Long> history(long from, long to) {
    Map<Long, Long> m = new HashMap<>();
    for (int i = 0; i < historyStart.length; i++) {
      if (historyStart[i] >= from && historyStart[i] < to) m.put(historyStart[i], historyNetMilliWh[i]);
    }
    return m;
  }

  /** Average net power of the latest interval ending at or before {@code t}, W; 0 when none. */
  public long powerBefore(long t, long intervalMillis) {
    for (int i = historyStart.length - 1; i >= 0; i--) {
      if (historyStart[i] + intervalMillis <= t) return Math.floorDiv(Math.multiplyExact(historyNetMilliWh[i], 3_600L), intervalMillis);
    }
    return 0;
  }

  public Long soc() {
    return socPpm == UNKNOWN ? null : socPpm;
  }

  public long reliability(long priorPpm) {
    return reliabilityPpm == UNKNOWN ? priorPpm : reliabilityPpm;
  }

  private static long[] insert(long[] a, int at, long v) {
    long[] b = new long[a.length + 1];
    System.arraycopy(a, 0, b, 0, at);
    b[at] = v;
    System.arraycopy(a, at, b, at + 1, a.length - at);
    return b;
  }
}
