package io.onder.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.onder.avro.DeviceIntervalEnergy;
import io.onder.avro.DeviceReading;
import io.onder.avro.EnergySource;
import io.onder.avro.FeederIntervalState;
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

@RealServers({Server.KAFKA, Server.CASSANDRA})
class QualityJobIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  static final long T0 = Instant.parse("2026-06-21T12:00:00Z").toEpochMilli();
  static final long MIN = 60_000;

  @Test
  void readings_become_quality_per_device_and_state_per_feeder_in_cassandra_and_kafka(TestKafka kafka, TestCassandra cassandra)
      throws Exception {
    try (CqlSession s = cassandra.session()) {
      s.execute("INSERT INTO feeders (feeder_id, substation_id, region_id, capacity_w, reverse_flow_limit_w, distributor) "
          + "VALUES ('F1', 'S1', 'R1', 10000, 5000, 'dso-1')");
      s.execute("INSERT INTO devices (device_id, feeder_id, substation_id, region_id, kind, owner_address, revoked) "
          + "VALUES ('m1', 'F1', 'S1', 'R1', 'meter', '0x00000000000000000000000000000000000000a1', false)");
      s.execute("INSERT INTO devices (device_id, feeder_id, substation_id, region_id, kind, owner_address, revoked) "
          + "VALUES ('pv1', 'F1', 'S1', 'R1', 'pv', '0x00000000000000000000000000000000000000b2', false)");
      s.execute("INSERT INTO devices (device_id, feeder_id, substation_id, region_id, kind, owner_address, revoked) "
          + "VALUES ('m2', 'F1', 'S1', 'R1', 'meter', '0x00000000000000000000000000000000000000c3', false)");
    }
    String readings = kafka.topic(Topics.READINGS);
    // every 20 s for 6 minutes: the meter imports 1,000 mWh, the PV exports 2,000 mWh (3,000 and 6,000 per minute)
    try (var p = new KafkaProducer<>(kafka.producerProperties(), new StringSerializer(), AvroSerde.of(DeviceReading.class))) {
      for (int i = 0; i <= 18; i++) {
        long t = T0 + i * 20_000L;
        p.send(new ProducerRecord<>(readings, "m1", reading("m1", i, t, 1_000L * i, 0, EnergySource.UNKNOWN)));
        p.send(new ProducerRecord<>(readings, "pv1", reading("pv1", i, t, 0, 2_000L * i, EnergySource.PV)));
      }
      p.flush();
    }

    // every reading is in Kafka before the job starts: a reader whose partitions are all empty need not wait long for more
    Map<String, String> a = new HashMap<>(Map.of("kafka", kafka.bootstrapServers(), "cassandra", cassandra.contactPoint(),
        "keyspace", cassandra.keyspace(), "topic-prefix", kafka.prefix(), "idleness-seconds", "1", "startup-idleness-seconds", "10",
        "grid-clean-ppm", "300000"));
    JobArgs args = JobArgs.of(a);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(500);
    new QualityJob(args, AvroKafka.source(args.kafka(), readings, "it-quality", DeviceReading.class, OffsetsInitializer.earliest()),
        new RegistryHolder(RegistryHolder.cassandra(args.cassandra(), args.keyspace()), 60_000))
        .build(env,
            AvroKafka.exactlyOnceSink(args.kafka(), kafka.topic(Topics.INTERVAL_ENERGY), DeviceIntervalEnergy.class, DeviceIntervalEnergy::getDeviceId, kafka.prefix() + "q-e"),
            AvroKafka.exactlyOnceSink(args.kafka(), kafka.topic(Topics.FEEDER_STATE), FeederIntervalState.class, FeederIntervalState::getFeederId, kafka.prefix() + "q-f"));
    JobClient job = env.executeAsync("quality-it");
    try (CqlSession s = cassandra.session()) {
      int day = Days.of(T0);
      // watermark = last reading (06:00) − 5 s: intervals 00:00 … 05:00 close
      Await.until("five feeder intervals in Cassandra", Duration.ofSeconds(90),
          () -> s.execute("SELECT count(*) FROM feeder_interval WHERE feeder_id = 'F1' AND day = ?", day).one().getLong(0) >= 5);
      List<Row> feeder = s.execute("SELECT interval_start, import_milli_wh, export_milli_wh, net_w, local_match, clean_share, stress, devices_reporting "
          + "FROM feeder_interval WHERE feeder_id = 'F1' AND day = ? ORDER BY interval_start ASC", day).all();
      Row first = feeder.get(0);
      assertThat(first.getInstant(0)).isEqualTo(Instant.ofEpochMilli(T0));
      assertThat(first.getLong(1)).isEqualTo(3_000);
      assertThat(first.getLong(2)).isEqualTo(6_000);
      assertThat(first.getLong(3)).as("net W: −3,000 mWh over a minute").isEqualTo(-180);
      assertThat(first.getDouble(4)).as("half the export is consumed on the feeder").isEqualTo(0.5);
      assertThat(first.getDouble(5)).as("everything consumed is local PV").isEqualTo(1.0);
      assertThat(first.getString(6)).as("-180 W against a 5 kW reverse-flow limit is no stress").isEqualTo("NONE");
      assertThat(first.getInt(7)).isEqualTo(2);

      Await.until("ten device intervals", Duration.ofSeconds(30), () -> s.execute(
          "SELECT count(*) FROM device_interval WHERE device_id = 'm1' AND day = ?", day).one().getLong(0) >= 5);
      Row m1 = s.execute("SELECT import_milli_wh, import_clean, import_local FROM device_interval WHERE device_id = 'm1' AND day = ? AND interval_start = ?",
          day, Instant.ofEpochMilli(T0)).one();
      assertThat(m1.getLong(0)).isEqualTo(3_000);
      assertThat(m1.getDouble(1)).isEqualTo(1.0);
      assertThat(m1.getDouble(2)).isEqualTo(1.0);
      Row pv = s.execute("SELECT export_milli_wh, export_clean, export_local FROM device_interval WHERE device_id = 'pv1' AND day = ? AND interval_start = ?",
          day, Instant.ofEpochMilli(T0)).one();
      assertThat(pv.getLong(0)).isEqualTo(6_000);
      assertThat(pv.getDouble(1)).isEqualTo(1.0);
      assertThat(pv.getDouble(2)).isEqualTo(0.5);

      // Late: a meter whose readings of the first minute come after its feeder interval was computed (the watermark
      // stands at 05:55). The interval is not computed again; the meter is valued at its margin: 3,000 of the PV's
      // 6,000 mWh left the feeder unmatched and cover the meter's 1,000 mWh, all local and clean.
      try (var p = new KafkaProducer<>(kafka.producerProperties(), new StringSerializer(), AvroSerde.of(DeviceReading.class))) {
        p.send(new ProducerRecord<>(readings, "m2", reading("m2", 0, T0, 0, 0, EnergySource.UNKNOWN)));
        p.send(new ProducerRecord<>(readings, "m2", reading("m2", 1, T0 + MIN, 1_000, 0, EnergySource.UNKNOWN)));
        p.flush();
      }
      Await.until("the late meter's row", Duration.ofSeconds(60), () -> s.execute(
          "SELECT import_milli_wh FROM device_interval WHERE device_id = 'm2' AND day = ? AND interval_start = ?", day, Instant.ofEpochMilli(T0)).one() != null);
      Row m2 = s.execute("SELECT import_milli_wh, import_clean, import_local FROM device_interval WHERE device_id = 'm2' AND day = ? AND interval_start = ?",
          day, Instant.ofEpochMilli(T0)).one();
      assertThat(m2.getLong(0)).isEqualTo(1_000);
      assertThat(m2.getDouble(1)).isEqualTo(1.0);
      assertThat(m2.getDouble(2)).isEqualTo(1.0);
      assertThat(s.execute("SELECT devices_reporting, import_milli_wh FROM feeder_interval WHERE feeder_id = 'F1' AND day = ? AND interval_start = ?",
          day, Instant.ofEpochMilli(T0)).one()).as("the computed feeder interval stays as it was")
          .satisfies(r -> assertThat(r.getInt(0)).isEqualTo(2)).satisfies(r -> assertThat(r.getLong(1)).isEqualTo(3_000));
    }

    // Kafka holds each interval of each device exactly once (read committed: the sink is transactional)
    try (var c = new KafkaConsumer<>(kafka.consumerProperties("check"), new StringDeserializer(), AvroSerde.of(DeviceIntervalEnergy.class))) {
      c.subscribe(List.of(kafka.topic(Topics.INTERVAL_ENERGY)));
      Map<String, Integer> seen = new HashMap<>();
      Await.until("ten interval-energy records and the late one committed", Duration.ofSeconds(60), () -> {
        c.poll(Duration.ofMillis(200)).forEach(r -> seen.merge(r.value().getDeviceId() + "@" + r.value().getIntervalStart(), 1, Integer::sum));
        return seen.keySet().stream().filter(k -> !k.endsWith(Instant.ofEpochMilli(T0 + 5 * MIN).toString())).count() >= 11;
      });
      assertThat(seen).containsKey("m2@" + Instant.ofEpochMilli(T0));
      assertThat(seen.values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
    }
    job.cancel().get();
  }

  static DeviceReading reading(String device, long seq, long t, long imp, long exp, EnergySource src) {
    return DeviceReading.newBuilder().setDeviceId(device).setSeq(seq).setTime(Instant.ofEpochMilli(t)).setReceivedAt(Instant.ofEpochMilli(t))
        .setImportMilliWh(imp).setExportMilliWh(exp).setExportSource(src).build();
  }
}
