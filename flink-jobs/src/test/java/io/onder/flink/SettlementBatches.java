package io.onder.flink;

import io.onder.avro.OwedAmount;
import io.onder.avro.SettlementBatch;
import io.onder.schemas.AvroSerde;
import io.onder.schemas.Topics;
import io.onder.testkit.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a test's settlement batches (committed only) and folds them as the bridge does: each owner is owed the
 * cumulative amount of the latest batch naming it. A straggler settles in a further batch of its period, so the
 * owed amounts of a period are complete once they stop changing or match what is expected.
 */
final class SettlementBatches {
  final List<SettlementBatch> batches = new ArrayList<>();

  Map<String, Long> owed(long uptoPeriod) {
    Map<String, Long> owed = new TreeMap<>();
    for (SettlementBatch b : batches) {
      if (b.getSettlementPeriod() > uptoPeriod) continue;
      for (OwedAmount o : b.getOwed()) owed.put(o.getOwner(), o.getCumulativeAmount());
    }
    return owed;
  }

  /** Polls the batches until the owed amounts up to {@code period} equal {@code expected}, or the deadline passes. */
  static SettlementBatches await(TestKafka kafka, long period, Map<String, Long> expected, Duration timeout) {
    SettlementBatches s = new SettlementBatches();
    try (var c = new KafkaConsumer<>(kafka.consumerProperties("check-batches"), new StringDeserializer(), AvroSerde.of(SettlementBatch.class))) {
      c.subscribe(List.of(kafka.topic(Topics.SETTLEMENT_BATCHES)));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline && !s.owed(period).equals(expected)) {
        c.poll(Duration.ofMillis(200)).forEach(r -> s.batches.add(r.value()));
      }
    }
    return s;
  }
}
