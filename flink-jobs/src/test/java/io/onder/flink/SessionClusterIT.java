package io.onder.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.onder.avro.DeviceReading;
import io.onder.avro.EnergySource;
import io.onder.avro.OwedAmount;
import io.onder.avro.SettlementBatch;
import io.onder.schemas.AvroSerde;
import io.onder.schemas.Topics;
import io.onder.stack.FlinkRest;
import io.onder.stack.Server;
import io.onder.testkit.Await;
import io.onder.testkit.RealServers;
import io.onder.testkit.TestCassandra;
import io.onder.testkit.TestFlink;
import io.onder.testkit.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The shaded job jar on the real session cluster, submitted over REST as an operator would, and the failure test:
 * kill -9 of the TaskManager mid-stream and a new one started. The settlement must equal the undisturbed run's
 * (the figures PipelineIT works out by hand): nothing missing, nothing twice.
 */
@RealServers({Server.KAFKA, Server.CASSANDRA, Server.FLINK})
class SessionClusterIT {
  static final long T0 = Instant.parse("2026-06-21T12:00:00Z").toEpochMilli();
  static final String PV_OWNER = "0x00000000000000000000000000000000000000b2";
  static final String METER_OWNER = "0x00000000000000000000000000000000000000a1";
  static final String DSO = "0x00000000000000000000000000000000000000d5";

  @Test
  void the_ledger_survives_a_killed_taskmanager_with_nothing_missing_and_nothing_twice(TestKafka kafka, TestCassandra cassandra,
      TestFlink flink) throws Exception {
    try (CqlSession s = cassandra.session()) {
      s.execute("INSERT INTO feeders (feeder_id, substation_id, region_id, capacity_w, reverse_flow_limit_w, distributor) VALUES ('F1','S1','R1',10000,5000,?)", DSO);
      s.execute("INSERT INTO devices (device_id, feeder_id, substation_id, region_id, kind, owner_address, revoked) VALUES ('m1','F1','S1','R1','meter',?,false)", METER_OWNER);
      s.execute("INSERT INTO devices (device_id, feeder_id, substation_id, region_id, kind, owner_address, revoked) VALUES ('pv1','F1','S1','R1','pv',?,false)", PV_OWNER);
    }
    FlinkRest rest = new FlinkRest(flink.restUrl());
    String jar = rest.upload(Path.of("target/onder-flink-jobs-0.1.0-SNAPSHOT-job.jar"));
    List<String> args = List.of("--kafka", kafka.bootstrapServers(), "--cassandra", cassandra.contactPoint(), "--keyspace", cassandra.keyspace(),
        "--topic-prefix", kafka.topic(Topics.READINGS).replace(Topics.READINGS, ""), "--idleness-seconds", "3", "--checkpoint-ms", "1000",
        "--group-prefix", kafka.prefix() + "onder");
    String quality = rest.run(jar, "io.onder.flink.QualityJob", args, null, 2);
    String rewards = rest.run(jar, "io.onder.flink.RewardsJob", args, null, 2);
    List<String> jobs = List.of(quality, rewards);
    try {
      for (String j : jobs) rest.awaitState(j, "RUNNING", Duration.ofSeconds(60));
      assertThat(rest.jobs()).extracting(FlinkRest.Job::name).contains("onder-quality", "onder-rewards");

      try (var p = new KafkaProducer<>(kafka.producerProperties(), new StringSerializer(), AvroSerde.of(DeviceReading.class))) {
        send(p, kafka, 0, 30);
        // mid-stream: once both jobs have checkpointed what they read so far, kill -9 the TaskManager
        Await.until("a completed checkpoint of each job", Duration.ofSeconds(60), () -> jobs.stream().allMatch(j -> checkpoints(rest, j) >= 2));
        flink.cluster().taskManager().kill();
        send(p, kafka, 31, 63); // readings keep arriving while no TaskManager runs
        flink.cluster().startTaskManager();
      }
      for (String j : jobs) rest.awaitState(j, "RUNNING", Duration.ofSeconds(90));

      long period = T0 / 3_600_000L;
      Map<String, Long> expected = Map.of(PV_OWNER, 8_940L, METER_OWNER, 1_800L, "creators-fund:onder", 60L, DSO, 900L);
      SettlementBatches batches = SettlementBatches.await(kafka, period, expected, Duration.ofSeconds(180));
      assertThat(batches.owed(period)).containsExactlyInAnyOrderEntriesOf(expected);
      assertThat(batches.batches).extracting(SettlementBatch::getBatchId).as("each batch committed once").doesNotHaveDuplicates();

      try (CqlSession s = cassandra.session()) {
        long sum = 0;
        long lines = 0;
        for (String account : List.of(PV_OWNER, METER_OWNER, "creators-fund:onder", DSO, "market:onder-flex")) {
          for (var row : s.execute("SELECT amount FROM ledger WHERE account = ? AND settlement_period = ?", account, period)) {
            sum += row.getLong(0);
            lines++;
          }
        }
        assertThat(lines).isEqualTo(60 * 7);
        assertThat(sum).isZero();
      }
    } finally {
      for (String j : jobs) rest.cancel(j);
    }
  }

  static long checkpoints(FlinkRest rest, String job) {
    try {
      return rest.get("/jobs/" + job + "/checkpoints").path("counts").path("completed").asLong();
    } catch (Exception e) {
      return 0;
    }
  }

  static void send(KafkaProducer<String, DeviceReading> p, TestKafka kafka, int from, int to) {
    for (int i = from; i <= to; i++) {
      long t = T0 + i * 60_000L;
      p.send(new ProducerRecord<>(kafka.topic(Topics.READINGS), "m1", reading("m1", i, t, 3_000L * i, 0, EnergySource.UNKNOWN)));
      p.send(new ProducerRecord<>(kafka.topic(Topics.READINGS), "pv1", reading("pv1", i, t, 0, 6_000L * i, EnergySource.PV)));
    }
    p.flush();
  }

  static DeviceReading reading(String device, long seq, long t, long imp, long exp, EnergySource src) {
    return DeviceReading.newBuilder().setDeviceId(device).setSeq(seq).setTime(Instant.ofEpochMilli(t)).setReceivedAt(Instant.ofEpochMilli(t))
        .setImportMilliWh(imp).setExportMilliWh(exp).setExportSource(src).build();
  }
}
