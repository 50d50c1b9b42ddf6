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
 * only go idle once its reader has delivered a record of its main flow (on any of its partitions: the consumer is
 * fetching it), or once {@code startupIdleness} has passed with none (a reader whose partitions are all empty; logged,
 * since a main flow that starts later than that may then arrive behind the other readers' watermark).
 *
 * <p>{@code roles} says what each record does ({@link Role}). Only the records of the source's main flow (the energy,
 * for a job reading another job's output) end a reader's start. Records of a topic written by someone else (a DR
 * event posted by a utility, a device's answer) say nothing about whether the main flow, written by another job that
 * may be starting too, has begun: taking them for it let a reader's empty energy partitions go idle, and the other
 * reader's energy then ran the watermark past this reader's energy still to come (seen twice in {@code DrJobIT}: with
 * answers, then with the DR event, both already in Kafka when the job started).
 *
 * <p>The splits of one source subtask share the start state through this object, which Flink deserializes once per
 * subtask.
 */
public final class SourceWatermarks<T> implements WatermarkStrategy<T> {
  private static final long serialVersionUID = 1L;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SourceWatermarks.class);

  /** What a record does to its partition's watermark. */
  public enum Role {
    /** Of the source's main flow: moves the watermark, keeps its partition active, and ends its reader's start. */
    STARTS,
    /** Moves the watermark and keeps its partition active, but is not the main flow (a DR event). */
    DRIVES,
    /** Passes through without moving the watermark or counting as activity (an answer stamped ahead of the energy). */
    PASSES
  }

  /** The role of each record. */
  public interface Roles<T> extends java.io.Serializable {
    Role of(T record);
  }

  /** Every record of the main flow: a source of one kind of record. */
  public static <T> Roles<T> allStart() {
    return r -> Role.STARTS;
  }

  private final SerializableTimestampAssigner<T> timestamps;
  private final long outOfOrdernessMillis;
  private final long idleMillis;
  private final long startupIdleMillis;
  private final Roles<T> roles;
  private transient ReaderStart reader;

  public SourceWatermarks(SerializableTimestampAssigner<T> timestamps, Duration outOfOrderness, Duration idleness, Duration startupIdleness,
      Roles<T> roles) {
    if (idleness.isNegative() || idleness.isZero()) throw new IllegalArgumentException("idleness must be positive, got " + idleness);
    this.timestamps = timestamps;
    this.outOfOrdernessMillis = outOfOrderness.toMillis();
    this.idleMillis = idleness.toMillis();
    this.startupIdleMillis = Math.max(startupIdleness.toMillis(), idleMillis);
    this.roles = roles;
  }

  @Override
  public TimestampAssigner<T> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
    return timestamps;
  }

  @Override
  public WatermarkGenerator<T> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
    RelativeClock clock = context.getInputActivityClock();
    if (reader == null) reader = new ReaderStart(clock.relativeTimeMillis());
    return new Generator<>(reader, clock, roles, outOfOrdernessMillis, idleMillis, startupIdleMillis);
  }

  /** When the subtask's reader started, and whether it has delivered a record of its main flow yet. */
  static final class ReaderStart {
    final long startedAt;
    boolean delivered;
    boolean startTimedOut;

    ReaderStart(long startedAt) {
      this.startedAt = startedAt;
    }
  }

  static final class Generator<T> implements WatermarkGenerator<T> {
    private final ReaderStart reader;
    private final RelativeClock clock;
    private final Roles<T> roles;
    private final long outOfOrderness;
    private final long idleAfter;
    private final long startupIdleAfter;
    private long maxTimestamp = Long.MIN_VALUE;
    private long lastActivity;
    private boolean activeSinceEmit;
    private boolean idle;

    Generator(ReaderStart reader, RelativeClock clock, Roles<T> roles, long outOfOrderness, long idleAfter, long startupIdleAfter) {
      this.reader = reader;
      this.clock = clock;
      this.roles = roles;
      this.outOfOrderness = outOfOrderness;
      this.idleAfter = idleAfter;
      this.startupIdleAfter = startupIdleAfter;
      this.lastActivity = clock.relativeTimeMillis();
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
      Role role = roles.of(event);
      if (role == Role.PASSES) return;
      if (role == Role.STARTS && !reader.delivered) {
        reader.delivered = true;
        LOG.debug("a source reader read its main flow {} ms after its start", clock.relativeTimeMillis() - reader.startedAt);
      }
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
      if (!reader.delivered && readerStarted && !reader.startTimedOut) {
        reader.startTimedOut = true;
        LOG.info("a source reader read nothing of its main flow in {} ms; its partitions without records may now go idle", startupIdleAfter);
      }
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
