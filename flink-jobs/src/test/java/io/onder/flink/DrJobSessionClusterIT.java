package io.onder.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.onder.avro.DeviceIntervalEnergy;
import io.onder.avro.DispatchCommand;
import io.onder.avro.DrDirection;
import io.onder.avro.DrEvent;
import io.onder.avro.DrStatus;
import io.onder.avro.Quality;
import io.onder.avro.StressKind;
import io.onder.avro.TargetKind;
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
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The DR job's shaded jar on the real session cluster, uploaded and run over REST as an operator would
 * ({@code bin/onder jobs submit dr}), its {@code main} wiring itself to Kafka and Cassandra: a DR event and the
 * devices' interval energy in, dispatch commands out on the dispatch topic.
 */
@RealServers({Server.KAFKA, Server.CASSANDRA, Server.FLINK})
class DrJobSessionClusterIT {
  static final long T0 = Instant.parse("2026-06-21T12:00:00Z").toEpochMilli();
  static final long MIN = 60_000;
  static final String OWNER = "0x00000000000000000000000000000000000000e1";

  @Test
  void the_submitted_dr_job_dispatches_a_feeder_event_and_releases_at_its_end(TestKafka kafka, TestCassandra cassandra, TestFlink flink)
      throws Exception {
    try (CqlSession s = cassandra.session()) {
      s.execute("INSERT INTO feeders (feeder_id, substation_id, region_id, capacity_w, reverse_flow_limit_w, distributor) VALUES ('F1','S1','R1',100000,50000,?)",
          "0x00000000000000000000000000000000000000d5");
      s.execute("INSERT INTO devices (device_id, feeder_id, substation_id, region_id, kind, owner_address, max_import_w, max_export_w, flexible_w, storage_milli_wh, revoked) "
          + "VALUES ('ev1','F1','S1','R1','ev_charger',?,6000,0,6000,40000000,false)", OWNER);
      s.execute("INSERT INTO devices (device_id, feeder_id, substation_id, region_id, kind, owner_address, max_import_w, max_export_w, flexible_w, storage_milli_wh, revoked) "
          + "VALUES ('hp1','F1','S1','R1','heat_pump',?,3000,0,3000,0,false)", OWNER);
    }
    FlinkRest rest = new FlinkRest(flink.restUrl());
    String jar = rest.upload(Path.of("target/onder-flink-jobs-0.1.0-SNAPSHOT-job.jar"));
    List<String> args = List.of("--kafka", kafka.bootstrapServers(), "--cassandra", cassandra.contactPoint(), "--keyspace", cassandra.keyspace(),
        "--topic-prefix", kafka.topic(Topics.DR_EVENTS).replace(Topics.DR_EVENTS, ""), "--idleness-seconds", "3", "--checkpoint-ms", "1000",
        "--group-prefix", kafka.prefix() + "onder");
    String dr = rest.run(jar, "io.onder.flink.DrJob", args, null, 2);
    try {
      rest.awaitState(dr, "RUNNING", Duration.ofSeconds(60));
      assertThat(rest.jobs()).filteredOn(j -> j.id().equals(dr)).extracting(FlinkRest.Job::name).containsExactly("onder-dr");

      // Reduce F1 by 6 kW from 12:20 to 12:30. The EV charges at 6 kW and the heat pump runs at 3 kW throughout
      // (neither follows). Goal 6,600 W expected at reliability 0.8: the EV is asked all its 6,000 W, the heat pump
      // all it can shed (half its load, 1,500 W); no one else is under F1, so the shortfall finds nobody more.
      try (var p = new KafkaProducer<>(kafka.producerProperties(), new StringSerializer(), AvroSerde.of(DrEvent.class))) {
        p.send(new ProducerRecord<>(kafka.topic(Topics.DR_EVENTS), "E1", DrEvent.newBuilder().setEventId("E1").setUtilityId("grid-utility")
            .setTargetKind(TargetKind.FEEDER).setTargetId("F1").setDirection(DrDirection.REDUCE).setTargetW(6_000)
            .setStart(Instant.ofEpochMilli(T0 + 20 * MIN)).setEnd(Instant.ofEpochMilli(T0 + 30 * MIN)).setRate(100_000)
            .setStatus(DrStatus.ACTIVE).setVersion(1).setCreatedAt(Instant.ofEpochMilli(T0)).build())).get();
      }
      // The job must have read the event before the devices' energy moves its watermark past the event's end: with
      // three topics read in parallel and a 3 s idleness, the energy could otherwise come first and the event be
      // refused as over. Its offsets are committed with each checkpoint.
      String group = kafka.prefix() + "onder-dr";
      String events = kafka.topic(Topics.DR_EVENTS);
      try (var admin = org.apache.kafka.clients.admin.Admin.create(kafka.adminProperties())) {
        Await.until("the DR job to have read the event", Duration.ofSeconds(120), () -> committed(admin, group, events));
      }
      try (var p = new KafkaProducer<>(kafka.producerProperties(), new StringSerializer(), AvroSerde.of(DeviceIntervalEnergy.class))) {
        for (int i = 0; i < 40; i++) {
          p.send(new ProducerRecord<>(kafka.topic(Topics.INTERVAL_ENERGY), "ev1", energy("ev1", "ev_charger", i, 100_000)));
          p.send(new ProducerRecord<>(kafka.topic(Topics.INTERVAL_ENERGY), "hp1", energy("hp1", "heat_pump", i, 50_000)));
        }
      }

      List<String> commands = new ArrayList<>();
      try (var c = new KafkaConsumer<>(kafka.consumerProperties("dr-session-dispatch"), new StringDeserializer(), AvroSerde.of(DispatchCommand.class))) {
        c.subscribe(List.of(kafka.topic(Topics.DISPATCH)));
        try {
          Await.until("two dispatch commands and two releases", Duration.ofSeconds(180), () -> {
            for (var r : c.poll(Duration.ofMillis(200))) {
              DispatchCommand d = r.value();
              assertThat(r.key()).isEqualTo(d.getDeviceId());
              commands.add(d.getCommandId() + " " + d.getAction() + " " + d.getRequestedW() + " " + d.getStart() + "-" + d.getEnd() + " @" + d.getIssuedAt());
            }
            return commands.size() >= 4;
          });
        } catch (AssertionError e) {
          throw new AssertionError(e.getMessage() + "; commands read: " + commands + "; job: " + diagnosis(rest, dr), e);
        }
      }
      assertThat(commands).containsExactlyInAnyOrder(
          "E1/ev1/0 REDUCE 6000 2026-06-21T12:20:00Z-2026-06-21T12:30:00Z @2026-06-21T12:20:00Z",
          "E1/hp1/0 REDUCE 1500 2026-06-21T12:20:00Z-2026-06-21T12:30:00Z @2026-06-21T12:20:00Z",
          "E1/ev1/release RELEASE 0 2026-06-21T12:20:00Z-2026-06-21T12:30:00Z @2026-06-21T12:30:00Z",
          "E1/hp1/release RELEASE 0 2026-06-21T12:20:00Z-2026-06-21T12:30:00Z @2026-06-21T12:30:00Z");
      assertThat(rest.job(dr).path("state").asText()).as("still running after the event").isEqualTo("RUNNING");
    } finally {
      rest.cancel(dr);
      rest.awaitState(dr, "CANCELED", Duration.ofSeconds(60));
    }
  }

