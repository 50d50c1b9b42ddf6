package io.onder.flink.dr;

import io.onder.avro.DeviceIntervalEnergy;
import io.onder.avro.DrEvent;
import io.onder.schemas.AvroSerde;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record of the DR job's input: a device interval (energy, from the quality job) or a DR event, read by one
 * Kafka source from both topics so that both share one watermark: dispatch, verification and release are driven by
 * the event time of the energy, and a quiet DR topic goes idle instead of holding it back. {@code regionId} is set
 * by {@link RouteToRegion}: every DR target lies inside one region, so the region is the key.
 */
public class DrInput {
  public DeviceIntervalEnergy energy;
  public DrEvent event;
  public String regionId;

  public DrInput() {}

  public static DrInput of(DeviceIntervalEnergy e) {
    DrInput in = new DrInput();
    in.energy = e;
    return in;
  }

  public static DrInput of(DrEvent e) {
    DrInput in = new DrInput();
    in.event = e;
    return in;
  }

  /** Event time: the end of the interval for energy, the posting time for a DR event. */
  public long timestamp() {
    return energy != null ? energy.getIntervalEnd().toEpochMilli() : event.getCreatedAt().toEpochMilli();
  }

  /** Reads either topic into a DrInput, by the topic the record came from. */
  public static final class Deserializer implements KafkaRecordDeserializationSchema<DrInput> {
    private static final long serialVersionUID = 1L;
    private final String eventTopic;
    private transient AvroSerde<DeviceIntervalEnergy> energySerde;
    private transient AvroSerde<DrEvent> eventSerde;

    public Deserializer(String eventTopic) {
      this.eventTopic = eventTopic;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DrInput> out) {
      if (energySerde == null) {
        energySerde = AvroSerde.of(DeviceIntervalEnergy.class);
        eventSerde = AvroSerde.of(DrEvent.class);
      }
      if (record.value() == null) return; // a tombstone on the compacted event topic
      out.collect(record.topic().equals(eventTopic) ? of(eventSerde.decode(record.value())) : of(energySerde.decode(record.value())));
    }

    @Override
    public TypeInformation<DrInput> getProducedType() {
      return TypeInformation.of(DrInput.class);
    }
  }
}
