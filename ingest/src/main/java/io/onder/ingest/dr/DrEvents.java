package io.onder.ingest.dr;

import io.onder.avro.DrDirection;
import io.onder.avro.DrEvent;
import io.onder.avro.DrStatus;
import io.onder.avro.TargetKind;
import io.onder.schemas.AvroSerde;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The DR events of all utilities: the compacted Kafka topic is the record (latest version of each event wins), this
 * class keeps its current view for list/get and writes every change there first. A utility sees only its own events.
 */
public final class DrEvents {
  /** Publishes one encoded record; completes when Kafka has it. */
  public interface Publisher {
    CompletableFuture<Void> send(String topic, String key, byte[] value);
  }

  static final AvroSerde<DrEvent> SERDE = AvroSerde.of(DrEvent.class);

  private final Map<String, DrEvent> events = new ConcurrentHashMap<>();
  private final Publisher publisher;
  private final String topic;
  private final Clock clock;

  public DrEvents(Publisher publisher, String topic, Clock clock) {
    this.publisher = publisher;
    this.topic = topic;
    this.clock = clock;
  }

  /** Reads the topic to its current end so a restarted API knows every event. */
  public DrEvents loadFrom(Properties consumer) {
    Properties p = new Properties();
    p.putAll(consumer);
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(30)).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          if (r.value() == null) events.remove(r.key());
          else {
            DrEvent e = SERDE.decode(r.value());
            events.merge(e.getEventId(), e, (a, b) -> b.getVersion() >= a.getVersion() ? b : a);
          }
        }
      }
    }
    return this;
  }

  public CompletableFuture<DrEvent> create(String utility, DrEventRequest req) {
    DrEvent e = DrEvent.newBuilder().setEventId(UUID.randomUUID().toString()).setUtilityId(utility)
        .setTargetKind(TargetKind.valueOf(req.targetLevel().name())).setTargetId(req.targetId())
        .setDirection(req.reduce() ? DrDirection.REDUCE : DrDirection.INCREASE).setTargetW(req.targetW())
        .setStart(req.start()).setEnd(req.end()).setRate(req.rate()).setStatus(DrStatus.ACTIVE).setVersion(1)
        .setCreatedAt(clock.instant()).build();
    return write(e);
  }

  public Optional<DrEvent> get(String utility, String eventId) {
    return Optional.ofNullable(events.get(eventId)).filter(e -> e.getUtilityId().equals(utility));
  }

  public List<DrEvent> list(String utility) {
    List<DrEvent> out = new ArrayList<>();
    for (DrEvent e : events.values()) if (e.getUtilityId().equals(utility)) out.add(e);
    out.sort(Comparator.comparing(DrEvent::getStart).thenComparing(DrEvent::getEventId));
    return out;
  }

  /** Empty when the event is not the utility's; the event as it is when it was already cancelled. */
  public Optional<CompletableFuture<DrEvent>> cancel(String utility, String eventId) {
    Optional<DrEvent> e = get(utility, eventId);
    if (e.isEmpty()) return Optional.empty();
    if (e.get().getStatus() == DrStatus.CANCELLED) return Optional.of(CompletableFuture.completedFuture(e.get()));
    DrEvent cancelled = DrEvent.newBuilder(e.get()).setStatus(DrStatus.CANCELLED).setVersion(e.get().getVersion() + 1).build();
    return Optional.of(write(cancelled));
  }

  private CompletableFuture<DrEvent> write(DrEvent e) {
    return publisher.send(topic, e.getEventId(), SERDE.encode(e)).thenApply(ok -> {
      events.merge(e.getEventId(), e, (a, b) -> b.getVersion() >= a.getVersion() ? b : a);
      return e;
    });
  }
}
