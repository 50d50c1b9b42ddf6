package io.onder.stack;

import io.onder.avro.RewardEntry;
import io.onder.schemas.AvroSerde;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole ledger topic (committed records only) and totals it by reason and by account. */
public final class LedgerTotals {
  public final Map<String, Long> byReason = new TreeMap<>();
  public final Map<String, Long> byAccount = new TreeMap<>();
  public long lines;
  public String rulebookVersion = "";

  private LedgerTotals() {}

  public static LedgerTotals read(String bootstrap, String topic, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    LedgerTotals t = new LedgerTotals();
    try (var c = new KafkaConsumer<>(p, new StringDeserializer(), AvroSerde.of(RewardEntry.class))) {
      List<TopicPartition> parts = c.partitionsFor(topic, timeout).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("could not read " + topic + " to its end in " + timeout.toSeconds() + " s");
        for (var r : c.poll(Duration.ofMillis(200))) {
          RewardEntry e = r.value();
          t.lines++;
          t.byReason.merge(e.getReason().name(), e.getAmount(), Long::sum);
          if (e.getAmount() > 0) t.byAccount.merge(e.getAccount(), e.getAmount(), Long::sum);
          t.rulebookVersion = e.getRulebookVersion();
        }
      }
    }
    return t;
  }
}
