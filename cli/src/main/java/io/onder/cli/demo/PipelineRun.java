package io.onder.cli.demo;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.onder.schemas.Topics;
import io.onder.stack.FlinkRest;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import io.onder.bridge.Chain;
import io.onder.bridge.Deployment;
import io.onder.bridge.GasBench;
import io.onder.stack.AnvilNode;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.web3j.crypto.Credentials;

/**
 * What a run of the whole pipeline on the local session cluster needs, shared by the demo and the chaos suite:
 * submitting the jobs as an operator would, and waiting (with deadlines) until the day is closed and settled.
 */
public final class PipelineRun {
  private PipelineRun() {}

  /** A run's contracts: deployed by the node's first account, the hub operated by the second, fees to the third. */
  public record Contracts(Credentials admin, Credentials hubKey, Credentials creatorsFund, Deployment deployment, long fromBlock) {
    public String hub() {
      return deployment.hub().getContractAddress();
    }
  }

  /** Deploys DER, the service market, the hub and the registry, and funds the pool with {@code fund} S* base units. */
  public static Contracts deploy(AnvilNode anvil, long fund) throws Exception {
    String mnemonic = anvil.mnemonic();
    Credentials admin = GasBench.account(mnemonic, 0);
    Credentials hubKey = GasBench.account(mnemonic, 1);
    Credentials creatorsFund = GasBench.account(mnemonic, 2);
    try (Chain chain = new Chain(anvil.rpcUrl(), anvil.chainId(), admin, 1, Duration.ofSeconds(60))) {
      long fromBlock = chain.web3j().ethBlockNumber().send().getBlockNumber().longValue();
      Deployment deployment = Deployment.deploy(chain, admin, hubKey.getAddress(), hubKey.getAddress(), creatorsFund.getAddress());
      deployment.fundHub(chain, admin, fund);
      return new Contracts(admin, hubKey, creatorsFund, deployment, fromBlock);
    }
  }

  /** Owner by owner: what the ledger owes, what the vouchers say, what the chain paid. */
  public static List<io.onder.bridge.Reconciler.Line> reconcile(AnvilNode anvil, Contracts c, io.onder.bridge.SettlementStore store)
      throws Exception {
    try (Chain chain = new Chain(anvil.rpcUrl(), anvil.chainId(), c.admin(), 1, Duration.ofSeconds(60))) {
      var hub = io.onder.bridge.contracts.ChannelHub.load(c.hub(), chain.web3j(), chain.txManager(), chain.gasProvider(Deployment.GAS_LIMIT));
      return new io.onder.bridge.Reconciler(hub, chain.web3j(), chain.chainId(), c.fromBlock()).reconcile(store.owed(), store.vouchers());
    }
  }

