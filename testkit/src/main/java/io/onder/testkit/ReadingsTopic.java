package io.onder.testkit;

import io.onder.avro.DeviceReading;
import io.onder.schemas.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads everything in the test's readings topic from the beginning. */
public final class ReadingsTopic {
  private static final AvroSerde<DeviceReading> SERDE = AvroSerde.of(DeviceReading.class);

  private ReadingsTopic() {}

  /** Everything in the topic now: reads every partition up to the end offsets taken at the call. */
  public static List<DeviceReading> readAll(TestKafka kafka, String topic) {
    List<DeviceReading> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = fromStart(kafka, topic)) {
      java.util.Set<TopicPartition> parts = c.assignment();
      java.util.Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) throw new AssertionError("could not read " + topic + " to its end in 60 s");
        poll(c, out);
      }
    }
    return out;
  }

  /** Polls until {@code done} holds for what was read (or the deadline passes) and returns all of it. */
  public static List<DeviceReading> readUntil(TestKafka kafka, String topic, Duration timeout, Predicate<List<DeviceReading>> done) {
    List<DeviceReading> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = fromStart(kafka, topic)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline && !done.test(out)) poll(c, out);
    }
    return out;
  }

  /** A consumer of every partition of {@code topic}, at its beginning. */
  private static KafkaConsumer<String, byte[]> fromStart(TestKafka kafka, String topic) {
    Properties p = kafka.consumerProperties("check-" + System.nanoTime());
    KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> parts = c.partitionsFor(topic).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    c.assign(parts);
    c.seekToBeginning(parts);
    return c;
  }

  /** One poll's readings, each checked to be keyed by its own device. */
  private static void poll(KafkaConsumer<String, byte[]> c, List<DeviceReading> out) {
    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
      DeviceReading d = SERDE.decode(r.value());
      if (!d.getDeviceId().equals(r.key())) throw new AssertionError("record keyed " + r.key() + " holds " + d.getDeviceId());
      out.add(d);
    }
  }
}
