package io.onder.flink;

import io.onder.avro.DeviceIntervalEnergy;
import io.onder.avro.DrDelivery;
import io.onder.avro.FeederIntervalState;
import io.onder.avro.RewardEntry;
import io.onder.avro.SettlementBatch;
import io.onder.flink.io.AvroKafka;
import io.onder.flink.io.CassandraSink;
import io.onder.flink.io.KeepActive;
import io.onder.flink.io.SourceWatermarks.Role;
import io.onder.flink.registry.RegistryHolder;
import io.onder.flink.rewards.DeviceRewards;
import io.onder.flink.rewards.DrPayments;
import io.onder.flink.rewards.NetworkFees;
import io.onder.flink.rewards.RewardsInput;
import org.apache.flink.connector.kafka.source.KafkaSource;
import io.onder.flink.rewards.SettlementBatcher;
import io.onder.schemas.Topics;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The rewards job: the quality of every device interval, the feeders' crossings and verified DR delivery (paid by
 * the utility that posted the event) → ledger entries under one
 * market rulebook (every cause sums to zero) → every payee's cumulative amount owed per settlement period, for the
 * bridge to settle on chain. Ledger and batches go to Kafka exactly once, and to Cassandra.
 */
public final class RewardsJob {
  private final JobArgs args;
  private final Source<RewardsInput, ?, ?> input;
  private final RegistryHolder registry;

  public RewardsJob(JobArgs args, Source<RewardsInput, ?, ?> input, RegistryHolder registry) {
    this.args = args;
    this.input = input;
    this.registry = registry;
  }

  /** Device intervals, feeder intervals and DR deliveries from one Kafka source (so they share one watermark). */
  public static KafkaSource<RewardsInput> source(JobArgs args, String group, OffsetsInitializer start) {
    var b = KafkaSource.<RewardsInput>builder().setBootstrapServers(args.kafka())
        .setTopics(args.topic(Topics.INTERVAL_ENERGY), args.topic(Topics.FEEDER_STATE), args.topic(Topics.DR_DELIVERY))
        .setGroupId(group).setStartingOffsets(start)
        .setProperty("isolation.level", "read_committed")
        .setDeserializer(new RewardsInput.Deserializer(args.topic(Topics.FEEDER_STATE), args.topic(Topics.DR_DELIVERY)));
    if (replay(args)) b.setBounded(OffsetsInitializer.latest());
    return b.build();
  }

  /**
   * A replay reads the Kafka history up to now under another rulebook and writes its ledger and batches only to
   * topics of its own ({@code --output-prefix}), never to the live tables, so the difference can be reported.
   */
  static boolean replay(JobArgs args) {
    return args.all().getBoolean("replay", false);
  }

  public void build(StreamExecutionEnvironment env, Sink<RewardEntry> ledgerKafka, Sink<SettlementBatch> batchKafka) {
    // Chained operators hand records on without a defensive copy: no function here changes a record it was given or
    // one it emitted, and the sinks only read them.
    env.getConfig().enableObjectReuse();
    // Only the quality job's energy ends a reader's start (see SourceWatermarks): feeder states and DR deliveries come
    // from other writers, and a reader holding them could otherwise give up on energy still to come.
    DataStream<RewardsInput> in = env.fromSource(input, args.<RewardsInput>watermarks((r, ts) -> r.intervalEnd(),
            r -> r.energy != null ? Role.STARTS : Role.DRIVES),
        "interval-energy-feeder-state-and-dr-delivery").uid("rewards-source");
    DataStream<DeviceIntervalEnergy> intervals = in.filter(r -> r.energy != null).name("device-intervals").uid("device-intervals")
        .map(r -> r.energy).returns(DeviceIntervalEnergy.class).name("device-interval").uid("device-interval");
    DataStream<FeederIntervalState> feederStates = in.filter(r -> r.feeder != null).name("feeder-intervals").uid("feeder-intervals")
        .map(r -> r.feeder).returns(FeederIntervalState.class).name("feeder-interval").uid("feeder-interval");

    SingleOutputStreamOperator<RewardEntry> deviceLines = intervals
        .flatMap(new DeviceRewards(args.rulebook())).name("device-rewards").uid("device-rewards");
    SingleOutputStreamOperator<RewardEntry> feeLines = feederStates
        .keyBy(FeederIntervalState::getSubstationId)
        .process(new NetworkFees(registry, args.rulebook(), args.intervalMillis(), args.graceMillis())).name("network-fees").uid("network-fees");
    SingleOutputStreamOperator<RewardEntry> drLines = in.filter(r -> r.delivery != null).name("dr-deliveries").uid("dr-deliveries")
        .map(r -> r.delivery).returns(DrDelivery.class).name("dr-delivery").uid("dr-delivery")
        .flatMap(new DrPayments(args.rulebook())).name("dr-payments").uid("dr-payments");
    DataStream<RewardEntry> ledger = deviceLines.union(KeepActive.of(feeLines, "network-fees-active"), drLines);

    boolean live = !replay(args);
    if (live) ledger.sinkTo(new CassandraSink<>(args.cassandra(), args.keyspace(), Rows.LEDGER)).name("cassandra-ledger").uid("cassandra-ledger");
    if (ledgerKafka != null) ledger.sinkTo(ledgerKafka).name("kafka-ledger").uid("kafka-ledger");

    SingleOutputStreamOperator<SettlementBatch> batches = ledger
        .keyBy(e -> 0)
        .process(new SettlementBatcher(args.rulebook(), SettlementBatcher.parsePayoutAddresses(args.all().get("payout-addresses", ""))))
        .name("settlement-batcher").uid("settlement-batcher")
        .setParallelism(1);
    if (live) {
      batches.flatMap(new Rows.OwedRows()).name("owed-rows").uid("owed-rows").setParallelism(1)
          .sinkTo(new CassandraSink<>(args.cassandra(), args.keyspace(), Rows.OWED)).name("cassandra-owed").uid("cassandra-owed").setParallelism(1);
    }
    if (batchKafka != null) batches.sinkTo(batchKafka).name("kafka-settlement-batches").uid("kafka-settlement-batches").setParallelism(1);
  }

  /** The job on Kafka and Cassandra as {@code args} name them: what {@code main} deploys and the tests run. */
  public static void onKafka(StreamExecutionEnvironment env, JobArgs args, OffsetsInitializer start, RegistryHolder registry) {
    String group = args.groupPrefix() + "-rewards-" + args.rulebook() + (replay(args) ? "-replay-" + System.currentTimeMillis() : "");
    String out = args.all().get("output-prefix", args.topicPrefix());
    new RewardsJob(args, source(args, group, start), registry).build(env,
        AvroKafka.exactlyOnceSink(args.kafka(), out + Topics.LEDGER, RewardEntry.class, RewardEntry::getAccount, group + "-ledger"),
        AvroKafka.exactlyOnceSink(args.kafka(), out + Topics.SETTLEMENT_BATCHES, SettlementBatch.class, SettlementBatch::getBatchId, group + "-batches"));
  }

  public static void main(String[] argv) throws Exception {
    JobArgs args = JobArgs.parse(argv);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(args.checkpointMillis());
    OffsetsInitializer start = replay(args) ? OffsetsInitializer.earliest() : OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
    onKafka(env, args, start, new RegistryHolder(RegistryHolder.cassandra(args.cassandra(), args.keyspace()), 30_000));
    env.execute(replay(args) ? "onder-rewards-replay-" + args.rulebook() : "onder-rewards");
  }
}
