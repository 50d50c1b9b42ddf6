package io.onder.ingest.commands;

import io.onder.avro.DispatchCommand;
import io.onder.schemas.AvroSerde;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of the dispatch topic (every gateway needs every command: it does not know which gateway a
 * device talks to), starting {@code lookback} in the past so a restarted gateway still knows running commands.
 * No consumer group: nothing to commit, the book is rebuilt from the log.
 */
public final class DispatchListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DispatchListener.class);
  private static final AvroSerde<DispatchCommand> SERDE = AvroSerde.of(DispatchCommand.class);

  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  public DispatchListener(Properties overrides, String topic, Duration lookback, CommandBook book, long nowMillis) {
    Properties p = new Properties();
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "onder-ingest-dispatch");
    p.putAll(overrides);
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    thread = new Thread(() -> run(topic, lookback, book, nowMillis), "onder-ingest-dispatch");
    thread.setDaemon(true);
    thread.start();
  }

  private void run(String topic, Duration lookback, CommandBook book, long nowMillis) {
    try {
      List<TopicPartition> parts = null;
      while (running && (parts == null || parts.isEmpty())) {
        try {
          parts = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
              .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        } catch (org.apache.kafka.common.errors.TimeoutException kafkaNotThereYet) {
          parts = null;
        }
        if ((parts == null || parts.isEmpty()) && running) {
          LOG.warn("dispatch topic {} not available yet; retrying", topic);
          try {
            Thread.sleep(1000); // a retry pace, not a wait for a result
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
      consumer.assign(parts);
      Map<TopicPartition, Long> since = new HashMap<>();
      for (TopicPartition tp : parts) since.put(tp, nowMillis - lookback.toMillis());
      Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(since, Duration.ofSeconds(10));
      for (TopicPartition tp : parts) {
        OffsetAndTimestamp o = offsets.get(tp);
        if (o == null) consumer.seekToEnd(List.of(tp));
        else consumer.seek(tp, o.offset());
      }
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          try {
            DispatchCommand c = SERDE.decode(r.value());
            book.add(new Command(c.getCommandId(), c.getEventId(), c.getDeviceId(), c.getAction().name(), c.getRequestedW(),
                c.getStart().toEpochMilli(), c.getEnd().toEpochMilli(), c.getRound(), c.getIssuedAt().toEpochMilli()));
          } catch (RuntimeException bad) {
            LOG.warn("skipping an undecodable dispatch record at {}-{}@{}", r.topic(), r.partition(), r.offset());
          }
        }
      }
    } catch (WakeupException stopping) {
      // close() woke us
    } catch (RuntimeException e) {
      if (running) LOG.error("dispatch listener stopped", e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
