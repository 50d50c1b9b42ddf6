package io.onder.cli.demo;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.onder.avro.SettlementReceipt;
import io.onder.schemas.AvroSerde;
import io.onder.schemas.Topics;
import io.onder.simulator.FleetPlan;
import io.onder.stack.LedgerTotals;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What a demo run produced, read back from where the pipeline put it: Kafka, Cassandra, the bridge's receipts. */
public final class DemoFigures {
  /** One feeder interval as the grid view needs it. */
  public record FeederPoint(long start, long netW, long capacityW, long reverseW, String stress, long importMilliWh, long exportMilliWh,
      double localMatch, double cleanShare) {}

  public final Map<String, List<FeederPoint>> feeders = new TreeMap<>();
  public long readingsInKafka;
  public long importMilliWh;
  public long exportMilliWh;
  public long localMilliWh;
  public long cleanConsumedMilliWh;
  public long peakStressMilliWh;
  public long surplusStressMilliWh;
  public int peakIntervals;
  public int surplusIntervals;
  public LedgerTotals ledger;
  public int settlementTxs;
  public long gasUsed;
  public long paidOnChain;
  public int batches;
  public final List<DrPoint> dr = new ArrayList<>();

  /** The DR event's target against verified delivery, per interval. */
  public record DrPoint(long start, long targetMilliWh, long deliveredMilliWh, int devices) {}

  static DemoFigures collect(CqlSession ks, String bootstrap, String prefix, FleetPlan plan, List<Integer> days) {
    DemoFigures f = new DemoFigures();
    f.readingsInKafka = count(bootstrap, prefix + Topics.READINGS);
    for (FleetPlan.Feeder feeder : plan.feederList()) {
      List<FeederPoint> points = new ArrayList<>();
      List<Row> rows = new ArrayList<>();
      for (int day : days) {
        rows.addAll(ks.execute("SELECT interval_start, net_w, capacity_w, reverse_flow_limit_w, stress, import_milli_wh, export_milli_wh, "
            + "local_match, clean_share FROM feeder_interval WHERE feeder_id = ? AND day = ?", feeder.feederId(), day).all());
      }
      for (Row r : rows) {
        FeederPoint p = new FeederPoint(r.getInstant(0).toEpochMilli(), r.getLong(1), r.getLong(2), r.getLong(3), r.getString(4), r.getLong(5),
            r.getLong(6), r.getDouble(7), r.getDouble(8));
        points.add(p);
        f.importMilliWh += p.importMilliWh();
        f.exportMilliWh += p.exportMilliWh();
        long local = Math.round(p.localMatch() * p.exportMilliWh());
        f.localMilliWh += local;
        f.cleanConsumedMilliWh += Math.round(p.cleanShare() * p.importMilliWh());
        if ("PEAK".equals(p.stress())) {
          f.peakIntervals++;
          f.peakStressMilliWh += p.importMilliWh();
        } else if ("SURPLUS".equals(p.stress())) {
          f.surplusIntervals++;
          f.surplusStressMilliWh += p.exportMilliWh();
        }
      }
      points.sort((a, b) -> Long.compare(a.start(), b.start()));
      f.feeders.put(feeder.feederId(), points);
    }
    f.ledger = LedgerTotals.read(bootstrap, prefix + Topics.LEDGER, Duration.ofMinutes(3));
    readReceipts(f, bootstrap, prefix + Topics.SETTLEMENT_RECEIPTS);
    return f;
  }

  /** Records in a topic (the readings topic is never compacted and nothing was deleted in a demo run). */
  static long count(String bootstrap, String topic) {
    try (var c = new KafkaConsumer<>(PipelineRun.readCommitted(bootstrap), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts); // offsets of partitions it is not assigned: the consumer logs a warning for each
      long n = 0;
      var end = c.endOffsets(parts, Duration.ofSeconds(10));
      var begin = c.beginningOffsets(parts, Duration.ofSeconds(10));
      for (TopicPartition tp : parts) n += end.get(tp) - begin.get(tp);
      return n;
    }
  }

  /** Every key written to a topic (committed records), read from the beginning to the end offsets of now. */
  static List<String> keys(String bootstrap, String topic) {
    List<String> out = new ArrayList<>();
    PipelineRun.readToEnd(bootstrap, topic, new StringDeserializer(), new ByteArrayDeserializer(), Duration.ofSeconds(60), r -> out.add(r.key()));
    return out;
  }

  private static void readReceipts(DemoFigures f, String bootstrap, String topic) {
    java.util.Set<String> batches = new java.util.HashSet<>();
    PipelineRun.readToEnd(bootstrap, topic, new StringDeserializer(), AvroSerde.of(SettlementReceipt.class), Duration.ofSeconds(60), r -> {
      SettlementReceipt rec = r.value();
      f.settlementTxs++;
      f.gasUsed += rec.getGasUsed();
      f.paidOnChain += rec.getPaidTotal();
      batches.add(rec.getBatchId());
    });
    f.batches = batches.size();
  }

  /**
   * The DR event's verified delivery per interval of its window against its target (kW over each interval); an
   * interval nobody was verified in shows nothing delivered.
   */
  void loadDr(CqlSession ks, String eventId, long startMillis, long endMillis, long targetW, long intervalMillis) {
    if (eventId == null) return;
    Map<Long, long[]> byInterval = new TreeMap<>();
    for (long t = startMillis; t < endMillis; t += intervalMillis) byInterval.put(t, new long[2]);
    for (Row r : ks.execute("SELECT interval_start, delivered_milli_wh, device_id FROM dr_delivery WHERE event_id = ?", eventId)) {
      long[] a = byInterval.computeIfAbsent(r.getInstant(0).toEpochMilli(), k -> new long[2]);
      a[0] += r.getLong(1);
      a[1]++;
    }
    long target = targetW * intervalMillis / 3_600; // W over the interval, in mWh
    byInterval.forEach((start, a) -> dr.add(new DrPoint(start, target, a[0], (int) a[1])));
    drEventId = eventId;
  }

  public String drEventId;

  public long drTargetMilliWh() {
    return dr.stream().mapToLong(DrPoint::targetMilliWh).sum();
  }

  public long drDeliveredMilliWh() {
    return dr.stream().mapToLong(DrPoint::deliveredMilliWh).sum();
  }

  public static String kwh(long milliWh) {
    return String.format("%,.1f kWh", milliWh / 1_000_000.0);
  }

  public static String sstar(long baseUnits) {
    return String.format("%,.6f S*", baseUnits / 1_000_000.0);
  }

  static Instant at(long millis) {
    return Instant.ofEpochMilli(millis);
  }
}
