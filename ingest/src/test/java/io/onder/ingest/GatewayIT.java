package io.onder.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.avro.CommandAck;
import io.onder.avro.CommandAction;
import io.onder.avro.DeviceReading;
import io.onder.avro.DispatchCommand;
import io.onder.ingest.client.DeviceClient;
import io.onder.schemas.AvroSerde;
import io.onder.schemas.Topics;
import io.onder.stack.Server;
import io.onder.testkit.Await;
import io.onder.testkit.ReadingsTopic;
import io.onder.testkit.RealServers;
import io.onder.testkit.TestCassandra;
import io.onder.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RealServers({Server.KAFKA, Server.CASSANDRA})
class GatewayIT {
  @TempDir
  Path dir;

  private static long nowS() {
    return System.currentTimeMillis() / 1000;
  }

  @Test
  void every_acknowledged_reading_is_in_kafka_exactly_once(TestKafka kafka, TestCassandra cassandra) {
    try (GatewayFixture f = new GatewayFixture(kafka, cassandra, dir, new Properties())) {
      Map<String, Set<Long>> acked = new HashMap<>();
      int duplicatesAcked = 0;
      for (int d = 0; d < 3; d++) {
        TestFleet.Dev dev = f.fleet.add("dev-" + d);
        DeviceClient c = f.fleet.client(dev, f.port());
        long seq = 0;
        double register = 0;
        for (int req = 0; req < 30; req++) {
          int pack = 1 + req % 4;
          long t = nowS() - 120;
          StringBuilder b = new StringBuilder("[{'bn':'" + dev.id() + ":','bt':" + t + "}");
          List<Long> seqs = new ArrayList<>();
          for (int i = 0; i < pack; i++) {
            seq++;
            register += 0.125;
            seqs.add(seq);
            b.append(",{'n':'seq','v':").append(seq).append(",'t':").append(seq).append("}")
                .append(",{'n':'import','u':'kWh','v':").append(register).append(",'t':").append(seq).append("}");
          }
          String json = b.append(']').toString();
          boolean cbor = req % 2 == 1;
          byte[] payload = cbor ? Packs.cbor(json) : Packs.json(json);
          CoapResponse r = c.postReadings(payload, cbor ? 112 : 110);
          assertThat(r).as("response to request " + req).isNotNull();
          assertThat(r.getCode()).as(r.getResponseText()).isEqualTo(ResponseCode.CHANGED);
          acked.computeIfAbsent(dev.id(), k -> new HashSet<>()).addAll(seqs);
          if (req % 5 == 0) { // the device did not hear the answer and sends the same pack again
            CoapResponse again = c.postReadings(payload, cbor ? 112 : 110);
            assertThat(again.getCode()).isEqualTo(ResponseCode.CHANGED);
            assertThat(again.getResponseText()).isEqualTo("accepted 0 duplicates " + pack);
            duplicatesAcked += pack;
          }
        }
      }
      assertThat(duplicatesAcked).isPositive();
      List<DeviceReading> inKafka = ReadingsTopic.readAll(kafka, f.readings);
      Map<String, List<Long>> seen = inKafka.stream()
          .collect(Collectors.groupingBy(DeviceReading::getDeviceId, Collectors.mapping(DeviceReading::getSeq, Collectors.toList())));
      assertThat(seen.keySet()).isEqualTo(acked.keySet());
      for (String dev : acked.keySet()) {
        assertThat(seen.get(dev)).as(dev).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(acked.get(dev));
      }
      DeviceReading first = inKafka.stream().filter(r -> r.getDeviceId().equals("dev-0") && r.getSeq() == 1).findFirst().orElseThrow();
      assertThat(first.getImportMilliWh()).isEqualTo(125_000L); // 0.125 kWh
      assertThat(f.gateway.metrics().value("onder_ingest_readings_total", "outcome", "accepted")).isEqualTo(inKafka.size());
    }
  }

