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
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per device: turns cumulative register readings into energy per interval. Energy is apportioned between intervals by
 * interpolating the registers, so a lost packet loses no energy. An interval is emitted as soon as the device's
 * readings bracket it: the device's own data decides, not the watermark, so what an interval holds depends only on the
 * device's readings in the order they are in Kafka (one partition per device), never on how fast other partitions
 * were read. A replay of the same topic, or a restart from a checkpoint, emits the same energy.
 *
 * <p>A reading that would change an emitted interval (it is older than the reading that closed the last one, see
 * {@link IntervalEnergy#accept(Reading, long)}) goes to the {@link #LATE} side output and is counted
 * ({@code lateReadings}); its energy is not lost, the cumulative registers carry it into the next interval. A repeated
 * reading is dropped. State older than the last emitted interval is forgotten; a device silent for
 * {@code idleTimeout} (of event time, by the watermark) has its state cleared.
 */
public class DeviceIntervalFunction extends KeyedProcessFunction<String, DeviceReading, DeviceEnergy> {
  private static final long serialVersionUID = 1L;
  public static final OutputTag<DeviceReading> LATE = new OutputTag<>("late-readings") {};

  private final long intervalMillis;
  private final long idleTimeoutMillis;
  private transient ValueState<TimelineState> state;
  private transient Intervals intervals;
  private transient Counter lateReadings;

  public DeviceIntervalFunction(long intervalMillis, long idleTimeoutMillis) {
    if (idleTimeoutMillis < intervalMillis) throw new IllegalArgumentException("the idle timeout is shorter than an interval");
    this.intervalMillis = intervalMillis;
    this.idleTimeoutMillis = idleTimeoutMillis;
  }

  @Override
  public void open(OpenContext ctx) {
    state = getRuntimeContext().getState(new ValueStateDescriptor<>("device-timeline", TimelineState.Serializer.INSTANCE));
    intervals = new Intervals(intervalMillis);
    lateReadings = getRuntimeContext().getMetricGroup().counter("lateReadings");
  }

  @Override
  public void processElement(DeviceReading r, Context ctx, Collector<DeviceEnergy> out) throws Exception {
    TimelineState s = state.value();
    if (s == null) s = new TimelineState();
    long t = r.getTime().toEpochMilli();
    long closedAt = s.emittedAny ? s.nextInterval : Long.MIN_VALUE;
    RegisterTimeline.Accept a = s.energy.accept(new Reading(r.getSeq(), t, r.getImportMilliWh(), r.getExportMilliWh(), r.getMeterReset()), closedAt);
    if (a == RegisterTimeline.Accept.DUPLICATE) return;
    if (a == RegisterTimeline.Accept.TOO_LATE) {
      lateReadings.inc();
      ctx.output(LATE, r);
      return;
    }
    // The first interval is the first whole one after the earliest reading: before it nothing can be bracketed.
    long firstWhole = t == intervals.startOf(t) ? t : intervals.endOf(t);
    if (s.nextInterval == Long.MIN_VALUE || (!s.emittedAny && firstWhole < s.nextInterval)) s.nextInterval = firstWhole;
    if (r.getExportSource() != null && r.getExportMilliWh() != null) s.lastSource = r.getExportSource().name();
    if (r.getSocPercent() != null) s.lastSoc = r.getSocPercent();
    closeReady(s, ctx.getCurrentKey(), out);
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
    if (s.idleTimer != Long.MIN_VALUE) timers.deleteEventTimeTimer(s.idleTimer);
    timers.registerEventTimeTimer(at);
    s.idleTimer = at;
  }

  /** Emits every interval the readings bracket, in order. */
  private void closeReady(TimelineState s, String device, Collector<DeviceEnergy> out) {
    IntervalEnergy e = s.energy;
    // the registers' common reach bounds what can be bracketed: most readings fall inside an open interval, and this
    // spares them the two interpolations of a bracket test
    long reach = e.coveredUntil().orElse(Long.MIN_VALUE);
    boolean emitted = false;
    while (s.nextInterval + intervalMillis <= reach) {
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
    // the idle timer (or, in state from a version that closed intervals by the watermark, an interval timer: it
    // finds the device active and does nothing)
    TimelineState s = state.value();
    if (s == null) return;
    if (ctx.timerService().currentWatermark() >= s.lastReadingMillis() + idleTimeoutMillis) {
      state.clear(); // silent device: nothing more can be emitted until it reports again
    }
  }
}
