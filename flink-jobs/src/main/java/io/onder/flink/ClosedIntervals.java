package io.onder.flink;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;

/**
 * The intervals a keyed operator has closed (computed, settled), remembered for a day so that data arriving after
 * the close is recognised as late instead of being closed again on its own. Each close registers one event-time
 * timer at which the interval is forgotten; the operator hands every timer to {@link #onTimer}.
 */
public final class ClosedIntervals {
  /** How long a closed interval is remembered after its end and the grace. */
  public static final long REMEMBER_MILLIS = 86_400_000L;

  private final MapState<Long, Boolean> closed;
  private final long intervalMillis;
  private final long graceMillis;

  public ClosedIntervals(RuntimeContext runtime, String stateName, long intervalMillis, long graceMillis) {
    this.closed = runtime.getMapState(new MapStateDescriptor<>(stateName, Types.LONG, Types.BOOLEAN));
    this.intervalMillis = intervalMillis;
    this.graceMillis = graceMillis;
  }

  public boolean contains(long intervalStart) throws Exception {
    return closed.contains(intervalStart);
  }

  public void close(long intervalStart, TimerService timers) throws Exception {
    closed.put(intervalStart, true);
    timers.registerEventTimeTimer(intervalStart + intervalMillis + graceMillis + REMEMBER_MILLIS);
  }

  /**
   * Forgets the interval whose memory ends at this timer, if this is such a timer.
   *
   * @return the start of the interval whose memory ends at this timer (whether it was closed or not)
   */
  public long onTimer(long timestamp) throws Exception {
    long start = timestamp - REMEMBER_MILLIS - graceMillis - intervalMillis;
    closed.remove(start);
    return start;
  }
}
