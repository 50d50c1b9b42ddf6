package io.onder.flink.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.flink.io.SourceWatermarks.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;

/**
 * The sources' watermarks: out-of-orderness 5 s, idle after 3 s without records, but not before the reader has
 * delivered a record of its main flow or 15 s have passed since it started. Records are longs (their own timestamp):
 * negative ones pass without driving the watermark, odd ones drive it without being the main flow (a DR event), and
 * even ones are the main flow (energy).
 */
class SourceWatermarksTest {
  final ManualClock clock = new ManualClock();
  final SourceWatermarks<Long> strategy = new SourceWatermarks<>((r, ts) -> Math.abs(r), Duration.ofSeconds(5), Duration.ofSeconds(3),
      Duration.ofSeconds(15), r -> r < 0 ? Role.PASSES : r % 2 == 1 ? Role.DRIVES : Role.STARTS);
  final WatermarkGeneratorSupplier.Context context = new WatermarkGeneratorSupplier.Context() {
    @Override
    public MetricGroup getMetricGroup() {
      return new UnregisteredMetricsGroup();
    }

    @Override
    public RelativeClock getInputActivityClock() {
      return clock;
    }
  };

  /** One partition of the reader (all share its start): its generator and what it said. */
  final class Partition {
    final Output out = new Output();
    final WatermarkGenerator<Long> generator = strategy.createWatermarkGenerator(context);

    /** Reads a record (its timestamp is its absolute value). */
    Partition read(long record) {
      generator.onEvent(record, Math.abs(record), out);
      return this;
    }

    /** A periodic emit; what the partition has said so far. */
    List<String> emit() {
      generator.onPeriodicEmit(out);
      return out.events;
    }
  }

  @Test
  void a_reader_slow_to_deliver_its_first_records_keeps_its_partitions_active_until_the_startup_idleness() {
    Partition p = new Partition();
    clock.advanceTime(Duration.ofSeconds(10)); // well past the 3 s idleness: withIdleness would have gone idle
    assertThat(p.emit()).as("nothing read, nothing known: neither a watermark nor idle").isEmpty();

    // the backlog arrives: the watermark follows it
    assertThat(p.read(600_000L).emit()).containsExactly("wm 594999");
  }

  @Test
  void an_empty_partition_goes_idle_once_its_reader_delivers_records_elsewhere() {
    Partition empty = new Partition();
    Partition busy = new Partition();
    clock.advanceTime(Duration.ofSeconds(4));
    assertThat(empty.emit()).isEmpty();

    busy.read(60_000L);
    assertThat(empty.emit()).containsExactly("idle");
    assertThat(busy.emit()).containsExactly("wm 54999");
    assertThat(empty.emit()).as("idle is said once").containsExactly("idle");
  }

  @Test
  void a_reader_whose_partitions_are_all_empty_goes_idle_after_the_startup_idleness() {
    Partition p = new Partition();
    clock.advanceTime(Duration.ofMillis(14_999));
    assertThat(p.emit()).isEmpty();
    clock.advanceTime(Duration.ofMillis(1));
    assertThat(p.emit()).containsExactly("idle");
  }

  @Test
  void records_that_do_not_drive_neither_move_the_watermark_nor_keep_the_partition_active() {
    Partition p = new Partition();
    p.read(60_000L).emit();
    clock.advanceTime(Duration.ofSeconds(2));
    p.read(-900_000L).emit(); // an answer stamped far ahead
    clock.advanceTime(Duration.ofSeconds(1));
    assertThat(p.read(-901_000L).emit()).containsExactly("wm 54999", "wm 54999", "idle");

    // energy again: active, and the watermark goes on from the energy
    assertThat(p.read(120_000L).emit()).containsExactly("wm 54999", "wm 54999", "idle", "wm 114999");
  }

  /**
   * Answers already in their topic when the job starts say nothing of the energy another job is still starting to
   * write: the reader's empty energy partition waits the startup idleness, as if nothing had been read.
   */
  @Test
  void records_of_a_non_driving_kind_do_not_end_the_readers_start() {
    Partition acks = new Partition();
    Partition energy = new Partition();
    clock.advanceTime(Duration.ofSeconds(4));
    assertThat(acks.read(-5_000L).emit()).isEmpty();
    assertThat(energy.emit()).as("past the 3 s idleness, not past the 15 s startup").isEmpty();
    clock.advanceTime(Duration.ofSeconds(11));
    assertThat(acks.emit()).containsExactly("idle");
    assertThat(energy.emit()).containsExactly("idle");
  }

  /**
   * A DR event already in Kafka when the job starts drives the watermark of its partition, but says nothing of the
   * energy the quality job has yet to write: the reader's empty energy partition waits the startup idleness.
   */
  @Test
  void records_that_drive_but_are_not_the_main_flow_do_not_end_the_readers_start() {
    Partition events = new Partition();
    Partition energy = new Partition();
    events.read(60_001L).emit();
    energy.emit();
    clock.advanceTime(Duration.ofSeconds(4));
    assertThat(events.emit()).as("the event's partition holds its watermark: not idle before the reader's start either")
        .containsExactly("wm 55000", "wm 55000");
    assertThat(energy.emit()).as("past the 3 s idleness, not past the 15 s startup").isEmpty();

    // the energy arrives at 10 s: the reader has started, and the energy partition follows it
    clock.advanceTime(Duration.ofSeconds(6));
    assertThat(energy.read(600_000L).emit()).containsExactly("wm 594999");
  }

  static final class Output implements WatermarkOutput {
    final List<String> events = new ArrayList<>();

    @Override
    public void emitWatermark(Watermark watermark) {
      events.add("wm " + watermark.getTimestamp());
    }

    @Override
    public void markIdle() {
      events.add("idle");
    }

    @Override
    public void markActive() {
      events.add("active");
    }
  }
}
