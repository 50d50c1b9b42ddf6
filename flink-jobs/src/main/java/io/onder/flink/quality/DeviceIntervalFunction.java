package io.onder.flink.quality;

import io.onder.avro.DeviceReading;
import io.onder.rules.IntervalEnergy;
import io.onder.rules.Intervals;
import io.onder.rules.Reading;
import io.onder.rules.RegisterTimeline;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per device: turns cumulative register readings into energy per interval. Readings may arrive out of order;
 * energy is apportioned between intervals by interpolating the registers, so a lost packet loses no energy. An
 * interval is emitted once the event-time watermark has passed its end and readings bracket it. A repeated
 * reading is dropped; one older than the kept history goes to the late side output. State older than the last
 * emitted interval is forgotten; a device silent for {@code idleTimeout} has its state cleared.
 */
public class DeviceIntervalFunction extends KeyedProcessFunction<String, DeviceReading, DeviceEnergy> {
  private static final long serialVersionUID = 1L;
  public static final OutputTag<DeviceReading> LATE = new OutputTag<>("late-readings") {};

  private final long intervalMillis;
  private final long idleTimeoutMillis;
  private transient ValueState<TimelineState> state;
  private transient Intervals intervals;

  public DeviceIntervalFunction(long intervalMillis, long idleTimeoutMillis) {
    if (idleTimeoutMillis < intervalMillis) throw new IllegalArgumentException("the idle timeout is shorter than an interval");
    this.intervalMillis = intervalMillis;
    this.idleTimeoutMillis = idleTimeoutMillis;
  }

  @Override
  public void open(OpenContext ctx) {
    state = getRuntimeContext().getState(new ValueStateDescriptor<>("device-timeline", TimelineState.Serializer.INSTANCE));
    intervals = new Intervals(intervalMillis);
  }

  @Override
  public void processElement(DeviceReading r, Context ctx, Collector<DeviceEnergy> out) throws Exception {
    TimelineState s = state.value();
    if (s == null) s = new TimelineState();
    long t = r.getTime().toEpochMilli();
    RegisterTimeline.Accept a = s.energy.accept(new Reading(r.getSeq(), t, r.getImportMilliWh(), r.getExportMilliWh(), r.getMeterReset()));
    if (a == RegisterTimeline.Accept.DUPLICATE) return;
    if (a == RegisterTimeline.Accept.TOO_LATE) {
      ctx.output(LATE, r);
      return;
    }
    // The first interval is the first whole one after the earliest reading: before it nothing can be bracketed.
    long firstWhole = t == intervals.startOf(t) ? t : intervals.endOf(t);
    if (s.nextInterval == Long.MIN_VALUE || (!s.emittedAny && firstWhole < s.nextInterval)) s.nextInterval = firstWhole;
    if (r.getExportSource() != null && r.getExportMilliWh() != null) s.lastSource = r.getExportSource().name();
    if (r.getSocPercent() != null) s.lastSoc = r.getSocPercent();
    // A late reading (its interval already behind the watermark) may bracket intervals that were waiting for it:
    // close them now. A timer cannot do it sooner: one registered at or behind the watermark fires only when the
    // next watermark arrives, which on a quiet or idle source can be long after.
    closeReady(s, ctx.timerService().currentWatermark(), ctx.getCurrentKey(), out);
    ctx.timerService().registerEventTimeTimer(intervals.endOf(t));
    moveIdleTimer(s, t, ctx.timerService());
    state.update(s);
  }

  /**
   * Keeps one idle timer per device, at the end of the interval in which the device has been silent for the idle
   * timeout since its latest reading. A timer per reading would pile up (a week's worth of readings per device, all
   * in the timer heap and in every checkpoint); moving the one timer costs a delete and a register once per interval.
   */
  private void moveIdleTimer(TimelineState s, long t, TimerService timers) {
    long at = intervals.endOf(t + idleTimeoutMillis);
    if (at <= s.idleTimer) return;
    // An earlier idle timer at or before this reading's interval end may coincide with an interval timer: keep it.
    if (s.idleTimer > intervals.endOf(t)) timers.deleteEventTimeTimer(s.idleTimer);
    timers.registerEventTimeTimer(at);
    s.idleTimer = at;
  }

  /** Emits every interval whose end the watermark has passed and readings bracket, in order. */
  private void closeReady(TimelineState s, long watermark, String device, Collector<DeviceEnergy> out) {
    IntervalEnergy e = s.energy;
    boolean emitted = false;
    while (s.nextInterval + intervalMillis <= watermark) {
      Optional<IntervalEnergy.Energy> energy = e.between(s.nextInterval, s.nextInterval + intervalMillis);
      if (energy.isEmpty()) break; // readings do not bracket it yet: wait for the next reading
      var en = energy.get();
      out.collect(new DeviceEnergy(device, en.startMillis(), en.endMillis(), en.importMilliWh(), en.exportMilliWh(),
          s.lastSource, s.lastSoc));
      s.nextInterval += intervalMillis;
      s.emittedAny = true;
      emitted = true;
    }
    if (emitted) e.forgetBefore(s.nextInterval);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<DeviceEnergy> out) throws Exception {
    TimelineState s = state.value();
    if (s == null) return;
    long watermark = ctx.timerService().currentWatermark();
    closeReady(s, watermark, ctx.getCurrentKey(), out);
    if (watermark >= s.lastReadingMillis() + idleTimeoutMillis) {
      state.clear(); // silent device: nothing more can be emitted until it reports again
    } else {
      state.update(s);
    }
  }
}
