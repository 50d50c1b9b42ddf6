package io.onder.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.onder.avro.DeviceIntervalEnergy;
import io.onder.avro.DeviceReading;
import io.onder.avro.EnergySource;
import io.onder.avro.FeederIntervalState;
import io.onder.avro.OwedAmount;
import io.onder.avro.RewardEntry;
import io.onder.avro.SettlementBatch;
import io.onder.flink.io.AvroKafka;
import io.onder.flink.registry.RegistryHolder;
import io.onder.schemas.AvroSerde;
import io.onder.schemas.Topics;
import io.onder.stack.Server;
import io.onder.testkit.Await;
import io.onder.testkit.RealServers;
import io.onder.testkit.TestCassandra;
import io.onder.testkit.TestKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Readings through the quality and rewards jobs to a settlement batch, on real Kafka and Cassandra, parallelism 2. */
@RealServers({Server.KAFKA, Server.CASSANDRA})
class PipelineIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

  static final long T0 = Instant.parse("2026-06-21T12:00:00Z").toEpochMilli();
  static final String PV_OWNER = "0x00000000000000000000000000000000000000b2";
  static final String METER_OWNER = "0x00000000000000000000000000000000000000a1";
  static final String DSO = "0x00000000000000000000000000000000000000d5";

  @Test
  void an_hour_of_readings_settles_into_a_conserving_batch(TestKafka kafka, TestCassandra cassandra) throws Exception {
    try (CqlSession s = cassandra.session()) {
      s.execute("INSERT INTO feeders (feeder_id, substation_id, region_id, capacity_w, reverse_flow_limit_w, distributor) VALUES ('F1','S1','R1',10000,5000,?)", DSO);
      s.execute("INSERT INTO devices (device_id, feeder_id, substation_id, region_id, kind, owner_address, revoked) VALUES ('m1','F1','S1','R1','meter',?,false)", METER_OWNER);
      s.execute("INSERT INTO devices (device_id, feeder_id, substation_id, region_id, kind, owner_address, revoked) VALUES ('pv1','F1','S1','R1','pv',?,false)", PV_OWNER);
    }
    // a reading a minute from 12:00 to 13:03: the meter imports 3,000 mWh a minute, the PV exports 6,000
    try (var p = new KafkaProducer<>(kafka.producerProperties(), new StringSerializer(), AvroSerde.of(DeviceReading.class))) {
      for (int i = 0; i <= 63; i++) {
        long t = T0 + i * 60_000L;
        p.send(new ProducerRecord<>(kafka.topic(Topics.READINGS), "m1", reading("m1", i, t, 3_000L * i, 0, EnergySource.UNKNOWN)));
        p.send(new ProducerRecord<>(kafka.topic(Topics.READINGS), "pv1", reading("pv1", i, t, 0, 6_000L * i, EnergySource.PV)));
      }
    }
    JobArgs args = JobArgs.of(new HashMap<>(Map.of("kafka", kafka.bootstrapServers(), "cassandra", cassandra.contactPoint(),
        "keyspace", cassandra.keyspace(), "topic-prefix", kafka.prefix(), "group-prefix", kafka.prefix() + "it", "idleness-seconds", "3")));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(500);
    RegistryHolder registry = new RegistryHolder(RegistryHolder.cassandra(args.cassandra(), args.keyspace()), 60_000);
    QualityJob.onKafka(env, args, OffsetsInitializer.earliest(), registry);
    RewardsJob.onKafka(env, args, OffsetsInitializer.earliest(), registry);
    JobClient job = env.executeAsync("pipeline-it");

    long period = T0 / 3_600_000L;
    // Per minute, worked out by hand from the rulebook onder-flex-2025.1:
    //  PV: 6,000 mWh, clean 1, local 0.5 → weight 0.5 × 1 + 0.5 × 1.5 = 1.25; gross 6 Wh... = 6 × 20,000 / 1,000 × 1.25 = 150;
    //      creators fee 1 % = 1 (rounded down), owner 149
    //  meter: 3,000 mWh all local and clean → 3 × 10,000 / 1,000 = 30, fee 0
    //  network: 3,000 mWh leave the feeder, nothing enters the substation → region tier, 3 × 5,000 / 1,000 = 15 to the DSO
    // Sixty minutes: PV owner 8,940, meter owner 1,800, creators fund 60, DSO 900.
    Map<String, Long> expected = Map.of(PV_OWNER, 8_940L, METER_OWNER, 1_800L, "creators-fund:onder", 60L, DSO, 900L);
    SettlementBatches batches = SettlementBatches.await(kafka, period, expected, Duration.ofSeconds(120));
    assertThat(batches.owed(period)).containsExactlyInAnyOrderEntriesOf(expected);
    SettlementBatch first = batches.batches.get(0);
    assertThat(first.getSettlementPeriod()).isEqualTo(period);
    assertThat(first.getTotalCumulative()).isEqualTo(first.getOwed().stream().mapToLong(OwedAmount::getCumulativeAmount).sum());
    assertThat(first.getRulebookVersion()).isEqualTo("onder-flex-2025.1");

    try (CqlSession s = cassandra.session()) {
      Await.until("the owed rows", Duration.ofSeconds(30), () -> s.execute("SELECT count(*) FROM owed").one().getLong(0) >= 4);
      assertThat(s.execute("SELECT cumulative_amount FROM owed WHERE owner_address = ?", PV_OWNER).one().getLong(0)).isEqualTo(8_940L);
      // the ledger conserves: every line of the period, funding included, sums to zero
      long sum = 0;
      long lines = 0;
      for (String account : List.of(PV_OWNER, METER_OWNER, "creators-fund:onder", DSO, "market:onder-flex")) {
        for (var row : s.execute("SELECT amount FROM ledger WHERE account = ? AND settlement_period = ?", account, period)) {
          sum += row.getLong(0);
          lines++;
        }
      }
      assertThat(lines).as("60 × (PV: funding, owner, fee; meter: funding, owner; network: funding, fee)").isEqualTo(60 * 7);
      assertThat(sum).isZero();
    }
    job.cancel().get();
  }

  static DeviceReading reading(String device, long seq, long t, long imp, long exp, EnergySource src) {
    return DeviceReading.newBuilder().setDeviceId(device).setSeq(seq).setTime(Instant.ofEpochMilli(t)).setReceivedAt(Instant.ofEpochMilli(t))
        .setImportMilliWh(imp).setExportMilliWh(exp).setExportSource(src).build();
  }
}
