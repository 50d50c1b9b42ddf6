package io.onder.flink;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.onder.avro.AckStatus;
import io.onder.avro.CommandAck;
import io.onder.avro.DeviceIntervalEnergy;
import io.onder.avro.DeviceReading;
import io.onder.avro.DispatchCommand;
import io.onder.avro.DrDelivery;
import io.onder.avro.DrDirection;
import io.onder.avro.DrEvent;
import io.onder.avro.DrStatus;
import io.onder.avro.EnergySource;
import io.onder.avro.FeederIntervalState;
import io.onder.avro.Quality;
import io.onder.avro.RewardEntry;
import io.onder.avro.SettlementBatch;
import io.onder.avro.StressKind;
import io.onder.avro.TargetKind;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
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

/**
 * A DR event on a small feeder through the quality, DR and rewards jobs, on real Kafka and Cassandra at parallelism 2:
 * readings → interval energy → dispatch commands on the dispatch topic → verified delivery (Kafka and Cassandra) →
 * reliability → DR payments in the ledger, funded by the utility. And the DR job alone on real interval energy and
 * devices' answers: an answer is stored, and a refusal is covered by another device from the refusal on.
 */
@RealServers({Server.KAFKA, Server.CASSANDRA})
class DrJobIT {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).build());

  static final long T0 = Instant.parse("2026-06-21T12:00:00Z").toEpochMilli();
  static final long MIN = 60_000;
  static final String EV_OWNER = "0x00000000000000000000000000000000000000e1";
  static final String HP_OWNER = "0x00000000000000000000000000000000000000e2";
  static final String METER_OWNER = "0x00000000000000000000000000000000000000e3";
  static final String DSO = "0x00000000000000000000000000000000000000d5";

  @Test
  void a_feeder_event_is_dispatched_verified_and_paid_by_the_utility(TestKafka kafka, TestCassandra cassandra) throws Exception {
    try (CqlSession s = cassandra.session()) {
      s.execute("INSERT INTO feeders (feeder_id, substation_id, region_id, capacity_w, reverse_flow_limit_w, distributor) VALUES ('F1','S1','R1',100000,50000,?)", DSO);
      s.execute("INSERT INTO devices (device_id, feeder_id, substation_id, region_id, kind, owner_address, max_import_w, max_export_w, flexible_w, storage_milli_wh, revoked) "
          + "VALUES ('ev1','F1','S1','R1','ev_charger',?,6000,0,6000,40000000,false)", EV_OWNER);
      s.execute("INSERT INTO devices (device_id, feeder_id, substation_id, region_id, kind, owner_address, max_import_w, max_export_w, flexible_w, storage_milli_wh, revoked) "
          + "VALUES ('hp1','F1','S1','R1','heat_pump',?,3000,0,3000,0,false)", HP_OWNER);
      s.execute("INSERT INTO devices (device_id, feeder_id, substation_id, region_id, kind, owner_address, max_import_w, max_export_w, flexible_w, storage_milli_wh, revoked) "
          + "VALUES ('m1','F1','S1','R1','meter',?,10000,0,0,0,false)", METER_OWNER);
    }
    // The utility posts at 12:00: reduce F1 by 6 kW from 12:20 to 12:30, 100,000 base units per kWh.
    // A reading a minute from 12:00 to 12:40. Per minute: the EV charges 100,000 mWh (6 kW) and stops from 12:20 to
    // 12:30; the heat pump runs at 50,000 (3 kW) and at 35,000 during the event; the meter imports 20,000 throughout.
    try (var p = new KafkaProducer<>(kafka.producerProperties(), new StringSerializer(), AvroSerde.of(DrEvent.class))) {
      p.send(new ProducerRecord<>(kafka.topic(Topics.DR_EVENTS), "E1", DrEvent.newBuilder().setEventId("E1").setUtilityId("grid-utility")
          .setTargetKind(TargetKind.FEEDER).setTargetId("F1").setDirection(DrDirection.REDUCE).setTargetW(6_000)
          .setStart(Instant.ofEpochMilli(T0 + 20 * MIN)).setEnd(Instant.ofEpochMilli(T0 + 30 * MIN)).setRate(100_000)
          .setStatus(DrStatus.ACTIVE).setVersion(1).setCreatedAt(Instant.ofEpochMilli(T0)).build())).get();
    }
    // The EV and the heat pump accept their commands as they get them, at 12:20 (already in Kafka, as in a replay:
    // delivery is paid only from an acceptance, wherever the watermark is when it is read)
    try (var p = new KafkaProducer<>(kafka.producerProperties(), new StringSerializer(), AvroSerde.of(CommandAck.class))) {
      for (String device : List.of("ev1", "hp1")) {
        p.send(new ProducerRecord<>(kafka.topic(Topics.COMMAND_ACKS), device, CommandAck.newBuilder().setCommandId("E1/" + device + "/0")
            .setEventId("E1").setDeviceId(device).setStatus(AckStatus.ACCEPTED).setAckedAt(Instant.ofEpochMilli(T0 + 20 * MIN)).build())).get();
      }
    }
    try (var p = new KafkaProducer<>(kafka.producerProperties(), new StringSerializer(), AvroSerde.of(DeviceReading.class))) {
      long ev = 0, hp = 0, m = 0;
      for (int i = 0; i <= 40; i++) {
        long t = T0 + i * MIN;
        p.send(new ProducerRecord<>(kafka.topic(Topics.READINGS), "ev1", reading("ev1", i, t, ev)));
        p.send(new ProducerRecord<>(kafka.topic(Topics.READINGS), "hp1", reading("hp1", i, t, hp)));
        p.send(new ProducerRecord<>(kafka.topic(Topics.READINGS), "m1", reading("m1", i, t, m)));
        boolean during = i >= 20 && i < 30;
        ev += during ? 0 : 100_000;
        hp += during ? 35_000 : 50_000;
        m += 20_000;
      }
    }

    JobArgs args = JobArgs.of(new HashMap<>(Map.of("kafka", kafka.bootstrapServers(), "cassandra", cassandra.contactPoint(),
        "keyspace", cassandra.keyspace(), "topic-prefix", kafka.prefix(), "group-prefix", kafka.prefix() + "it", "idleness-seconds", "3")));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(500);
    RegistryHolder registry = new RegistryHolder(RegistryHolder.cassandra(args.cassandra(), args.keyspace()), 60_000);
    QualityJob.onKafka(env, args, OffsetsInitializer.earliest(), registry);
    DrJob.onKafka(env, args, OffsetsInitializer.earliest(), registry);
    RewardsJob.onKafka(env, args, OffsetsInitializer.earliest(), registry);
    JobClient job = env.executeAsync("dr-it");
    try {
      // Baselines (12:10-12:20): EV 100,000 mWh a minute, heat pump 50,000. Under F1: EV 6,000 W, heat pump half its
      // 3,000 W, meter nothing. Goal 6,600 W expected, both are expected to give 0.8 × 7,500 = 6,000: both asked for all.
      List<String> commands = new ArrayList<>();
      try (var c = new KafkaConsumer<>(kafka.consumerProperties("dispatch"), new StringDeserializer(), AvroSerde.of(DispatchCommand.class))) {
        c.subscribe(List.of(kafka.topic(Topics.DISPATCH)));
        // a deadline with room for a loaded machine: the job starts three pipelines and commits each hop at a checkpoint
        until("four dispatch commands", Duration.ofSeconds(240), () -> {
          for (var r : c.poll(Duration.ofMillis(200))) {
            DispatchCommand d = r.value();
            assertThat(r.key()).isEqualTo(d.getDeviceId());
            commands.add(d.getCommandId() + " " + d.getAction() + " " + d.getRequestedW() + " " + d.getStart() + "-" + d.getEnd());
          }
          return commands.size() >= 4;
        }, () -> "commands " + commands + ", " + where(kafka, cassandra, job));
      }
      assertThat(commands).containsExactlyInAnyOrder(
          "E1/ev1/0 REDUCE 6000 2026-06-21T12:20:00Z-2026-06-21T12:30:00Z",
          "E1/hp1/0 REDUCE 1500 2026-06-21T12:20:00Z-2026-06-21T12:30:00Z",
          "E1/ev1/release RELEASE 0 2026-06-21T12:20:00Z-2026-06-21T12:30:00Z",
          "E1/hp1/release RELEASE 0 2026-06-21T12:20:00Z-2026-06-21T12:30:00Z");

      try (CqlSession s = cassandra.session()) {
        // Per minute: the EV is asked 6,000 W × 60 s = 100,000 mWh and delivers its whole baseline; the heat pump is
        // asked 25,000 and delivers 50,000 − 35,000 = 15,000. Ten minutes each, nothing outside the window.
        until("twenty verified deliveries", Duration.ofSeconds(60),
            () -> s.execute("SELECT count(*) FROM dr_delivery WHERE event_id = 'E1'").one().getLong(0) >= 20, () -> where(kafka, cassandra, job));
        Map<String, long[]> byDevice = new TreeMap<>();
        for (var row : s.execute("SELECT device_id, interval_start, baseline_milli_wh, actual_milli_wh, requested_milli_wh, delivered_milli_wh FROM dr_delivery WHERE event_id = 'E1'")) {
          assertThat(row.getInstant(1).toEpochMilli()).isBetween(T0 + 20 * MIN, T0 + 29 * MIN);
          long[] sums = byDevice.computeIfAbsent(row.getString(0), k -> new long[4]);
          sums[0] += row.getLong(2);
          sums[1] += row.getLong(3);
          sums[2] += row.getLong(4);
          sums[3] += row.getLong(5);
        }
        assertThat(byDevice.get("ev1")).containsExactly(1_000_000, 0, 1_000_000, 1_000_000);
        assertThat(byDevice.get("hp1")).containsExactly(500_000, 350_000, 250_000, 150_000);
        assertThat(byDevice).doesNotContainKey("m1");

        // Reliability: EV 0.8 × 0.8 + 0.2 × 1 = 0.84; heat pump 150,000 / 250,000 = 0.6 → 0.8 × 0.8 + 0.2 × 0.6 = 0.76.
        until("reliability of both", Duration.ofSeconds(60),
            () -> s.execute("SELECT count(*) FROM device_reliability").one().getLong(0) >= 2, () -> where(kafka, cassandra, job));
        assertThat(s.execute("SELECT reliability_ppm FROM device_reliability WHERE device_id = 'ev1'").one().getLong(0)).isEqualTo(840_000L);
        assertThat(s.execute("SELECT reliability_ppm FROM device_reliability WHERE device_id = 'hp1'").one().getLong(0)).isEqualTo(760_000L);

        // Payments at 100,000 per kWh, 1 % creators fee: EV 100,000 mWh a minute → 10,000 gross, 9,900 to the owner;
        // heat pump 15,000 mWh → 1,500 gross, 1,485 to the owner. Ten minutes. The utility funds 115,000.
        long period = T0 / 3_600_000L;
        Map<String, Long> expected = Map.of(EV_OWNER, 99_000L, HP_OWNER, 14_850L, "creators-fund:onder", 1_150L, "utility:grid-utility", -115_000L);
        until("the DR payments in the ledger", Duration.ofSeconds(60), () -> drLedger(s, period).equals(expected), () -> where(kafka, cassandra, job));
        assertThat(drLedger(s, period)).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(s.execute("SELECT count(*) FROM ledger WHERE account = ? AND settlement_period = ?", METER_OWNER, period).one().getLong(0))
            .as("the meter was not asked and is not paid").isZero();
      }
    } finally {
      job.cancel().get();
    }
  }

  /** Waits for {@code condition}; on the deadline, says where the pipeline stopped. */
  static void until(String what, Duration limit, java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> where) {
    try {
      Await.until(what, limit, condition);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; " + where.get(), e);
    }
  }

  /** Where the feeder pipeline stands: the job, the records per topic and per table, the sources' offsets, the watermarks. */
  static String where(TestKafka kafka, TestCassandra cassandra, JobClient job) {
    String status;
    try {
      status = String.valueOf(job.getJobStatus().get());
    } catch (Exception e) {
      status = "unknown (" + e + ")";
    }
    return "job " + status + ", records in " + recordCounts(kafka, List.of(Topics.READINGS, Topics.INTERVAL_ENERGY, Topics.DR_EVENTS, Topics.DISPATCH, Topics.DR_DELIVERY))
        + ", committed by the sources " + committedOffsets(kafka, List.of("it-quality", "it-dr", "it-rewards-onder-flex-2025.1"))
        + ", rows " + rowCounts(cassandra, List.of("device_interval", "feeder_interval", "dr_delivery"))
        + "; " + MiniClusterDiagnosis.of(FLINK, job.getJobID(), List.of("lateDeviceEnergy", "unknownDevices", "lateFeederState"));
  }

  /** How many records each topic holds (end offsets), to say where a pipeline stopped. */
  static Map<String, Long> recordCounts(TestKafka kafka, List<String> topics) {
    Map<String, Long> counts = new TreeMap<>();
    try (var k = new KafkaConsumer<>(kafka.consumerProperties("counts"), new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      for (String t : topics) {
        var parts = k.partitionsFor(kafka.topic(t)).stream().map(i -> new org.apache.kafka.common.TopicPartition(i.topic(), i.partition())).toList();
        counts.put(t, k.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum());
      }
    }
    return counts;
  }

  /** The offsets the job's Kafka sources committed, summed per consumer group (a source commits at each checkpoint). */
  static Map<String, Long> committedOffsets(TestKafka kafka, List<String> groups) {
    Map<String, Long> sums = new TreeMap<>();
    try (var admin = org.apache.kafka.clients.admin.Admin.create(kafka.adminProperties())) {
      for (String g : groups) {
        var offsets = admin.listConsumerGroupOffsets(kafka.prefix() + g).partitionsToOffsetAndMetadata().get();
        sums.put(g, offsets.values().stream().filter(java.util.Objects::nonNull).mapToLong(o -> o.offset()).sum());
      }
    } catch (Exception e) {
      sums.put("error " + e, -1L);
    }
    return sums;
  }

  static Map<String, Long> rowCounts(TestCassandra cassandra, List<String> tables) {
    Map<String, Long> counts = new TreeMap<>();
    try (CqlSession s = cassandra.session()) {
      for (String t : tables) counts.put(t, s.execute("SELECT count(*) FROM " + t).one().getLong(0));
    }
    return counts;
  }

  /** Sum of the DR lines (payee, creators fee and funding of causes dr/...) by account. */
  static Map<String, Long> drLedger(CqlSession s, long period) {
    Map<String, Long> sums = new TreeMap<>();
    for (String account : List.of(EV_OWNER, HP_OWNER, "creators-fund:onder", "utility:grid-utility")) {
      for (var row : s.execute("SELECT entry_id, amount FROM ledger WHERE account = ? AND settlement_period = ?", account, period)) {
        if (row.getString(0).startsWith("dr/")) sums.merge(account, row.getLong(1), Long::sum);
      }
    }
    return sums;
  }

  static DeviceReading reading(String device, long seq, long t, long importMilliWh) {
    return DeviceReading.newBuilder().setDeviceId(device).setSeq(seq).setTime(Instant.ofEpochMilli(t)).setReceivedAt(Instant.ofEpochMilli(t))
        .setImportMilliWh(importMilliWh).setExportMilliWh(0L).setExportSource(EnergySource.UNKNOWN).build();
  }

  /**
   * The DR job alone, fed interval energy as the quality job would write it and devices' answers as the gateway
   * would. Two EV chargers on F1 charge 6 kW (100,000 mWh a minute). Reduce F1 by 4 kW from 12:20 to 12:30: goal
   * 4,400 W expected, so one EV (x, whichever ranks first) is asked ⌈4,400 / 0.8⌉ = 5,500 W. x refuses at 12:20:58:
   * the pool counts on nothing, so the other EV (y) is asked 5,500 W from 12:20:58 on. y stops charging from 12:21.
   * Energy is sent in two parts so that the refusal is in the job before the watermark passes it.
   */
  @Test
  void an_answer_is_stored_and_a_refusal_is_re_dispatched_to_another_device(TestKafka kafka, TestCassandra cassandra) throws Exception {
    try (CqlSession s = cassandra.session()) {
      s.execute("INSERT INTO feeders (feeder_id, substation_id, region_id, capacity_w, reverse_flow_limit_w, distributor) VALUES ('F1','S1','R1',100000,50000,?)", DSO);
      for (String ev : List.of("ev1", "ev2")) {
        s.execute("INSERT INTO devices (device_id, feeder_id, substation_id, region_id, kind, owner_address, max_import_w, max_export_w, flexible_w, storage_milli_wh, revoked) "
            + "VALUES (?,'F1','S1','R1','ev_charger',?,6000,0,6000,40000000,false)", ev, EV_OWNER);
      }
    }
    String energyTopic = kafka.topic(Topics.INTERVAL_ENERGY);
    String acksTopic = kafka.topic(Topics.COMMAND_ACKS);
    try (var p = new KafkaProducer<>(kafka.producerProperties(), new StringSerializer(), AvroSerde.of(DrEvent.class))) {
      p.send(new ProducerRecord<>(kafka.topic(Topics.DR_EVENTS), "E2", DrEvent.newBuilder().setEventId("E2").setUtilityId("grid-utility")
          .setTargetKind(TargetKind.FEEDER).setTargetId("F1").setDirection(DrDirection.REDUCE).setTargetW(4_000)
          .setStart(Instant.ofEpochMilli(T0 + 20 * MIN)).setEnd(Instant.ofEpochMilli(T0 + 30 * MIN)).setRate(100_000)
          .setStatus(DrStatus.ACTIVE).setVersion(1).setCreatedAt(Instant.ofEpochMilli(T0)).build())).get();
    }
    // 12:00-12:21 of both at 6 kW: the watermark passes 12:20 (dispatch), not 12:21 (the first check)
    try (var p = new KafkaProducer<>(kafka.producerProperties(), new StringSerializer(), AvroSerde.of(DeviceIntervalEnergy.class))) {
      for (int i = 0; i <= 20; i++) {
        for (String ev : List.of("ev1", "ev2")) p.send(new ProducerRecord<>(energyTopic, ev, intervalEnergy(ev, i, 100_000)));
      }
      p.flush();
    }

    // the first energy is in Kafka before the job starts: a reader whose partitions are all empty need not wait long
    JobArgs args = JobArgs.of(new HashMap<>(Map.of("kafka", kafka.bootstrapServers(), "cassandra", cassandra.contactPoint(),
        "keyspace", cassandra.keyspace(), "topic-prefix", kafka.prefix(), "group-prefix", kafka.prefix() + "it", "idleness-seconds", "3",
        "startup-idleness-seconds", "10")));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.enableCheckpointing(500);
    DrJob.onKafka(env, args, OffsetsInitializer.earliest(), new RegistryHolder(RegistryHolder.cassandra(args.cassandra(), args.keyspace()), 60_000));
    JobClient job = env.executeAsync("dr-acks-it");
    try (var dispatch = new KafkaConsumer<>(kafka.consumerProperties("dispatch-acks"), new StringDeserializer(), AvroSerde.of(DispatchCommand.class));
         var answers = new KafkaProducer<>(kafka.producerProperties(), new StringSerializer(), AvroSerde.of(CommandAck.class));
         CqlSession s = cassandra.session()) {
      dispatch.subscribe(List.of(kafka.topic(Topics.DISPATCH)));
      List<DispatchCommand> commands = new ArrayList<>();
      Await.until("the first dispatch command", Duration.ofSeconds(120), () -> {
        dispatch.poll(Duration.ofMillis(200)).forEach(r -> commands.add(r.value()));
        return !commands.isEmpty();
      });
      DispatchCommand x = commands.get(0);
      assertThat(commands).singleElement().satisfies(c -> {
        assertThat(c.getCommandId()).isEqualTo("E2/" + c.getDeviceId() + "/0");
        assertThat(c.getRequestedW()).isEqualTo(5_500);
      });
      String y = x.getDeviceId().equals("ev1") ? "ev2" : "ev1";

      long refusedAt = T0 + 20 * MIN + 58_000;
      answers.send(new ProducerRecord<>(acksTopic, x.getDeviceId(), ack(x, AckStatus.REJECTED, "owner override", refusedAt))).get();
      Await.until("the refusal stored", Duration.ofSeconds(60), () -> {
        var row = s.execute("SELECT status, command_id, acked_at, reason FROM dr_command_ack WHERE event_id = 'E2' AND device_id = ?", x.getDeviceId()).one();
        return row != null && row.getString(0).equals("REJECTED") && row.getString(1).equals(x.getCommandId())
            && row.getInstant(2).toEpochMilli() == refusedAt && "owner override".equals(row.getString(3));
      });

      // y accepts the command that covers x's refusal (round 1, from the refusal on) at 12:21:05, before the watermark
      // gets there, as it would live
      answers.send(new ProducerRecord<>(acksTopic, y, CommandAck.newBuilder().setCommandId("E2/" + y + "/1").setEventId("E2").setDeviceId(y)
          .setStatus(AckStatus.ACCEPTED).setAckedAt(Instant.ofEpochMilli(refusedAt + 7_000)).build())).get();

      // 12:21-12:41: x charges on, y stops
      try (var p = new KafkaProducer<>(kafka.producerProperties(), new StringSerializer(), AvroSerde.of(DeviceIntervalEnergy.class))) {
        for (int i = 21; i <= 40; i++) {
          p.send(new ProducerRecord<>(energyTopic, x.getDeviceId(), intervalEnergy(x.getDeviceId(), i, 100_000)));
          p.send(new ProducerRecord<>(energyTopic, y, intervalEnergy(y, i, i < 30 ? 0 : 100_000)));
        }
      }
      Await.until("a re-dispatch and both releases", Duration.ofSeconds(120), () -> {
        dispatch.poll(Duration.ofMillis(200)).forEach(r -> commands.add(r.value()));
        return commands.size() >= 4;
      });
      DispatchCommand round1 = commands.stream().filter(c -> c.getRound() == 1).findFirst().orElseThrow();
      assertThat(round1.getDeviceId()).isEqualTo(y);
      assertThat(round1.getRequestedW()).isEqualTo(5_500);
      assertThat(round1.getIssuedAt().toEpochMilli()).as("from the refusal, not the next interval").isEqualTo(refusedAt);
      assertThat(round1.getStart().toEpochMilli()).isEqualTo(refusedAt);
      assertThat(commands).extracting(DispatchCommand::getCommandId).containsExactlyInAnyOrder(
          x.getCommandId(), "E2/" + y + "/1", "E2/" + x.getDeviceId() + "/release", "E2/" + y + "/release");

      // y: paid from its acceptance at 12:21:05: 12:21 asked 5,500 W × 55 s = 84,027 mWh and delivered it (of the
      // 91,666 below its baseline over those 55 s); 12:22-12:29 asked 5,500 W × 60 s = 91,666 and delivered it.
      // x: refused before its first interval ended, so nothing verified and nothing paid.
      Await.until("nine verified deliveries of y", Duration.ofSeconds(60),
          () -> s.execute("SELECT count(*) FROM dr_delivery WHERE event_id = 'E2'").one().getLong(0) >= 9);
      Map<String, Long> delivered = new TreeMap<>();
      for (var row : s.execute("SELECT device_id, delivered_milli_wh FROM dr_delivery WHERE event_id = 'E2'")) {
        delivered.merge(row.getString(0), row.getLong(1), Long::sum);
      }
      assertThat(delivered).containsExactly(Map.entry(y, 84_027L + 8 * 91_666L));
      // reliability: x asked 5,500 W for 600 s, delivered nothing → 0.8 × 0.8 = 0.64. y asked 5,500 W for 542 s =
      // 828,055 mWh, delivered 817,355 (987,078 ppm) → 0.64 + 0.2 × 0.987078 = 0.837415
      Await.until("reliability of both", Duration.ofSeconds(60),
          () -> s.execute("SELECT count(*) FROM device_reliability").one().getLong(0) >= 2);
      assertThat(s.execute("SELECT reliability_ppm FROM device_reliability WHERE device_id = ?", x.getDeviceId()).one().getLong(0)).isEqualTo(640_000L);
      assertThat(s.execute("SELECT reliability_ppm FROM device_reliability WHERE device_id = ?", y).one().getLong(0)).isEqualTo(837_415L);
      // both answers stored
      Await.until("y's acceptance stored", Duration.ofSeconds(60), () -> {
        var row = s.execute("SELECT status FROM dr_command_ack WHERE event_id = 'E2' AND device_id = ?", y).one();
        return row != null && row.getString(0).equals("ACCEPTED");
      });
      assertThat(s.execute("SELECT device_id, status FROM dr_command_ack WHERE event_id = 'E2'").all().stream()
          .map(r -> r.getString(0) + " " + r.getString(1)).collect(Collectors.toList()))
          .containsExactlyInAnyOrder(x.getDeviceId() + " REJECTED", y + " ACCEPTED");
    } finally {
      job.cancel().get();
    }
  }

  static CommandAck ack(DispatchCommand c, AckStatus status, String reason, long atMillis) {
    return CommandAck.newBuilder().setCommandId(c.getCommandId()).setEventId(c.getEventId()).setDeviceId(c.getDeviceId())
        .setStatus(status).setReason(reason).setAckedAt(Instant.ofEpochMilli(atMillis)).build();
  }

  static DeviceIntervalEnergy intervalEnergy(String device, int i, long importMilliWh) {
    Quality q = Quality.newBuilder().setClean(0.3).setLocal(0).setStress(StressKind.NONE).build();
    return DeviceIntervalEnergy.newBuilder().setDeviceId(device).setOwnerAddress(EV_OWNER).setKind("ev_charger")
        .setFeederId("F1").setSubstationId("S1").setRegionId("R1")
        .setIntervalStart(Instant.ofEpochMilli(T0 + i * MIN)).setIntervalEnd(Instant.ofEpochMilli(T0 + (i + 1) * MIN))
        .setImportMilliWh(importMilliWh).setExportMilliWh(0).setImportQuality(q).setExportQuality(q).build();
  }
}