  /** The job's state, completed and failed checkpoints and latest exception's first line, for a failure message. */
  static String diagnosis(FlinkRest rest, String job) {
    try {
      var counts = rest.get("/jobs/" + job + "/checkpoints").path("counts");
      return rest.job(job).path("state").asText() + ", checkpoints completed " + counts.path("completed").asLong() + " failed "
          + counts.path("failed").asLong() + ", exception: "
          + rest.get("/jobs/" + job + "/exceptions").path("root-exception").asText("none").lines().findFirst().orElse("none");
    } catch (Exception e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  static DeviceIntervalEnergy energy(String device, String kind, int i, long importMilliWh) {
    Quality q = Quality.newBuilder().setClean(0.3).setLocal(0).setStress(StressKind.NONE).build();
    return DeviceIntervalEnergy.newBuilder().setDeviceId(device).setOwnerAddress(OWNER).setKind(kind)
        .setFeederId("F1").setSubstationId("S1").setRegionId("R1")
        .setIntervalStart(Instant.ofEpochMilli(T0 + i * MIN)).setIntervalEnd(Instant.ofEpochMilli(T0 + (i + 1) * MIN))
        .setImportMilliWh(importMilliWh).setExportMilliWh(0).setImportQuality(q).setExportQuality(q).build();
  }

  /** Whether the consumer group has committed past the first record of the topic. */
  private static boolean committed(org.apache.kafka.clients.admin.Admin admin, String group, String topic) {
    try {
      return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
          .anyMatch(e -> e.getKey().topic().equals(topic) && e.getValue() != null && e.getValue().offset() >= 1);
    } catch (Exception notYet) {
      return false;
    }
  }
}