  @Test
  void every_bad_input_gets_its_4xx_and_nothing_reaches_kafka(TestKafka kafka, TestCassandra cassandra) {
    try (GatewayFixture f = new GatewayFixture(kafka, cassandra, dir, new Properties())) {
      TestFleet.Dev a = f.fleet.add(BadInputCorpus.DEVICE);
      f.fleet.add("dev-b");
      DeviceClient c = f.fleet.client(a, f.port());
      List<BadInputCorpus.Case> corpus = BadInputCorpus.all(nowS(), 512);
      assertThat(corpus).hasSizeGreaterThanOrEqualTo(100);
      List<String> wrong = new ArrayList<>();
      for (BadInputCorpus.Case bad : corpus) {
        CoapResponse r = c.postReadings(bad.payload(), bad.format());
        ResponseCode expected = switch (bad.expected()) {
          case BAD_REQUEST -> ResponseCode.BAD_REQUEST;
          case TOO_LARGE -> ResponseCode.REQUEST_ENTITY_TOO_LARGE;
          case UNSUPPORTED_FORMAT -> ResponseCode.UNSUPPORTED_CONTENT_FORMAT;
          case FORBIDDEN -> ResponseCode.FORBIDDEN;
          default -> throw new AssertionError(bad.expected());
        };
        if (r == null || r.getCode() != expected || r.getResponseText().isBlank()) {
          wrong.add(bad.label() + " -> " + (r == null ? "no response" : r.getCode() + " " + r.getResponseText()));
        }
      }
      // bigger than the gateway takes at all: Californium's blockwise layer answers 4.13 before the resource
      byte[] huge = ("[" + "{\"n\":\"power\",\"u\":\"W\",\"v\":1},".repeat(800) + "{\"n\":\"seq\",\"v\":1}]").getBytes(StandardCharsets.UTF_8);
      CoapResponse tooLarge = c.postReadings(huge, 110);
      assertThat(tooLarge.getCode()).isEqualTo(ResponseCode.REQUEST_ENTITY_TOO_LARGE);
      assertThat(wrong).isEmpty();
      assertThat(ReadingsTopic.readAll(kafka, f.readings)).isEmpty();
      // and the device is not blocked for it
      CoapResponse ok = c.postReadings(Packs.json(Packs.reading(a.id(), 1, nowS(), 1, 0)), 110);
      assertThat(ok.getCode()).isEqualTo(ResponseCode.CHANGED);
      assertThat(ReadingsTopic.readAll(kafka, f.readings)).extracting(DeviceReading::getSeq).containsExactly(1L);
    }
  }

  @Test
  void an_unknown_or_revoked_device_cannot_connect(TestKafka kafka, TestCassandra cassandra) {
    try (GatewayFixture f = new GatewayFixture(kafka, cassandra, dir, new Properties())) {
      org.assertj.core.api.Assertions.assertThatThrownBy(f.gateway::coapPort).as("plain CoAP is off unless the unsafe flag is set")
          .isInstanceOf(IllegalStateException.class);
      TestFleet.Dev known = f.fleet.add("dev-known");
      byte[] randomKey = new byte[16];
      new SecureRandom().nextBytes(randomKey);
      byte[] pack = Packs.json(Packs.reading("dev-x", 1, nowS(), 1, 0));
      assertThat(f.fleet.client("dev-stranger", randomKey, f.port(), 4000).postReadings(pack, 110)).as("unknown identity").isNull();
      assertThat(f.fleet.client(known.id(), randomKey, f.port(), 4000).postReadings(pack, 110)).as("known identity, wrong key").isNull();

      DeviceClient session = f.fleet.client(known, f.port());
      assertThat(session.postReadings(Packs.json(Packs.reading(known.id(), 1, nowS(), 1, 0)), 110).getCode()).isEqualTo(ResponseCode.CHANGED);
      f.fleet.revoke(known.id());
      // an established DTLS session of a revoked device is refused as soon as the registry is refreshed...
      Await.until("the revocation to reach the gateway", Duration.ofSeconds(30), () -> {
        CoapResponse r = session.getCommands(null);
        return r != null && r.getCode() == ResponseCode.FORBIDDEN;
      });
      assertThat(session.postReadings(Packs.json(Packs.reading(known.id(), 2, nowS(), 2, 0)), 110).getCode()).isEqualTo(ResponseCode.FORBIDDEN);
      // ...and a new handshake fails
      assertThat(f.fleet.client(known.id(), known.key(), f.port(), 4000).postReadings(pack, 110)).as("revoked device").isNull();
      assertThat(ReadingsTopic.readAll(kafka, f.readings)).extracting(DeviceReading::getSeq).containsExactly(1L);
    }
  }

