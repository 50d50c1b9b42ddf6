package io.onder.flink.rewards;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.avro.FeederIntervalState;
import io.onder.avro.RewardEntry;
import io.onder.avro.StressKind;
import io.onder.flink.registry.Registry;
import io.onder.flink.registry.RegistryHolder;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class NetworkFeesTest {
  static final long T0 = Instant.parse("2026-06-21T12:00:00Z").toEpochMilli();
  static final long MIN = 60_000;

  static FeederIntervalState feeder(String id, long leaving, long entering) {
    return FeederIntervalState.newBuilder().setFeederId(id).setSubstationId("S1").setRegionId("R1")
        .setIntervalStart(Instant.ofEpochMilli(T0)).setIntervalEnd(Instant.ofEpochMilli(T0 + MIN)).setImportMilliWh(0).setExportMilliWh(0)
        .setNetW(0).setCapacityW(10_000).setReverseFlowLimitW(5_000).setLocalMatch(0).setCleanShare(0).setStress(StressKind.NONE)
        .setStressLevel(0).setDevicesReporting(1).setLeavingMilliWh(leaving).setEnteringMilliWh(entering).build();
  }

  @Test
  void energy_leaving_a_feeder_pays_its_distributor_by_the_tiers_it_crosses_and_state_is_cleared() throws Exception {
    Registry reg = new Registry(Map.of(), Map.of(
        "F1", new Registry.Feeder("F1", "S1", "R1", 10_000, 5_000, "0xd1"),
        "F2", new Registry.Feeder("F2", "S1", "R1", 10_000, 5_000, "0xd2")));
    var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new NetworkFees(new RegistryHolder(RegistryHolder.fixed(reg), 60_000), "onder-flex-2025.1", MIN, 0),
        FeederIntervalState::getSubstationId, Types.STRING);
    // F1 sends 3,000 mWh out, F2 takes 1,000 in: 1,000 stays in the substation (2,000 mWh/kWh-rate 2,000 → 2),
    // 2,000 goes up to the region (rate 5,000 → 10): 12 base units to F1's distributor, funded by the market.
    h.processElement(new StreamRecord<>(feeder("F1", 3_000, 0), T0 + MIN));
    h.processElement(new StreamRecord<>(feeder("F2", 0, 1_000), T0 + MIN));
    h.processWatermark(new Watermark(T0 + MIN));
    var lines = h.extractOutputValues();
    assertThat(lines).extracting(RewardEntry::getAccount, RewardEntry::getAmount)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("0xd1", 12L), org.assertj.core.groups.Tuple.tuple("market:onder-flex", -12L));
    // the settled interval is remembered for a day (to recognise late states), then forgotten
    h.processWatermark(new Watermark(T0 + MIN + io.onder.flink.ClosedIntervals.REMEMBER_MILLIS));
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  @Test
  void a_silent_feeder_waits_for_the_grace_and_one_later_still_is_set_aside_not_settled_alone() throws Exception {
    Registry reg = new Registry(Map.of(), Map.of(
        "F1", new Registry.Feeder("F1", "S1", "R1", 10_000, 5_000, "0xd1"),
        "F2", new Registry.Feeder("F2", "S1", "R1", 10_000, 5_000, "0xd2")));
    var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new NetworkFees(new RegistryHolder(RegistryHolder.fixed(reg), 60_000), "onder-flex-2025.1", MIN, 5 * MIN),
        FeederIntervalState::getSubstationId, Types.STRING);
    h.processElement(new StreamRecord<>(feeder("F1", 3_000, 0), T0 + MIN));
    h.processWatermark(new Watermark(T0 + 3 * MIN)); // past the interval, within the grace: F2 may still come
    assertThat(h.extractOutputValues()).isEmpty();
    h.processElement(new StreamRecord<>(feeder("F2", 0, 1_000), T0 + MIN));
    // both feeders together, as in the first test: 12 base units
    assertThat(h.extractOutputValues()).extracting(RewardEntry::getAccount, RewardEntry::getAmount)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("0xd1", 12L), org.assertj.core.groups.Tuple.tuple("market:onder-flex", -12L));
    h.close();

    var late = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new NetworkFees(new RegistryHolder(RegistryHolder.fixed(reg), 60_000), "onder-flex-2025.1", MIN, 5 * MIN),
        FeederIntervalState::getSubstationId, Types.STRING);
    late.processElement(new StreamRecord<>(feeder("F1", 3_000, 0), T0 + MIN));
    late.processWatermark(new Watermark(T0 + 6 * MIN)); // the grace is over: F1 settled without F2, all 3,000 up to the region
    int settled = late.extractOutputValues().size();
    assertThat(late.extractOutputValues()).extracting(RewardEntry::getAccount, RewardEntry::getAmount)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("0xd1", 15L), org.assertj.core.groups.Tuple.tuple("market:onder-flex", -15L));
    late.processElement(new StreamRecord<>(feeder("F2", 0, 1_000), T0 + MIN));
    late.processWatermark(new Watermark(T0 + 7 * MIN));
    assertThat(late.extractOutputValues()).as("F2 is not settled on its own").hasSize(settled);
    late.processWatermark(new Watermark(T0 + 6 * MIN + io.onder.flink.ClosedIntervals.REMEMBER_MILLIS));
    assertThat(late.numKeyedStateEntries()).isZero();
    late.close();
  }

  @Test
  void a_feeder_state_arriving_after_the_watermark_for_an_interval_not_yet_settled_is_settled_not_set_aside() throws Exception {
    Registry reg = new Registry(Map.of(), Map.of("F1", new Registry.Feeder("F1", "S1", "R1", 10_000, 5_000, "0xd1")));
    var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new NetworkFees(new RegistryHolder(RegistryHolder.fixed(reg), 60_000), "onder-flex-2025.1", MIN, 0),
        FeederIntervalState::getSubstationId, Types.STRING);
    h.processWatermark(new Watermark(T0 + 5 * MIN)); // other data moved the watermark on first
    h.processElement(new StreamRecord<>(feeder("F1", 3_000, 0), T0 + MIN));
    assertThat(h.extractOutputValues()).extracting(RewardEntry::getAccount, RewardEntry::getAmount)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("0xd1", 15L), org.assertj.core.groups.Tuple.tuple("market:onder-flex", -15L));
    h.close();
  }

  @Test
  void states_marked_with_their_substations_feeder_count_are_settled_together_however_far_the_watermark_ran_between_them() throws Exception {
    Registry reg = new Registry(Map.of(), Map.of(
        "F1", new Registry.Feeder("F1", "S1", "R1", 10_000, 5_000, "0xd1"),
        "F2", new Registry.Feeder("F2", "S1", "R1", 10_000, 5_000, "0xd2"),
        "F3", new Registry.Feeder("F3", "S1", "R1", 10_000, 5_000, "0xd3")));
    var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new NetworkFees(new RegistryHolder(RegistryHolder.fixed(reg), 60_000), "onder-flex-2025.1", MIN, 5 * MIN),
        FeederIntervalState::getSubstationId, Types.STRING);
    // the quality job computed F1 and F2 (F3 was silent): two states, delivered far apart by the topic between the jobs
    FeederIntervalState f1 = feeder("F1", 3_000, 0);
    f1.setSubstationFeeders(2);
    FeederIntervalState f2 = feeder("F2", 0, 1_000);
    f2.setSubstationFeeders(2);
    h.processElement(new StreamRecord<>(f1, T0 + MIN));
    h.processWatermark(new Watermark(T0 + 60 * MIN)); // other partitions moved the watermark an hour on
    assertThat(h.extractOutputValues()).as("F1 is not settled without F2").isEmpty();
    h.processElement(new StreamRecord<>(f2, T0 + MIN));
    assertThat(h.extractOutputValues()).extracting(RewardEntry::getAccount, RewardEntry::getAmount)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("0xd1", 12L), org.assertj.core.groups.Tuple.tuple("market:onder-flex", -12L));
    h.processElement(new StreamRecord<>(f2, T0 + MIN));
    assertThat(h.extractOutputValues()).as("a repeat is set aside").hasSize(2);
    h.close();
  }
}
