package io.onder.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer and deserializer for one generated Avro record class using Avro's single-object encoding:
 * every message starts with the marker and the 64-bit fingerprint of its writer schema, so a consumer can tell
 * which schema wrote it and resolve older versions registered with {@link #withOlder(Schema)}.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serializer<T>, Deserializer<T> {
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  private final String type;

  private AvroSerde(Class<T> type, Schema schema) {
    this.type = schema.getFullName();
    SpecificData model = SpecificData.getForClass(type);
    // no copy inside the encoder: serialize copies the bytes out of its thread's buffer once
    this.encoder = new BinaryMessageEncoder<>(model, schema, false);
    this.decoder = new BinaryMessageDecoder<>(model, schema, new SchemaStore.Cache());
  }

  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return new AvroSerde<>(type, SpecificData.get().getSchema(type));
  }

  /** Lets this serde read messages written with an older version of the schema. */
  public AvroSerde<T> withOlder(Schema writerSchema) {
    decoder.addSchema(writerSchema);
    return this;
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) return null;
    try {
      ByteBuffer buf = encoder.encode(record);
      byte[] out = new byte[buf.remaining()];
      buf.get(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + record.getSchema().getFullName(), e);
    }
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) return null;
    try {
      return decoder.decode(data);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode a message of topic " + topic, e);
    } catch (AvroRuntimeException e) {
      throw new IllegalArgumentException("cannot decode a message of topic " + topic + " as " + type + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void configure(java.util.Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}

  public byte[] encode(T record) {
    return serialize(null, record);
  }

  public T decode(byte[] data) {
    return deserialize(null, data);
  }
}
