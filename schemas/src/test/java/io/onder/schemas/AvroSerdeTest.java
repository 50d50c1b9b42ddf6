package io.onder.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onder.avro.DeviceReading;
import io.onder.avro.EnergySource;
import io.onder.avro.SettlementBatch;
import io.onder.avro.OwedAmount;
import java.time.Instant;
import java.util.List;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
  static final Instant T0 = Instant.parse("2026-06-21T12:00:00Z");

  @Test
  void a_reading_survives_the_round_trip_and_carries_its_schema_fingerprint() {
    DeviceReading r = DeviceReading.newBuilder().setDeviceId("dev-1").setSeq(42).setTime(T0).setReceivedAt(T0.plusMillis(80))
        .setImportMilliWh(1_234_567L).setExportMilliWh(null).setPowerW(850.5).setExportSource(EnergySource.PV).build();
    AvroSerde<DeviceReading> serde = AvroSerde.of(DeviceReading.class);
    byte[] bytes = serde.encode(r);

    // single-object encoding: C3 01 marker, then the little-endian CRC-64-AVRO fingerprint of the writer schema
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    long fp = SchemaNormalization.parsingFingerprint64(DeviceReading.getClassSchema());
    long written = 0;
    for (int i = 0; i < 8; i++) written |= (bytes[2 + i] & 0xFFL) << (8 * i);
    assertThat(written).isEqualTo(fp);

    assertThat(serde.decode(bytes)).isEqualTo(r);
  }

  @Test
  void a_message_of_another_schema_is_refused() {
    SettlementBatch b = SettlementBatch.newBuilder().setBatchId("p1").setSettlementPeriod(1).setPeriodEnd(T0)
        .setRulebookVersion("2026.1").setOwed(List.of(new OwedAmount("0xab", 5L))).setTotalCumulative(5L).build();
    byte[] bytes = AvroSerde.of(SettlementBatch.class).encode(b);
    assertThatThrownBy(() -> AvroSerde.of(DeviceReading.class).decode(bytes)).hasMessageContaining("cannot decode");
  }

  @Test
  void the_topic_definitions_name_every_topic_constant() {
    assertThat(Topics.definitions()).extracting(Topics.TopicSpec::name).contains(
        Topics.READINGS, Topics.DR_EVENTS, Topics.DISPATCH, Topics.COMMAND_ACKS, Topics.INTERVAL_ENERGY,
        Topics.FEEDER_STATE, Topics.DR_DELIVERY, Topics.LEDGER, Topics.SETTLEMENT_BATCHES, Topics.SETTLEMENT_RECEIPTS);
  }
}
