package io.onder.flink.rewards;

import io.onder.avro.DeviceIntervalEnergy;
import io.onder.avro.DrDelivery;
import io.onder.avro.FeederIntervalState;
import io.onder.schemas.AvroSerde;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One record of the rewards job's input: a device interval, a feeder interval or a verified DR delivery, read by one
 * Kafka source from the three topics so all share one watermark. (Two sources would let one go idle and a settlement
 * period close before the other's network fees or DR payments arrive.)
 */
public class RewardsInput {
  public DeviceIntervalEnergy energy;
  public FeederIntervalState feeder;
  public DrDelivery delivery;

  public RewardsInput() {}

  public long intervalEnd() {
    if (energy != null) return energy.getIntervalEnd().toEpochMilli();
    return feeder != null ? feeder.getIntervalEnd().toEpochMilli() : delivery.getIntervalEnd().toEpochMilli();
  }

  /** Reads either topic into a RewardsInput, by the topic the record came from. */
  public static final class Deserializer implements KafkaRecordDeserializationSchema<RewardsInput> {
    private static final long serialVersionUID = 1L;
    private final String feederTopic;
    private final String deliveryTopic;
    private transient AvroSerde<DeviceIntervalEnergy> energySerde;
    private transient AvroSerde<FeederIntervalState> feederSerde;
    private transient AvroSerde<DrDelivery> deliverySerde;

    public Deserializer(String feederTopic, String deliveryTopic) {
      this.feederTopic = feederTopic;
      this.deliveryTopic = deliveryTopic;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RewardsInput> out) {
      if (energySerde == null) {
        energySerde = AvroSerde.of(DeviceIntervalEnergy.class);
        feederSerde = AvroSerde.of(FeederIntervalState.class);
        deliverySerde = AvroSerde.of(DrDelivery.class);
      }
      RewardsInput in = new RewardsInput();
      if (record.topic().equals(feederTopic)) in.feeder = feederSerde.decode(record.value());
      else if (record.topic().equals(deliveryTopic)) in.delivery = deliverySerde.decode(record.value());
      else in.energy = energySerde.decode(record.value());
      out.collect(in);
    }

    @Override
    public TypeInformation<RewardsInput> getProducedType() {
      return TypeInformation.of(RewardsInput.class);
    }
  }
}
