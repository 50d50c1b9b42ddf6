package io.onder.flink.io;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.util.clock.RelativeClock;

/**
 * Watermarks of the jobs' Kafka sources: per partition (split), bounded out-of-orderness, and an idleness that does
 * not mistake a slow start for a quiet partition.
 *
 * <p>With {@code withIdleness}, a partition is idle after the timeout without records, counted from the moment it is
 * assigned. A reader that takes longer than that to fetch its first records (a loaded machine, a broker just started,
 * a restart with a backlog) has all its partitions declared idle; downstream operators then follow the other
 * readers' watermarks alone, and the slow reader's backlog arrives behind the watermark, late. Here a partition can
 * only go idle once its reader has delivered a record that drives the watermark (on any of its partitions: the
 * consumer is fetching), or once
 * {@code startupIdleness} has passed with none (a reader whose partitions are all empty).
 *
 * <p>{@code drives} picks the records whose time moves the watermark; the others pass through without moving it or
 * counting as activity (devices' answers, stamped by the gateway ahead of the energy still on its way). They do not end
 * a reader's start either: answers already in their topic say nothing about whether the energy, written by another
 * job that is starting too, has begun to flow, and taking them for it let a reader's empty energy partitions go idle
 * and the other reader's energy run the watermark past the first reader's (seen in {@code DrJobIT}).
 *
 * <p>The splits of one source subtask share the start state through this object, which Flink deserializes once per
 * subtask.
 */
public final class SourceWatermarks<T> implements WatermarkStrategy<T> {
  private static final long serialVersionUID = 1L;

  /** Which records drive the watermark. */
  public interface Drives<T> extends java.io.Serializable {
    boolean test(T record);
  }

  private final SerializableTimestampAssigner<T> timestamps;
  private final long outOfOrdernessMillis;
  private final long idleMillis;
  private final long startupIdleMillis;
  private final Drives<T> drives;
  private transient ReaderStart reader;

  public SourceWatermarks(SerializableTimestampAssigner<T> timestamps, Duration outOfOrderness, Duration idleness, Duration startupIdleness,
      Drives<T> drives) {
    if (idleness.isNegative() || idleness.isZero()) throw new IllegalArgumentException("idleness must be positive, got " + idleness);
    this.timestamps = timestamps;
    this.outOfOrdernessMillis = outOfOrderness.toMillis();
    this.idleMillis = idleness.toMillis();
    this.startupIdleMillis = Math.max(startupIdleness.toMillis(), idleMillis);
    this.drives = drives;
  }

  @Override
  public TimestampAssigner<T> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
    return timestamps;
  }

  @Override
  public WatermarkGenerator<T> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
    RelativeClock clock = context.getInputActivityClock();
    if (reader == null) reader = new ReaderStart(clock.relativeTimeMillis());
    return new Generator<>(reader, clock, drives, outOfOrdernessMillis, idleMillis, startupIdleMillis);
  }

  /** When the subtask's reader started, and whether it has delivered a record yet. */
  static final class ReaderStart {
    final long startedAt;
    boolean delivered;

    ReaderStart(long startedAt) {
      this.startedAt = startedAt;
    }
  }

  static final class Generator<T> implements WatermarkGenerator<T> {
    private final ReaderStart reader;
    private final RelativeClock clock;
    private final Drives<T> drives;
    private final long outOfOrderness;
    private final long idleAfter;
    private final long startupIdleAfter;
    private long maxTimestamp = Long.MIN_VALUE;
    private long lastActivity;
    private boolean activeSinceEmit;
    private boolean idle;

    Generator(ReaderStart reader, RelativeClock clock, Drives<T> drives, long outOfOrderness, long idleAfter, long startupIdleAfter) {
      this.reader = reader;
      this.clock = clock;
      this.drives = drives;
      this.outOfOrderness = outOfOrderness;
      this.idleAfter = idleAfter;
      this.startupIdleAfter = startupIdleAfter;
      this.lastActivity = clock.relativeTimeMillis();
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
      if (!drives.test(event)) return;
      reader.delivered = true;
      maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
      activeSinceEmit = true; // no clock read per record: the activity is dated at the next periodic emit
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
      long now = clock.relativeTimeMillis();
      if (activeSinceEmit) {
        lastActivity = now;
        activeSinceEmit = false;
      }
      boolean readerStarted = reader.delivered || now - reader.startedAt >= startupIdleAfter;
      if (readerStarted && now - lastActivity >= idleAfter) {
        if (!idle) {
          output.markIdle();
          idle = true;
        }
        return;
      }
      if (maxTimestamp != Long.MIN_VALUE) {
        output.emitWatermark(new Watermark(maxTimestamp - outOfOrderness - 1));
        idle = false;
      }
    }
  }
}
