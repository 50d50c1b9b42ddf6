package io.onder.flink;

import io.onder.avro.DispatchCommand;
import io.onder.avro.DrDelivery;
import io.onder.flink.dr.CommandAnswerRow;
import io.onder.flink.dr.DemandResponseFunction;
import io.onder.flink.dr.DeviceReliability;
import io.onder.flink.dr.DrInput;
import io.onder.flink.dr.DrRows;
import io.onder.flink.dr.RouteToRegion;
import io.onder.flink.io.AvroKafka;
import io.onder.flink.io.CassandraSink;
import io.onder.flink.io.SourceWatermarks.Role;
import io.onder.flink.registry.RegistryHolder;
import io.onder.schemas.Topics;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The demand-response job: DR events, every device's interval energy (from the quality job) and devices' answers to
 * their commands (from the gateway) → dispatch commands at each event's start, re-dispatch on shortfall or refusal
 * and release at its end (Kafka, exactly once, for the gateway to push to devices) → verified delivery per device and
 * interval (Kafka, exactly once, for the rewards job to pay; Cassandra {@code dr_delivery}) → each device's
 * reliability (Cassandra {@code device_reliability}) → each commanded device's answer (Cassandra
 * {@code dr_command_ack}).
 *
 * <p>Options besides {@link JobArgs}: {@code --dr-min-soc-ppm} (default 100000) and {@code --dr-max-soc-ppm}
 * (default 1000000), the state-of-charge floor and ceiling assumed for batteries and EVs until the registry holds
 * the owners' own; {@code --dr-device-idle-hours} (default 24) after which a silent device is forgotten;
 * {@code --dr-ack-timeout-seconds} (default one interval), how long a device has to answer its command before the
 * pool stops counting on it (event time: it must cover the way from the job through Kafka — committed at a
 * checkpoint — and the gateway to the device and back); {@code --dr-lead-minutes} (default 0), how long before an
 * event's start its first commands go out (baselines then end at the dispatch), so devices hold them at the start
 * although every hop to the gateway waits for a checkpoint.
 */
public final class DrJob {
  private final JobArgs args;
  private final Source<DrInput, ?, ?> input;
  private final RegistryHolder registry;

  public DrJob(JobArgs args, Source<DrInput, ?, ?> input, RegistryHolder registry) {
    this.args = args;
    this.input = input;
    this.registry = registry;
  }

  /** Interval energy, DR events and command answers from one Kafka source (so they share one watermark). */
  public static KafkaSource<DrInput> source(JobArgs args, String group, OffsetsInitializer start) {
    return KafkaSource.<DrInput>builder().setBootstrapServers(args.kafka())
        .setTopics(args.topic(Topics.INTERVAL_ENERGY), args.topic(Topics.DR_EVENTS), args.topic(Topics.COMMAND_ACKS))
        .setGroupId(group).setStartingOffsets(start)
        .setProperty("isolation.level", "read_committed")
        .setDeserializer(new DrInput.Deserializer(args.topic(Topics.DR_EVENTS), args.topic(Topics.COMMAND_ACKS)))
        .build();
  }

  /** Builds the pipeline on {@code env}; either Kafka sink may be null (tests that read only Cassandra). */
  public SingleOutputStreamOperator<DispatchCommand> build(StreamExecutionEnvironment env, Sink<DispatchCommand> dispatchKafka,
      Sink<DrDelivery> deliveryKafka) {
    // Devices' answers do not move the watermark: the gateway stamps them ahead of the energy still on its way. A DR
    // event does (its posting time holds the watermark while its partition is active), so it reaches the dispatch
    // before the watermark passes its start. Only energy, the quality job's output, ends a reader's start.
    DataStream<DrInput> in = env.fromSource(input, args.<DrInput>watermarks((r, ts) -> r.timestamp(),
        r -> r.energy != null ? Role.STARTS : r.ack != null ? Role.PASSES : Role.DRIVES),
        "interval-energy-and-dr-events").uid("dr-source");

    SingleOutputStreamOperator<DispatchCommand> commands = in
        .process(new RouteToRegion(registry)).name("dr-route-to-region").uid("dr-route-to-region")
        .keyBy(r -> r.regionId)
        .process(new DemandResponseFunction(registry, args.rulebook(), args.intervalMillis(),
            args.all().getLong("dr-device-idle-hours", 24) * 3_600_000L,
            args.all().getLong("dr-min-soc-ppm", 100_000), args.all().getLong("dr-max-soc-ppm", 1_000_000),
            args.all().getLong("dr-ack-timeout-seconds", args.intervalMillis() / 1000) * 1000)
            .dispatchingAhead(args.all().getLong("dr-lead-minutes", 0) * 60_000L))
        .name("dr-dispatch-and-verify").uid("dr-dispatch-and-verify");
    DataStream<DrDelivery> deliveries = commands.getSideOutput(DemandResponseFunction.DELIVERY);
    DataStream<DeviceReliability> reliability = commands.getSideOutput(DemandResponseFunction.RELIABILITY);
    DataStream<CommandAnswerRow> answers = commands.getSideOutput(DemandResponseFunction.ANSWERS);

    deliveries.sinkTo(new CassandraSink<>(args.cassandra(), args.keyspace(), DrRows.DELIVERY)).name("cassandra-dr-delivery").uid("cassandra-dr-delivery");
    reliability.sinkTo(new CassandraSink<>(args.cassandra(), args.keyspace(), DrRows.RELIABILITY)).name("cassandra-device-reliability").uid("cassandra-device-reliability");
    answers.sinkTo(new CassandraSink<>(args.cassandra(), args.keyspace(), DrRows.COMMAND_ACK)).name("cassandra-dr-command-ack").uid("cassandra-dr-command-ack");
    if (dispatchKafka != null) commands.sinkTo(dispatchKafka).name("kafka-dispatch").uid("kafka-dispatch");
    if (deliveryKafka != null) deliveries.sinkTo(deliveryKafka).name("kafka-dr-delivery").uid("kafka-dr-delivery");
    return commands;
  }

  /** The job on Kafka and Cassandra as {@code args} name them: what {@code main} deploys and the tests run. */
  public static void onKafka(StreamExecutionEnvironment env, JobArgs args, OffsetsInitializer start, RegistryHolder registry) {
    String group = args.groupPrefix() + "-dr";
    new DrJob(args, source(args, group, start), registry).build(env,
        AvroKafka.exactlyOnceSink(args.kafka(), args.topic(Topics.DISPATCH), DispatchCommand.class, DispatchCommand::getDeviceId, group + "-dispatch"),
        AvroKafka.exactlyOnceSink(args.kafka(), args.topic(Topics.DR_DELIVERY), DrDelivery.class, DrDelivery::getEventId, group + "-delivery"));
  }

  public static void main(String[] argv) throws Exception {
    JobArgs args = JobArgs.parse(argv);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(args.checkpointMillis());
    onKafka(env, args, OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST),
        new RegistryHolder(RegistryHolder.cassandra(args.cassandra(), args.keyspace()), 30_000));
    env.execute("onder-dr");
  }
}