  @Test
  void a_device_with_a_registered_raw_public_key_connects_and_an_unknown_key_cannot(TestKafka kafka, TestCassandra cassandra) throws Exception {
    java.security.KeyPair server = TestFleet.ecKeyPair();
    Path keyFile = dir.resolve("gateway-rpk.properties");
    java.nio.file.Files.writeString(keyFile, "private=" + java.util.Base64.getEncoder().encodeToString(server.getPrivate().getEncoded())
        + "\npublic=" + java.util.Base64.getEncoder().encodeToString(server.getPublic().getEncoded()) + "\n");
    Properties p = new Properties();
    p.setProperty("onder.ingest.rpk.key-file", keyFile.toString());
    try (GatewayFixture f = new GatewayFixture(kafka, cassandra, dir, p)) {
      java.security.KeyPair device = f.fleet.addRpk("dev-rpk");
      // the registry reloads at most once a second on an unknown key: a device registered a moment ago gets in shortly
      Await.until("the registered raw public key to be accepted", Duration.ofSeconds(30), () -> {
        try (DeviceClient c = DeviceClient.rpk("127.0.0.1", f.port(), device, server.getPublic(), 4_000)) {
          CoapResponse ok = c.postReadings(Packs.cbor(Packs.reading("dev-rpk", 1, nowS(), 3, 1)), 112);
          return ok != null && ok.getCode() == ResponseCode.CHANGED;
        }
      });
      try (DeviceClient stranger = DeviceClient.rpk("127.0.0.1", f.port(), TestFleet.ecKeyPair(), server.getPublic(), 4_000)) {
        assertThat(stranger.postReadings(Packs.cbor(Packs.reading("dev-rpk", 2, nowS(), 4, 1)), 112)).as("unregistered key").isNull();
        // PSK devices still work next to RPK ones
        TestFleet.Dev psk = f.fleet.add("dev-psk");
        assertThat(f.fleet.client(psk, f.port()).postReadings(Packs.json(Packs.reading("dev-psk", 1, nowS(), 1, 0)), 110).getCode())
            .isEqualTo(ResponseCode.CHANGED);
      }
      assertThat(ReadingsTopic.readAll(kafka, f.readings)).extracting(DeviceReading::getDeviceId).containsExactlyInAnyOrder("dev-rpk", "dev-psk");
    }
  }

