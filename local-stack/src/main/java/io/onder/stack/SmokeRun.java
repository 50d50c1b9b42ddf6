package io.onder.stack;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.onder.avro.DeviceReading;
import io.onder.avro.EnergySource;
import io.onder.schemas.AvroSerde;
import io.onder.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The smallest honest walk through the stack: a reading is produced to Kafka (acks=all, Avro single-object
 * encoding), read back from Kafka, written to Cassandra, read back from Cassandra, and the chain answers its id.
 */
public final class SmokeRun {
  public record Result(String deviceId, long seq, int partition, long offset, long importMilliWh, long chainId, Duration took) {}

  private SmokeRun() {}

  public static Result run(LocalStack stack, String topicPrefix, String keyspace) throws Exception {
    long t0 = System.nanoTime();
    String topic = topicPrefix + Topics.READINGS;
    String deviceId = "smoke-" + UUID.randomUUID().toString().substring(0, 8);
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    DeviceReading reading = DeviceReading.newBuilder().setDeviceId(deviceId).setSeq(1).setTime(now).setReceivedAt(now)
        .setImportMilliWh(1_000_500L).setExportMilliWh(0L).setPowerW(420.0).setExportSource(EnergySource.UNKNOWN).build();
    AvroSerde<DeviceReading> serde = AvroSerde.of(DeviceReading.class);

    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    var meta = new Object() { int partition; long offset; };
    try (KafkaProducer<String, DeviceReading> p = new KafkaProducer<>(pp, new StringSerializer(), serde)) {
      var m = p.send(new ProducerRecord<>(topic, deviceId, reading)).get();
      meta.partition = m.partition();
      meta.offset = m.offset();
    }

    Properties cp = new Properties();
    cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
    cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    DeviceReading back = null;
    try (KafkaConsumer<String, DeviceReading> c = new KafkaConsumer<>(cp, new StringDeserializer(), serde)) {
      TopicPartition tp = new TopicPartition(topic, meta.partition);
      c.assign(List.of(tp));
      c.seek(tp, meta.offset);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (back == null && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, DeviceReading> r : c.poll(Duration.ofMillis(200))) {
          if (r.offset() == meta.offset) back = r.value();
        }
      }
    }
    if (back == null || !back.equals(reading)) throw new IllegalStateException("the reading did not come back from Kafka intact");

    long stored;
    try (CqlSession s = stack.cassandra().session(keyspace)) {
      int day = Integer.parseInt(back.getTime().atZone(ZoneOffset.UTC).toLocalDate().toString().replace("-", ""));
      s.execute("INSERT INTO readings_by_device (device_id, day, ts, seq, import_milli_wh, export_milli_wh, power_w) VALUES (?,?,?,?,?,?,?)",
          back.getDeviceId(), day, back.getTime(), back.getSeq(), back.getImportMilliWh(), back.getExportMilliWh(), back.getPowerW());
      Row row = s.execute("SELECT import_milli_wh FROM readings_by_device WHERE device_id = ? AND day = ?", deviceId, day).one();
      if (row == null) throw new IllegalStateException("the reading is not in Cassandra");
      stored = row.getLong(0);
    }
    long chainId = Long.decode(stack.anvil().call("eth_chainId"));
    return new Result(deviceId, back.getSeq(), meta.partition, meta.offset, stored, chainId, Duration.ofNanos(System.nanoTime() - t0));
  }
}
