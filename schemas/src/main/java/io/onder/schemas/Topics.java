package io.onder.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Kafka topics of Onder, as declared in {@code onder/kafka-topics.json}. */
public final class Topics {
  public static final String READINGS = "onder.readings.v1";
  public static final String DR_EVENTS = "onder.dr-events.v1";
  public static final String DISPATCH = "onder.dispatch.v1";
  public static final String COMMAND_ACKS = "onder.command-acks.v1";
  public static final String INTERVAL_ENERGY = "onder.interval-energy.v1";
  public static final String FEEDER_STATE = "onder.feeder-state.v1";
  public static final String DR_DELIVERY = "onder.dr-delivery.v1";
  public static final String LEDGER = "onder.ledger.v1";
  public static final String SETTLEMENT_BATCHES = "onder.settlement-batches.v1";
  public static final String SETTLEMENT_RECEIPTS = "onder.settlement-receipts.v1";

  /** One topic: its partitions and its topic-level configs (retention, cleanup policy...). */
  public record TopicSpec(String name, int partitions, Map<String, String> configs) {}

  private Topics() {}

  /** Reads the versioned topic definitions shipped with this module. */
  public static List<TopicSpec> definitions() {
    try (InputStream in = Topics.class.getResourceAsStream("/onder/kafka-topics.json")) {
      if (in == null) throw new IllegalStateException("onder/kafka-topics.json is missing from the classpath");
      JsonNode root = new ObjectMapper().readTree(in);
      List<TopicSpec> out = new ArrayList<>();
      for (JsonNode t : root.get("topics")) {
        Map<String, String> configs = new LinkedHashMap<>();
        t.path("configs").fields().forEachRemaining(e -> configs.put(e.getKey(), e.getValue().asText()));
        out.add(new TopicSpec(t.get("name").asText(), t.get("partitions").asInt(), configs));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
