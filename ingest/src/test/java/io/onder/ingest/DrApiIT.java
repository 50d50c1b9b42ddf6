package io.onder.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.onder.avro.DrEvent;
import io.onder.avro.DrStatus;
import io.onder.ingest.dr.CassandraTopology;
import io.onder.ingest.dr.DrApi;
import io.onder.ingest.dr.DrEvents;
import io.onder.ingest.dr.UtilityTokens;
import io.onder.ingest.kafka.KafkaOut;
import io.onder.schemas.AvroSerde;
import io.onder.schemas.Topics;
import io.onder.stack.Server;
import io.onder.testkit.RealServers;
import io.onder.testkit.TestCassandra;
import io.onder.testkit.TestKafka;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

@RealServers({Server.KAFKA, Server.CASSANDRA})
class DrApiIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  private static String randomToken() {
    byte[] b = new byte[24];
    new SecureRandom().nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String event(String type, String target, Instant start, String duration, String kwType, String kw, String price) {
    return ("{'programID':'onder-dr','eventName':'evening peak','targets':[{'type':'" + type + "','values':['" + target + "']}],"
        + "'intervalPeriod':{'start':'" + start + "','duration':'" + duration + "'},"
        + "'intervals':[{'id':0,'payloads':[{'type':'" + kwType + "','values':[" + kw + "]},{'type':'PRICE','values':[" + price + "]}]}]}")
        .replace('\'', '"');
  }

