package io.onder.flink.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.avro.DeviceIntervalEnergy;
import io.onder.avro.FeederIntervalState;
import io.onder.flink.registry.Registry;
import io.onder.flink.registry.RegistryHolder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FeederIntervalFunctionTest {
  static final long T0 = Instant.parse("2026-06-21T12:00:00Z").toEpochMilli();
  static final long MIN = 60_000;
  KeyedOneInputStreamOperatorTestHarness<String, DeviceEnergy, DeviceIntervalEnergy> h;

  void harness(long graceMillis) throws Exception {
    Registry reg = new Registry(Map.of(
        "d1", new Registry.Device("d1", "F1", "S1", "R1", "pv", "0xa1", 5_000, 5_000, 0, 0, false),
        "d2", new Registry.Device("d2", "F1", "S1", "R1", "load", "0xa2", 5_000, 0, 0, 0, false)),
        Map.of("F1", new Registry.Feeder("F1", "S1", "R1", 100_000, 50_000, "dso")));
    h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new FeederIntervalFunction(new RegistryHolder(RegistryHolder.fixed(reg), 60_000), "onder-flex-2025.1", MIN, graceMillis, 300_000),
        e -> e.feederId, Types.STRING);
  }

  @AfterEach
  void close() throws Exception {
    if (h != null) h.close();
  }

  void send(String device, long start, long importMilliWh, long exportMilliWh) throws Exception {
    DeviceEnergy e = new DeviceEnergy(device, start, start + MIN, importMilliWh, exportMilliWh, exportMilliWh > 0 ? "PV" : null, Double.NaN);
    e.feederId = "F1";
    h.processElement(new StreamRecord<>(e, start + MIN - 1));
  }

  List<FeederIntervalState> feederStates() {
    return h.getSideOutput(FeederIntervalFunction.FEEDER_STATE) == null ? List.of()
        : h.getSideOutput(FeederIntervalFunction.FEEDER_STATE).stream().map(StreamRecord::getValue).toList();
  }

  @Test
  void energy_arriving_within_the_grace_is_in_the_feeder_interval_with_the_rest() throws Exception {
    harness(5 * MIN);
    send("d1", T0, 0, 1_000);
    h.processWatermark(new Watermark(T0 + 3 * MIN)); // past the interval, within the grace
    send("d2", T0, 800, 0);
    assertThat(h.extractOutputValues()).isEmpty();
    h.processWatermark(new Watermark(T0 + 6 * MIN));
    assertThat(h.extractOutputValues()).extracting(DeviceIntervalEnergy::getDeviceId).containsExactly("d1", "d2");
    assertThat(feederStates()).singleElement().satisfies(f -> {
      assertThat(f.getDevicesReporting()).isEqualTo(2);
      assertThat(f.getImportMilliWh()).isEqualTo(800);
      assertThat(f.getExportMilliWh()).isEqualTo(1_000);
    });
    assertThat(h.getSideOutput(FeederIntervalFunction.LATE_ENERGY)).isNull();
  }

  @Test
  void energy_arriving_after_the_feeder_interval_was_computed_is_valued_at_its_margin_not_computed_alone() throws Exception {
    harness(0);
    send("d1", T0, 0, 1_000);
    h.processWatermark(new Watermark(T0 + 2 * MIN));
    assertThat(feederStates()).hasSize(1);
    send("d2", T0, 800, 0); // its interval is closed: 1,000 mWh of PV left the feeder unmatched
    send("d2", T0 + MIN, 500, 0); // the next interval, not yet computed: pending as usual
    h.processWatermark(new Watermark(T0 + 3 * MIN));
    assertThat(feederStates()).as("no second state of the first interval with d2 alone").hasSize(2)
        .extracting(f -> f.getIntervalStart().toEpochMilli()).containsExactly(T0, T0 + MIN);
    assertThat(feederStates().get(0).getDevicesReporting()).as("the computed state is not revised").isEqualTo(1);
    List<DeviceIntervalEnergy> rows = h.extractOutputValues();
    assertThat(rows).extracting(r -> r.getDeviceId() + "@" + (r.getIntervalStart().toEpochMilli() - T0) / MIN)
        .containsExactly("d1@0", "d2@0", "d2@1");
    // late d2 at the margin: all 800 mWh matched by unmatched PV export (clean 1.0), so local 1.0 and clean 1.0
    assertThat(rows.get(1).getImportMilliWh()).isEqualTo(800);
    assertThat(rows.get(1).getImportQuality().getLocal()).isEqualTo(1.0);
    assertThat(rows.get(1).getImportQuality().getClean()).isEqualTo(1.0);
    assertThat(rows.get(1).getFeederId()).isEqualTo("F1");
    assertThat(rows.get(1).getOwnerAddress()).isEqualTo("0xa2");
    // computed alone, d2's second interval has no local supply: the grid mix (0.3)
    assertThat(rows.get(2).getImportQuality().getLocal()).isEqualTo(0.0);
    assertThat(rows.get(2).getImportQuality().getClean()).isEqualTo(0.3);
    assertThat(h.getSideOutput(FeederIntervalFunction.LATE_ENERGY)).isNull();

    send("d3", T0, 250, 0); // 200 mWh of the export are left unmatched: local 0.8
    assertThat(h.extractOutputValues()).last().satisfies(r -> {
      assertThat(r.getDeviceId()).isEqualTo("d3");
      assertThat(r.getImportQuality().getLocal()).isEqualTo(0.8);
    });
    h.processWatermark(new Watermark(T0 + 3 * MIN + io.onder.flink.ClosedIntervals.REMEMBER_MILLIS));
    assertThat(h.numKeyedStateEntries()).as("nothing of d2 kept, the computed intervals and their margins forgotten after a day").isZero();
  }
}