  /** A UDP port free now on 127.0.0.1, for a gateway. */
  public static int freeUdpPort() throws java.io.IOException {
    try (var socket = new java.net.DatagramSocket(0, java.net.InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  /** A consumer that sees committed records only and commits nothing. */
  public static Properties readCommitted(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return p;
  }

  /** Reads a topic from its beginning to the end offsets of now, handing every record to {@code each}; returns how many. */
  public static <K, V> long readToEnd(String bootstrap, String topic, Deserializer<K> keys, Deserializer<V> values, Duration timeout,
      java.util.function.Consumer<ConsumerRecord<K, V>> each) {
    long n = 0;
    try (var c = new KafkaConsumer<>(readCommitted(bootstrap), keys, values)) {
      List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(10));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("could not read " + topic + " to its end in " + timeout.toSeconds() + " s");
        for (var r : c.poll(Duration.ofMillis(200))) {
          each.accept(r);
          n++;
        }
      }
    }
    return n;
  }

  /**
   * The arguments every job of a run gets: its own keyspace, topic prefix and consumer groups, the allowed
   * lateness ({@code --grace-seconds}, simulated): how long after an interval's end its feeder waits for devices,
   * and the checkpoint interval, which is also how long an exactly-once hop between jobs holds its output.
   */
  public static List<String> jobArgs(String kafka, String cassandra, String keyspace, String prefix, String groupPrefix, String creatorsFund,
      long graceSeconds, Duration checkpoint, Duration idleness) {
    return List.of("--kafka", kafka, "--cassandra", cassandra, "--keyspace", keyspace, "--topic-prefix", prefix, "--group-prefix", groupPrefix,
        "--idleness-seconds", Long.toString(idleness.toSeconds()), "--checkpoint-ms", Long.toString(checkpoint.toMillis()), "--payout-addresses", "creators-fund:onder=" + creatorsFund,
        "--grace-seconds", Long.toString(graceSeconds));
  }

  /**
   * The allowed lateness of a simulated run: a device reports a pack of readings at once, so its data is up to a
   * pack's span behind the newest; a loaded gateway may hold a request some seconds of wall time, which the
   * simulated clock multiplies by its speed. Rounded up to whole minutes.
   */
  public static long graceSeconds(Duration readingEvery, int packSize, double speed, Duration wallDelay) {
    double seconds = readingEvery.toSeconds() * (double) packSize + wallDelay.toSeconds() * speed;
    return (long) Math.ceil(seconds / 60) * 60;
  }

  /** Uploads the shaded job jar and runs each job at parallelism 2, waiting until each is RUNNING; returns the job ids. */
  public static List<String> submit(FlinkRest rest, Path jarFile, List<String> jobClasses, List<String> args, PrintStream out) throws Exception {
    String jar = rest.upload(jarFile);
    List<String> ids = new ArrayList<>();
    for (String job : jobClasses) {
      String id = rest.run(jar, job, args, null, 2);
      ids.add(id);
      rest.awaitState(id, "RUNNING", Duration.ofSeconds(180));
      out.println("  " + job.substring(job.lastIndexOf('.') + 1) + " running as " + id);
    }
    return ids;
  }

  /** Cancels the jobs, ignoring those that ended already. */
  public static void cancel(FlinkRest rest, List<String> jobIds) {
    for (String id : jobIds) {
      try {
        rest.cancel(id);
      } catch (Exception alreadyGone) {
        // the job ended already
      }
    }
  }

  /** Waits until an operator of a job has seen the event-time watermark pass {@code millis}: it has emitted all before. */
  public static void awaitWatermark(FlinkRest rest, String jobId, String vertexPrefix, long millis, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (watermark(rest, jobId, vertexPrefix) >= millis) return;
      } catch (java.io.IOException restarting) {
        // the REST API answers errors while the job restarts: ask again
      }
      Thread.sleep(500); // polling the job's watermark, with a deadline
    }
    throw new IllegalStateException("job " + jobId + " did not reach the end of the run within " + timeout.toMinutes() + " min");
  }

  /**
   * The event-time watermark of the job's operator named {@code vertexPrefix}: the lowest of its subtasks that have one
   * (every subtask has passed it), or {@code Long.MIN_VALUE} while none has.
   *
   * @throws IllegalStateException if the job has no such operator
   */
  public static long watermark(FlinkRest rest, String jobId, String vertexPrefix) throws java.io.IOException, InterruptedException {
    String vertex = null;
    for (var v : rest.job(jobId).path("vertices")) if (v.path("name").asText().startsWith(vertexPrefix)) vertex = v.path("id").asText();
    if (vertex == null) throw new IllegalStateException("job " + jobId + " has no operator " + vertexPrefix);
    long wm = Long.MAX_VALUE;
    for (var w : rest.get("/jobs/" + jobId + "/vertices/" + vertex + "/watermarks")) {
      long value = w.path("value").asLong(Long.MIN_VALUE);
      if (value > 0) wm = Math.min(wm, value); // a subtask that has no watermark yet reports Long.MIN_VALUE
    }
    return wm == Long.MAX_VALUE ? Long.MIN_VALUE : wm;
  }

  /**
   * Waits until every settlement batch in the run's batches topic has a receipt from the bridge, for as long as the
   * bridge keeps settling: a day of 100,000 devices is some ten batches of 10,000 payees. Fails when the bridge
   * stopped, or settled no further batch within {@code stall}. Returns the number of batches.
   */
  public static int awaitSettled(CqlSession ks, String bootstrap, String prefix, Supplier<String> bridgeFailure, Duration stall,
      boolean progress) throws InterruptedException {
    Set<String> batches = new TreeSet<>(DemoFigures.keys(bootstrap, prefix + Topics.SETTLEMENT_BATCHES));
    int done = 0;
    try (ProgressBar bar = progress ? new ProgressBarBuilder().setTaskName("batches settled").setInitialMax(batches.size())
        .setStyle(ProgressBarStyle.ASCII).continuousUpdate().build() : null) {
      long deadline = System.nanoTime() + stall.toNanos();
      while (System.nanoTime() < deadline) {
        String failure = bridgeFailure.get();
        if (failure != null) throw new IllegalStateException("the bridge stopped: " + failure);
        Set<String> settled = new HashSet<>();
        for (Row r : ks.execute("SELECT batch_id FROM settlement_receipts")) settled.add(r.getString(0));
        settled.retainAll(batches);
        if (settled.size() > done) {
          done = settled.size();
          deadline = System.nanoTime() + stall.toNanos();
          if (bar != null) bar.stepTo(done);
        }
        if (done == batches.size()) return batches.size();
        Thread.sleep(500); // polling Cassandra for the receipts, with a deadline
      }
    }
    throw new IllegalStateException("the bridge settled no further batch for " + stall.toMinutes() + " min: " + done + " of "
        + batches.size() + " settlement batches settled");
  }
}