  private HttpResponse<String> call(int port, String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
    if (token != null) b.header("Authorization", "Bearer " + token);
    if (body != null) b.header("Content-Type", "application/json");
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void utilities_create_list_get_and_cancel_their_own_events_and_nothing_else(TestKafka kafka, TestCassandra cassandra) throws Exception {
    String topic = kafka.topic(Topics.DR_EVENTS);
    String gridco = randomToken();
    String other = randomToken();
    Properties tokens = new Properties();
    tokens.setProperty("utility.gridco.token-sha256", UtilityTokens.sha256Hex(gridco));
    tokens.setProperty("utility.othernet.token-sha256", UtilityTokens.sha256Hex(other));
    try (var session = cassandra.session();
        KafkaOut out = new KafkaOut(kafka.producerProperties(), kafka.topic(Topics.READINGS), System::currentTimeMillis)) {
      session.execute("INSERT INTO " + cassandra.keyspace() + ".feeders (feeder_id, substation_id, region_id, capacity_w, reverse_flow_limit_w)"
          + " VALUES ('feeder-1', 'sub-1', 'region-1', 400000, 150000)");
      Clock clock = Clock.systemUTC();
      DrEvents events = new DrEvents(out::send, topic, clock).loadFrom(kafka.consumerProperties("dr"));
      try (DrApi api = new DrApi(new InetSocketAddress("127.0.0.1", 0), new UtilityTokens(tokens), events,
          new CassandraTopology(session, cassandra.keyspace(), clock, Duration.ofSeconds(30)), clock)) {
        int port = api.port();
        Instant start = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        String good = event("FEEDER", "feeder-1", start, "PT1H", "REDUCE_LOAD_KW", "250.5", "1200");

        assertThat(call(port, "POST", "/events", null, good).statusCode()).as("no token").isEqualTo(401);
        assertThat(call(port, "POST", "/events", randomToken(), good).statusCode()).as("wrong token").isEqualTo(401);
        HttpResponse<String> noBearer = call(port, "GET", "/events", null, null);
        assertThat(noBearer.statusCode()).isEqualTo(401);
        assertThat(noBearer.body()).doesNotContain(gridco).doesNotContain(other);

        Map<String, String> invalid = Map.of(
            "unknown feeder", event("FEEDER", "feeder-9", start, "PT1H", "REDUCE_LOAD_KW", "250", "1200"),
            "unknown region", event("REGION", "atlantis", start, "PT1H", "REDUCE_LOAD_KW", "250", "1200"),
            "end before start", event("FEEDER", "feeder-1", start, "-PT1H", "REDUCE_LOAD_KW", "250", "1200"),
            "zero duration", event("FEEDER", "feeder-1", start, "PT0S", "REDUCE_LOAD_KW", "250", "1200"),
            "negative kW", event("FEEDER", "feeder-1", start, "PT1H", "REDUCE_LOAD_KW", "-5", "1200"),
            "zero kW", event("FEEDER", "feeder-1", start, "PT1H", "INCREASE_LOAD_KW", "0", "1200"),
            "fractional rate", event("FEEDER", "feeder-1", start, "PT1H", "REDUCE_LOAD_KW", "250", "12.5"),
            "bad target type", event("HOUSE", "feeder-1", start, "PT1H", "REDUCE_LOAD_KW", "250", "1200"),
            "malformed json", "{\"targets\":[",
            "bad start", good.replace(start.toString(), "tomorrow"));
        for (Map.Entry<String, String> bad : invalid.entrySet()) {
          HttpResponse<String> r = call(port, "POST", "/events", gridco, bad.getValue());
          assertThat(r.statusCode()).as(bad.getKey() + ": " + r.body()).isEqualTo(400);
          JsonNode err = JSON.readTree(r.body());
          assertThat(err.path("error").asText()).as(bad.getKey()).isNotBlank();
          assertThat(err.path("detail").asText()).as(bad.getKey()).isNotBlank();
        }

        HttpResponse<String> created = call(port, "POST", "/events", gridco, good);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).get("id").asText();
        HttpResponse<String> substation = call(port, "POST", "/events", gridco,
            event("SUBSTATION", "sub-1", start, "PT30M", "INCREASE_LOAD_KW", "80", "900"));
        assertThat(substation.statusCode()).isEqualTo(201);

        JsonNode list = JSON.readTree(call(port, "GET", "/events", gridco, null).body());
        assertThat(list).hasSize(2);
        assertThat(JSON.readTree(call(port, "GET", "/events", other, null).body())).isEmpty();
        assertThat(call(port, "GET", "/events/" + id, other, null).statusCode()).isEqualTo(404);
        assertThat(call(port, "DELETE", "/events/" + id, other, null).statusCode()).isEqualTo(404);
        JsonNode got = JSON.readTree(call(port, "GET", "/events/" + id, gridco, null).body());
        assertThat(got.at("/intervals/0/payloads/0/values/0").asDouble()).isEqualTo(250.5);
        assertThat(got.at("/intervalPeriod/duration").asText()).isEqualTo("PT1H");

        HttpResponse<String> cancelled = call(port, "DELETE", "/events/" + id, gridco, null);
        assertThat(cancelled.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(cancelled.body()).get("status").asText()).isEqualTo("CANCELLED");

        List<DrEvent> inKafka = read(kafka, topic);
        assertThat(inKafka).hasSize(3);
        DrEvent first = inKafka.stream().filter(e -> e.getEventId().equals(id) && e.getVersion() == 1).findFirst().orElseThrow();
        assertThat(first.getUtilityId()).isEqualTo("gridco");
        assertThat(first.getTargetW()).isEqualTo(250_500L);
        assertThat(first.getRate()).isEqualTo(1200L);
        assertThat(first.getEnd()).isEqualTo(start.plus(1, ChronoUnit.HOURS));
        assertThat(inKafka).filteredOn(e -> e.getEventId().equals(id) && e.getVersion() == 2)
            .singleElement().extracting(DrEvent::getStatus).isEqualTo(DrStatus.CANCELLED);

        // a restarted API knows the events from the topic
        DrEvents reloaded = new DrEvents(out::send, topic, clock).loadFrom(kafka.consumerProperties("dr2"));
        assertThat(reloaded.list("gridco")).hasSize(2);
        assertThat(reloaded.get("gridco", id).orElseThrow().getStatus()).isEqualTo(DrStatus.CANCELLED);
      }
    }
  }

  private static List<DrEvent> read(TestKafka kafka, String topic) {
    AvroSerde<DrEvent> serde = AvroSerde.of(DrEvent.class);
    List<DrEvent> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.consumerProperties("read"), new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          DrEvent e = serde.decode(r.value());
          assertThat(r.key()).isEqualTo(e.getEventId());
          out.add(e);
        }
      }
    }
    return out;
  }
}
