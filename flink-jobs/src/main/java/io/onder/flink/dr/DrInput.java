package io.onder.flink.dr;

import io.onder.avro.CommandAck;
import io.onder.avro.DeviceIntervalEnergy;
import io.onder.avro.DrEvent;
import io.onder.schemas.AvroSerde;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record of the DR job's input: a device interval (energy, from the quality job), a DR event or a device's
 * answer to a dispatch command (from the gateway), read by one Kafka source from the three topics so that all share
 * one watermark: dispatch, verification and release are driven by the event time of the energy, and a quiet DR or
 * answer topic goes idle instead of holding it back. {@code regionId} is set by {@link RouteToRegion}: every DR
 * target lies inside one region, so the region is the key.
 */
public class DrInput {
  public DeviceIntervalEnergy energy;
  public DrEvent event;
  public CommandAck ack;
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

  public static DrInput of(CommandAck a) {
    DrInput in = new DrInput();
    in.ack = a;
    return in;
  }

  /** Event time: the end of the interval for energy, the posting time for a DR event, the answer's time for an ack. */
  public long timestamp() {
    if (energy != null) return energy.getIntervalEnd().toEpochMilli();
    return ack != null ? ack.getAckedAt().toEpochMilli() : event.getCreatedAt().toEpochMilli();
  }

  /** Reads any of the topics into a DrInput, by the topic the record came from (energy: any other topic). */
  public static final class Deserializer implements KafkaRecordDeserializationSchema<DrInput> {
    private static final long serialVersionUID = 1L;
    private final String eventTopic;
    private final String ackTopic;
    private transient AvroSerde<DeviceIntervalEnergy> energySerde;
    private transient AvroSerde<DrEvent> eventSerde;
    private transient AvroSerde<CommandAck> ackSerde;

    public Deserializer(String eventTopic, String ackTopic) {
      this.eventTopic = eventTopic;
      this.ackTopic = ackTopic;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<DrInput> out) {
      if (energySerde == null) {
        energySerde = AvroSerde.of(DeviceIntervalEnergy.class);
        eventSerde = AvroSerde.of(DrEvent.class);
        ackSerde = AvroSerde.of(CommandAck.class);
      }
      if (record.value() == null) return; // a tombstone on the compacted event topic
      if (record.topic().equals(eventTopic)) out.collect(of(eventSerde.decode(record.value())));
      else if (record.topic().equals(ackTopic)) out.collect(of(ackSerde.decode(record.value())));
      else out.collect(of(energySerde.decode(record.value())));
    }

    @Override
    public TypeInformation<DrInput> getProducedType() {
      return TypeInformation.of(DrInput.class);
    }
  }
}