  @Test
  void a_device_sees_only_its_own_commands_and_acks_only_its_own(TestKafka kafka, TestCassandra cassandra) throws Exception {
    String dispatch = kafka.topic(Topics.DISPATCH);
    String acks = kafka.topic(Topics.COMMAND_ACKS);
    try (GatewayFixture f = new GatewayFixture(kafka, cassandra, dir, new Properties());
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProperties(), new StringSerializer(), new ByteArraySerializer())) {
      TestFleet.Dev a = f.fleet.add("dev-a");
      TestFleet.Dev b = f.fleet.add("dev-b");
      DeviceClient ca = f.fleet.client(a, f.port());
      DeviceClient cb = f.fleet.client(b, f.port());
      List<String> seenByA = new CopyOnWriteArrayList<>();
      List<String> seenByB = new CopyOnWriteArrayList<>();
      ca.observeCommands(collect(seenByA));
      cb.observeCommands(collect(seenByB));
      Await.until("both observations to be established", Duration.ofSeconds(20), () -> !seenByA.isEmpty() && !seenByB.isEmpty());

      // A posting as B
      CoapResponse asB = ca.postReadings(Packs.json(Packs.reading("dev-b", 1, nowS(), 1, 0)), 110);
      assertThat(asB.getCode()).isEqualTo(ResponseCode.FORBIDDEN);
      // A reading B's commands by name
      assertThat(ca.getCommands("d=dev-b").getCode()).isEqualTo(ResponseCode.FORBIDDEN);

      Instant now = Instant.now();
      DispatchCommand forB = DispatchCommand.newBuilder().setCommandId("ev-1/dev-b/0").setEventId("ev-1").setDeviceId("dev-b")
          .setAction(CommandAction.REDUCE).setRequestedW(1500).setStart(now).setEnd(now.plusSeconds(3600)).setRound(0)
          .setIssuedAt(now).build();
      producer.send(new ProducerRecord<>(dispatch, "dev-b", AvroSerde.of(DispatchCommand.class).encode(forB))).get();
      Await.until("B to be notified of its command", Duration.ofSeconds(30), () -> seenByB.stream().anyMatch(s -> s.contains("ev-1/dev-b/0")));
      DispatchCommand forA = DispatchCommand.newBuilder(forB).setCommandId("ev-1/dev-a/0").setDeviceId("dev-a").build();
      producer.send(new ProducerRecord<>(dispatch, "dev-a", AvroSerde.of(DispatchCommand.class).encode(forA))).get();
      Await.until("A to be notified of its command", Duration.ofSeconds(30), () -> seenByA.stream().anyMatch(s -> s.contains("ev-1/dev-a/0")));
      assertThat(seenByA).noneMatch(s -> s.contains("dev-b"));
      assertThat(seenByB).noneMatch(s -> s.contains("dev-a"));
      assertThat(ca.getCommands(null).getResponseText()).contains("ev-1/dev-a/0").doesNotContain("dev-b");

      assertThat(ca.ackCommand("{\"commandId\":\"ev-1/dev-b/0\",\"status\":\"ACCEPTED\"}").getCode()).isEqualTo(ResponseCode.NOT_FOUND);
      assertThat(cb.ackCommand("{\"commandId\":\"ev-1/dev-b/0\",\"status\":\"ACCEPTED\"}").getCode()).isEqualTo(ResponseCode.CHANGED);
      assertThat(cb.ackCommand("{\"commandId\":\"ev-1/dev-b/0\",\"status\":\"MAYBE\"}").getCode()).isEqualTo(ResponseCode.BAD_REQUEST);

      List<CommandAck> acked = readAcks(kafka, acks);
      assertThat(acked).hasSize(1);
      assertThat(acked.get(0).getDeviceId()).isEqualTo("dev-b");
      assertThat(acked.get(0).getEventId()).isEqualTo("ev-1");
    }
  }

  @Test
  void metrics_are_served_in_prometheus_format(TestKafka kafka, TestCassandra cassandra) throws Exception {
    Properties p = new Properties();
    int metricsPort = io.onder.testkit.FreePorts.next();
    p.setProperty("onder.ingest.metrics.port", Integer.toString(metricsPort));
    try (GatewayFixture f = new GatewayFixture(kafka, cassandra, dir, p)) {
      TestFleet.Dev a = f.fleet.add("dev-m");
      DeviceClient c = f.fleet.client(a, f.port());
      c.postReadings(Packs.json(Packs.reading(a.id(), 1, nowS(), 1, 0)), 110);
      c.postReadings(Packs.json("[{'n':'seq','v':2},{'n':'import','u':'W','v':1}]"), 110);
      var http = java.net.http.HttpClient.newHttpClient();
      String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body();
      assertThat(body).contains("onder_ingest_readings_total{outcome=\"accepted\"} 1")
          .contains("onder_ingest_requests_total{outcome=\"refused\",reason=\"unit\"} 1")
          .contains("onder_ingest_kafka_ack_seconds_count 1")
          .contains("onder_ingest_in_flight_requests 0");
    }
  }

  private static CoapHandler collect(List<String> into) {
    return new CoapHandler() {
      @Override
      public void onLoad(CoapResponse response) {
        into.add(response.getResponseText());
      }

      @Override
      public void onError() {
        into.add("error");
      }
    };
  }

  private static List<CommandAck> readAcks(TestKafka kafka, String topic) {
    AvroSerde<CommandAck> serde = AvroSerde.of(CommandAck.class);
    List<CommandAck> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.consumerProperties("acks"), new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) out.add(serde.decode(r.value()));
      }
    }
    return out;
  }
}
