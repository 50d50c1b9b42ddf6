package io.onder.flink.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.avro.FeederIntervalState;
import io.onder.avro.StressKind;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class SubstationIntervalsTest {
  static final long T0 = Instant.parse("2026-06-21T12:00:00Z").toEpochMilli();
  static final long MIN = 60_000;

  static FeederIntervalState feeder(String id, String substation, long start) {
    return FeederIntervalState.newBuilder().setFeederId(id).setSubstationId(substation).setRegionId("R1")
        .setIntervalStart(Instant.ofEpochMilli(start)).setIntervalEnd(Instant.ofEpochMilli(start + MIN)).setImportMilliWh(0)
        .setExportMilliWh(0).setNetW(0).setCapacityW(10_000).setReverseFlowLimitW(5_000).setLocalMatch(0).setCleanShare(0)
        .setStress(StressKind.NONE).setStressLevel(0).setDevicesReporting(1).build();
  }

  @Test
  void a_substations_feeder_states_of_an_interval_leave_together_at_its_grace_marked_with_their_count() throws Exception {
    var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new SubstationIntervals(MIN, 2 * MIN),
        (FeederIntervalState f) -> f.getSubstationId().toString(), Types.STRING);
    h.processElement(new StreamRecord<>(feeder("F2", "S1", T0), T0 + 3 * MIN));
    h.processElement(new StreamRecord<>(feeder("F1", "S1", T0), T0 + 3 * MIN));
    h.processElement(new StreamRecord<>(feeder("F9", "S2", T0), T0 + 3 * MIN));
    h.processElement(new StreamRecord<>(feeder("F1", "S1", T0 + MIN), T0 + 4 * MIN));
    h.processWatermark(new Watermark(T0 + 3 * MIN - 1));
    assertThat(h.extractOutputValues()).as("nothing before the interval's grace is over").isEmpty();
    h.processWatermark(new Watermark(T0 + 3 * MIN));
    assertThat(h.extractOutputValues()).extracting(f -> f.getFeederId().toString(), FeederIntervalState::getSubstationFeeders)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("F1", 2), org.assertj.core.groups.Tuple.tuple("F2", 2),
            org.assertj.core.groups.Tuple.tuple("F9", 1));
    h.processWatermark(new Watermark(T0 + 4 * MIN));
    assertThat(h.extractOutputValues()).extracting(f -> f.getFeederId().toString(), FeederIntervalState::getSubstationFeeders)
        .endsWith(org.assertj.core.groups.Tuple.tuple("F1", 1)).hasSize(4);
    assertThat(h.numKeyedStateEntries()).isZero();
    h.close();
  }

  @Test
  void waiting_states_survive_a_checkpoint_and_restore() throws Exception {
    var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new SubstationIntervals(MIN, 2 * MIN),
        (FeederIntervalState f) -> f.getSubstationId().toString(), Types.STRING);
    h.processElement(new StreamRecord<>(feeder("F1", "S1", T0), T0 + 3 * MIN));
    var snapshot = h.snapshot(1, T0);
    h.close();
    var restored = new org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness<String, FeederIntervalState, FeederIntervalState>(
        new org.apache.flink.streaming.api.operators.KeyedProcessOperator<>(new SubstationIntervals(MIN, 2 * MIN)),
        (FeederIntervalState f) -> f.getSubstationId().toString(), Types.STRING);
    restored.setup();
    restored.initializeState(snapshot);
    restored.open();
    restored.processElement(new StreamRecord<>(feeder("F2", "S1", T0), T0 + 3 * MIN));
    restored.processWatermark(new Watermark(T0 + 3 * MIN));
    assertThat(restored.extractOutputValues()).extracting(f -> f.getFeederId().toString(), FeederIntervalState::getSubstationFeeders)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("F1", 2), org.assertj.core.groups.Tuple.tuple("F2", 2));
    restored.close();
  }
}
