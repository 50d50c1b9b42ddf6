package io.onder.flink.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.avro.DeviceReading;
import io.onder.avro.EnergySource;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeviceIntervalFunctionTest {
  static final long T0 = Instant.parse("2026-06-21T12:00:00Z").toEpochMilli();
  static final long MIN = 60_000;
  static final long IDLE = 3_600_000;
  KeyedOneInputStreamOperatorTestHarness<String, DeviceReading, DeviceEnergy> h;

  @BeforeEach
  void harness() throws Exception {
    h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new DeviceIntervalFunction(MIN, IDLE),
        DeviceReading::getDeviceId, Types.STRING);
  }

  @AfterEach
  void close() throws Exception {
    h.close();
  }

  static DeviceReading reading(String device, long seq, long t, long importMilliWh, long exportMilliWh) {
    return DeviceReading.newBuilder().setDeviceId(device).setSeq(seq).setTime(Instant.ofEpochMilli(t)).setReceivedAt(Instant.ofEpochMilli(t))
        .setImportMilliWh(importMilliWh).setExportMilliWh(exportMilliWh).setExportSource(EnergySource.PV).build();
  }

  void send(DeviceReading r) throws Exception {
    h.processElement(new StreamRecord<>(r, r.getTime().toEpochMilli()));
  }

  List<DeviceEnergy> out() {
    return h.extractOutputValues();
  }

  @Test
  void register_deltas_become_energy_per_interval_as_soon_as_the_device_s_readings_bracket_it() throws Exception {
    // import grows 1,000 mWh every 20 s: 3,000 mWh per minute; export grows 500 mWh per minute
    for (int i = 0; i <= 2; i++) send(reading("d1", i, T0 + i * 20_000L, 10_000 + i * 1_000L, 2_000 + i * 500L / 3));
    assertThat(out()).as("nothing brackets 00:00-01:00 yet").isEmpty();
    send(reading("d1", 3, T0 + 60_000L, 13_000, 2_500));
    assertThat(out()).as("the reading at 01:00 closes 00:00-01:00, with no watermark").hasSize(1);
    for (int i = 4; i <= 6; i++) send(reading("d1", i, T0 + i * 20_000L, 10_000 + i * 1_000L, 2_000 + i * 500L / 3));
    assertThat(out()).hasSize(2);
    assertThat(out().get(0).intervalStart).isEqualTo(T0);
    assertThat(out().get(0).importMilliWh).isEqualTo(3_000);
    assertThat(out().get(1).importMilliWh).isEqualTo(3_000);
    // export: 2000 + i*500/3 → 2000, 2166, 2333, 2500, 2666, 2833, 3000: 500 per minute
    assertThat(out().get(0).exportMilliWh + out().get(1).exportMilliWh).isEqualTo(1_000);
    assertThat(out().get(0).exportSource).isEqualTo("PV");
    h.processWatermark(new Watermark(T0 + 10 * MIN));
    assertThat(out()).as("a watermark emits nothing more").hasSize(2);
  }

  @Test
  void energy_between_sparse_readings_is_apportioned_so_nothing_is_lost() throws Exception {
    // readings at 00:30 (0) and 02:30 (12,000 mWh): 100 mWh/s. The first whole minute is 01:00-02:00 = 6,000;
    // 02:00-03:00 waits until a reading after 03:00 brackets it.
    send(reading("d1", 1, T0 + 30_000, 0, 0));
    send(reading("d1", 2, T0 + 150_000, 12_000, 0));
    assertThat(out()).extracting(e -> e.importMilliWh).containsExactly(6_000L);
    // 03:30 at 18,000: 02:00-02:30 = 3,000 (old slope) + 02:30-03:00 = 3,000 (new slope, 6,000 over 60 s)
    send(reading("d1", 3, T0 + 210_000, 18_000, 0));
    assertThat(out()).extracting(e -> e.importMilliWh).containsExactly(6_000L, 6_000L);
    // every mWh after the first whole minute is in some interval: 12,000 + 6,000 − 3,000 (00:30-01:00) − 3,000 (03:00-03:30, still open)
    assertThat(out().stream().mapToLong(e -> e.importMilliWh).sum()).isEqualTo(18_000 - 3_000 - 3_000);
  }

  @Test
  void a_repeated_reading_is_counted_once_and_order_does_not_matter_before_an_interval_closes() throws Exception {
    send(reading("d1", 2, T0 + 30_000, 3_000, 0));
    send(reading("d1", 1, T0, 0, 0));
    send(reading("d1", 1, T0, 0, 0));
    send(reading("d1", 2, T0 + 30_000, 3_000, 0));
    send(reading("d1", 3, T0 + 60_000, 6_000, 0));
    send(reading("d1", 3, T0 + 60_000, 6_000, 0));
    assertThat(out()).singleElement().satisfies(e -> assertThat(e.importMilliWh).isEqualTo(6_000));
    assertThat(h.getSideOutput(DeviceIntervalFunction.LATE)).isNull();
  }

  @Test
  void a_reading_that_would_change_an_emitted_interval_goes_to_the_late_output_and_its_energy_reaches_the_next() throws Exception {
    send(reading("d1", 1, T0, 0, 0));
    send(reading("d1", 2, T0 + MIN, 1_000, 0));
    send(reading("d1", 4, T0 + 2 * MIN + 30_000, 2_500, 0));
    // 00:00-01:00 = 1,000; 01:00-02:00 bracketed by 01:00 and 02:30: 1,500 × 60/90 = 1,000
    assertThat(out()).extracting(e -> e.importMilliWh).containsExactly(1_000L, 1_000L);
    // older readings of the device, read after it (a resend after an outage): 00:10 is behind what is kept, 02:15
    // would move 02:00 (interpolated between 01:00 and 02:30)
    send(reading("d1", 9, T0 + 10_000, 100, 0));
    send(reading("d1", 3, T0 + 2 * MIN + 15_000, 2_400, 0));
    assertThat(h.getSideOutput(DeviceIntervalFunction.LATE)).extracting(r -> r.getValue().getSeq()).containsExactly(9L, 3L);
    send(reading("d1", 5, T0 + 3 * MIN, 3_000, 0));
    // 02:00-03:00: 3,000 − 2,000; the three intervals hold every mWh from 00:00 to 03:00 once
    assertThat(out()).extracting(e -> e.importMilliWh).containsExactly(1_000L, 1_000L, 1_000L);
  }

  @Test
  void what_an_interval_holds_depends_on_the_device_s_readings_only_not_on_when_the_watermark_came() throws Exception {
    // the same readings, the same order (the device's partition); once with watermarks between them as a live run
    // has them, once with none as a replay of a backlog may: the same energy
    List<DeviceReading> readings = List.of(reading("d1", 1, T0, 0, 0), reading("d1", 2, T0 + 70_000, 1_400, 0),
        reading("d1", 3, T0 + 40_000, 600, 0), reading("d1", 4, T0 + 130_000, 2_600, 0));
    for (DeviceReading r : readings) {
      send(r);
      h.processWatermark(new Watermark(r.getTime().toEpochMilli() + 5 * MIN));
    }
    List<String> live = out().stream().map(e -> e.intervalStart + "=" + e.importMilliWh).toList();
    h.close();
    harness();
    for (DeviceReading r : readings) send(r);
    assertThat(out().stream().map(e -> e.intervalStart + "=" + e.importMilliWh).toList()).isEqualTo(live)
        .as("00:00-01:00 closed by the reading at 01:10; the one at 00:40, read after it, is late")
        .containsExactly(T0 + "=1200", (T0 + MIN) + "=1200");
  }

  @Test
  void devices_are_independent() throws Exception {
    send(reading("a", 1, T0, 0, 0));
    send(reading("b", 1, T0, 50, 0));
    send(reading("a", 2, T0 + MIN, 1_000, 0));
    send(reading("b", 2, T0 + MIN, 2_050, 0));
    assertThat(out()).extracting(e -> e.deviceId + "=" + e.importMilliWh).containsExactlyInAnyOrder("a=1000", "b=2000");
  }

  @Test
  void a_silent_device_leaves_no_state_and_no_timer_behind() throws Exception {
    send(reading("d1", 1, T0, 0, 0));
    send(reading("d1", 2, T0 + MIN, 1_000, 0));
    h.processWatermark(new Watermark(T0 + MIN));
    assertThat(h.numKeyedStateEntries()).isPositive();
    // silent for the idle timeout since its last reading at T0 + MIN: cleared by the end of the interval that starts then
    h.processWatermark(new Watermark(T0 + MIN + IDLE - 1));
    assertThat(h.numKeyedStateEntries()).isPositive();
    h.processWatermark(new Watermark(T0 + MIN + IDLE + MIN));
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
  }

  @Test
  void a_device_keeps_one_timer_however_many_readings_it_sends() throws Exception {
    // a reading every 5 s for 10 minutes, in order, then one late reading: one timer, the idle one
    for (int i = 0; i <= 120; i++) send(reading("d1", i, T0 + i * 5_000L, i * 100L, 0));
    send(reading("d1", 500, T0 + 2_500, 50, 0));
    assertThat(out()).hasSize(10);
    assertThat(h.numEventTimeTimers()).isEqualTo(1);
    // the idle timer still clears the device: silent for the timeout after its last reading at T0 + 10 min
    h.processWatermark(new Watermark(T0 + 11 * MIN + IDLE));
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
  }

  @Test
  void a_restored_operator_carries_on_with_the_timelines_it_had() throws Exception {
    for (int i = 0; i <= 4; i++) send(reading("d1", i, T0 + i * 20_000L, i * 1_000L, 0));
    assertThat(out()).extracting(e -> e.importMilliWh).containsExactly(3_000L);
    var snapshot = h.snapshot(1, T0 + MIN);
    h.close();
    h = new KeyedOneInputStreamOperatorTestHarness<>(new org.apache.flink.streaming.api.operators.KeyedProcessOperator<>(
        new DeviceIntervalFunction(MIN, IDLE)), DeviceReading::getDeviceId, Types.STRING);
    h.initializeState(snapshot);
    h.open();
    // the readings before the snapshot and one after bracket 01:00-02:00: 1,000 mWh every 20 s; a reading older
    // than the one that closed 00:00-01:00 is still late
    send(reading("d1", 9, T0 + 50_000, 2_500, 0));
    send(reading("d1", 6, T0 + 120_000, 6_000, 0));
    assertThat(out()).extracting(e -> e.importMilliWh).containsExactly(3_000L);
    assertThat(h.getSideOutput(DeviceIntervalFunction.LATE)).extracting(r -> r.getValue().getSeq()).containsExactly(9L);
    assertThat(h.numEventTimeTimers()).as("the idle timer came back").isEqualTo(1);
  }
}
