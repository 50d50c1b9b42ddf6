package io.onder.flink.io;

import io.onder.schemas.AvroSerde;
import java.util.Properties;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** Kafka sources and sinks of Onder's Avro records (single-object encoded, keyed as the topic's definition says). */
public final class AvroKafka {
  private AvroKafka() {}

  public static <T extends SpecificRecord> KafkaSource<T> source(String bootstrap, String topic, String groupId, Class<T> type,
      OffsetsInitializer start) {
    return KafkaSource.<T>builder()
        .setBootstrapServers(bootstrap)
        .setTopics(topic)
        .setGroupId(groupId)
        .setStartingOffsets(start)
        .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
        .setProperty("partition.discovery.interval.ms", "60000")
        .setValueOnlyDeserializer(new AvroDeserializer<>(type))
        .build();
  }

  /**
   * An exactly-once sink: records are written in Kafka transactions committed with Flink's checkpoints, so a
   * consumer reading committed data sees each record once even across failures.
   */
  public static <T extends SpecificRecord> KafkaSink<T> exactlyOnceSink(String bootstrap, String topic, Class<T> type,
      SerializableKey<T> key, String transactionalIdPrefix) {
    Properties p = new Properties();
    p.setProperty("transaction.timeout.ms", "600000");
    return KafkaSink.<T>builder()
        .setBootstrapServers(bootstrap)
        .setKafkaProducerConfig(p)
        .setRecordSerializer(KafkaRecordSerializationSchema.<T>builder()
            .setTopic(topic)
            .setKeySerializationSchema((SerializationSchema<T>) r -> key.apply(r).getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .setValueSerializationSchema(new AvroSerializer<>(type))
            .build())
        .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
        .setTransactionalIdPrefix(transactionalIdPrefix)
        .build();
  }

  /** The record key, e.g. the device id. */
  public interface SerializableKey<T> extends Function<T, String>, java.io.Serializable {}

  static final class AvroDeserializer<T extends SpecificRecord> implements DeserializationSchema<T> {
    private static final long serialVersionUID = 1L;
    private final Class<T> type;
    private transient AvroSerde<T> serde;

    AvroDeserializer(Class<T> type) {
      this.type = type;
    }

    @Override
    public T deserialize(byte[] message) {
      if (serde == null) serde = AvroSerde.of(type);
      return serde.decode(message);
    }

    @Override
    public boolean isEndOfStream(T nextElement) {
      return false;
    }

    @Override
    public TypeInformation<T> getProducedType() {
      return TypeInformation.of(type);
    }
  }

  static final class AvroSerializer<T extends SpecificRecord> implements SerializationSchema<T> {
    private static final long serialVersionUID = 1L;
    private final Class<T> type;
    private transient AvroSerde<T> serde;

    AvroSerializer(Class<T> type) {
      this.type = type;
    }

    @Override
    public byte[] serialize(T element) {
      if (serde == null) serde = AvroSerde.of(type);
      return serde.encode(element);
    }
  }
}
