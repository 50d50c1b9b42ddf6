package io.onder.flink;

import io.onder.avro.DeviceIntervalEnergy;
import io.onder.avro.DeviceReading;
import io.onder.avro.FeederIntervalState;
import io.onder.flink.io.AvroKafka;
import io.onder.flink.io.CassandraSink;
import io.onder.flink.io.KeepActive;
import io.onder.flink.quality.AssignFeeder;
import io.onder.flink.quality.DeviceEnergy;
import io.onder.flink.quality.DeviceIntervalFunction;
import io.onder.flink.quality.FeederIntervalFunction;
import io.onder.flink.quality.SubstationIntervals;
import io.onder.flink.registry.RegistryHolder;
import io.onder.schemas.Topics;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The energy-quality job: device readings → energy per device and interval → quality of every kWh and the state of
 * every feeder. Results go to Cassandra (device_interval, feeder_interval) and, exactly once, to Kafka for the
 * rewards and DR jobs.
 */
public final class QualityJob {
  private final JobArgs args;
  private final Source<DeviceReading, ?, ?> readings;
  private final RegistryHolder registry;

  public QualityJob(JobArgs args, Source<DeviceReading, ?, ?> readings, RegistryHolder registry) {
    this.args = args;
    this.readings = readings;
    this.registry = registry;
  }

  /** Builds the pipeline on {@code env}; the sinks are those of the local stack or the cluster. */
  public void build(StreamExecutionEnvironment env, Sink<DeviceIntervalEnergy> energyKafka, Sink<FeederIntervalState> feederKafka) {
    // Chained operators hand records on without a defensive copy (an Avro deep copy or a POJO copy per record and per
    // consumer). Safe here: every function emits records it built, and the one that changes its input
    // (AssignFeeder) is its producer's only consumer.
    env.getConfig().enableObjectReuse();
    DataStream<DeviceReading> in = env.fromSource(readings, args.<DeviceReading>watermarks((r, ts) -> r.getTime().toEpochMilli()), "readings")
        .uid("readings-source");

    SingleOutputStreamOperator<DeviceEnergy> perDevice = in
        .keyBy(DeviceReading::getDeviceId)
        .process(new DeviceIntervalFunction(args.intervalMillis(), Duration.ofDays(7).toMillis()))
        .name("device-interval-energy").uid("device-interval-energy");

    SingleOutputStreamOperator<DeviceEnergy> withFeeder = perDevice
        .process(new AssignFeeder(registry)).name("assign-feeder").uid("assign-feeder");

    SingleOutputStreamOperator<DeviceIntervalEnergy> quality = KeepActive.of(withFeeder, "device-energy-active")
        .keyBy(e -> e.feederId)
        .process(new FeederIntervalFunction(registry, args.rulebook(), args.intervalMillis(), args.graceMillis(),
            args.all().getLong("grid-clean-ppm", 300_000)))
        .name("feeder-quality").uid("feeder-quality");
    // The feeder states of a substation's interval leave together, marked with how many they are, so the network
    // fees (another job, across Kafka) settle each substation interval whole, whatever the topic's delivery order.
    DataStream<FeederIntervalState> feeders = KeepActive.of(quality.getSideOutput(FeederIntervalFunction.FEEDER_STATE), "feeder-state-active")
        .keyBy(f -> f.getSubstationId().toString())
        .process(new SubstationIntervals(args.intervalMillis(), args.graceMillis()))
        .name("substation-intervals").uid("substation-intervals");

    quality.sinkTo(new CassandraSink<>(args.cassandra(), args.keyspace(), Rows.DEVICE_INTERVAL)).name("cassandra-device-interval").uid("cassandra-device-interval");
    feeders.sinkTo(new CassandraSink<>(args.cassandra(), args.keyspace(), Rows.FEEDER_INTERVAL)).name("cassandra-feeder-interval").uid("cassandra-feeder-interval");
    if (energyKafka != null) quality.sinkTo(energyKafka).name("kafka-interval-energy").uid("kafka-interval-energy");
    if (feederKafka != null) feeders.sinkTo(feederKafka).name("kafka-feeder-state").uid("kafka-feeder-state");
  }

  /** The job on Kafka and Cassandra as {@code args} name them: what {@code main} deploys and the tests run. */
  public static void onKafka(StreamExecutionEnvironment env, JobArgs args, OffsetsInitializer start, RegistryHolder registry) {
    String group = args.groupPrefix() + "-quality";
    new QualityJob(args, AvroKafka.source(args.kafka(), args.topic(Topics.READINGS), group, DeviceReading.class, start), registry).build(env,
        AvroKafka.exactlyOnceSink(args.kafka(), args.topic(Topics.INTERVAL_ENERGY), DeviceIntervalEnergy.class,
            DeviceIntervalEnergy::getDeviceId, group + "-energy"),
        AvroKafka.exactlyOnceSink(args.kafka(), args.topic(Topics.FEEDER_STATE), FeederIntervalState.class,
            FeederIntervalState::getFeederId, group + "-feeder"));
  }

  public static void main(String[] argv) throws Exception {
    JobArgs args = JobArgs.parse(argv);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(args.checkpointMillis());
    onKafka(env, args, OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST),
        new RegistryHolder(RegistryHolder.cassandra(args.cassandra(), args.keyspace()), 30_000));
    env.execute("onder-quality");
  }
}
