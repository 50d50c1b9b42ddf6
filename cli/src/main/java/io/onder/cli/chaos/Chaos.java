package io.onder.cli.chaos;

import com.datastax.oss.driver.api.core.CqlSession;
import io.onder.avro.DeviceReading;
import io.onder.bridge.HubKey;
import io.onder.bridge.Reconciler;
import io.onder.bridge.SettlementStore;
import io.onder.cli.Table;
import io.onder.cli.demo.PipelineRun;
import io.onder.schemas.AvroSerde;
import io.onder.schemas.Topics;
import io.onder.simulator.FleetPlan;
import io.onder.simulator.FleetRunner;
import io.onder.simulator.Provisioner;
import io.onder.simulator.SimClock;
import io.onder.stack.CassandraSchema;
import io.onder.stack.FlinkRest;
import io.onder.stack.KafkaTopics;
import io.onder.stack.LedgerTotals;
import io.onder.stack.LocalStack;
import io.onder.stack.Server;
import io.onder.stack.ServerProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.web3j.utils.Numeric;

/**
 * The fault suite. A fleet posts readings over CoAP+DTLS to a gateway process at a steady simulated pace while the
 * quality and rewards jobs run on the session cluster and a bridge process settles on chain. One at a time, each
 * part is killed with kill -9 and started again: the gateway, the Kafka broker, the Flink TaskManager, Cassandra,
 * the bridge (the moment a settlement batch appears) and the Ethereum node (the moment a block is mined, restarted
 * from its saved state, so it may forget that block). Afterwards the same readings, as they are in Kafka, are run
 * through the same jobs undisturbed, and the suite proves: no acknowledged reading is missing from Kafka, the ledger
 * (by reason and by account) and every owner's amount owed equal the undisturbed run's, the chain paid exactly what
 * the ledger owes, and no owner was paid more than owed (paid twice).
 */
public final class Chaos {
  /** How long a quiet Kafka partition holds the jobs' watermark: both runs (disturbed and reference) use the same. */
  static final Duration IDLENESS = Duration.ofSeconds(3);

  /** The knobs of a chaos run. */
  public record Settings(int devices, int feeders, int substations, LocalTime start, double hours, double speed, Duration readingEvery,
      int packSize, long seed, Duration down, boolean progress) {
    public static Settings defaults() {
      return new Settings(60, 3, 1, LocalTime.of(9, 0), 3, 40, Duration.ofMinutes(1), 2, 4242, Duration.ofSeconds(3), true);
    }
  }

  /** One fault as it happened. */
  public record Fault(String part, String pid, double killedAtSeconds, String simTime, double recoveredInSeconds, String detail) {}

  /** One proof of the closing table. */
  public record Check(String what, String expected, String found, boolean holds) {}

  /** What the run showed. */
  public static final class Result {
    public final List<Fault> faults = new ArrayList<>();
    public final List<Check> checks = new ArrayList<>();
    public FleetRunner.Summary fleet;
    public Duration took;

    public boolean passed() {
      return !checks.isEmpty() && checks.stream().allMatch(Check::holds) && faults.size() == 6;
    }

    public String faultTable() {
      Table t = new Table("part killed (kill -9)", "pid", "at (wall s)", "simulated", "back and working in", "what it showed");
      for (Fault f : faults) t.row(f.part(), f.pid(), String.format("%.0f", f.killedAtSeconds()), f.simTime(),
          String.format("%.1f s", f.recoveredInSeconds()), f.detail());
      return t.render();
    }

    public String checkTable() {
      Table t = new Table("proof", "expected", "found", "holds");
      for (Check c : checks) t.row(c.what(), c.expected(), c.found(), c.holds() ? "yes" : "NO");
      return t.render();
    }
  }

  private static final Duration CHECKPOINT = Duration.ofSeconds(3);
  private static final List<String> JOBS = List.of("io.onder.flink.QualityJob", "io.onder.flink.RewardsJob");

  private final LocalStack stack;
  private final Settings s;
  private final PrintStream out;
  private final String runId = "chaos" + DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
  private final Path dir;
  private final ServerProcess gatewayProcess;
  private final ServerProcess bridgeProcess;
  private long t0;

  public Chaos(LocalStack stack, Settings settings, PrintStream out) {
    this.stack = stack;
    this.s = settings;
    this.out = out;
    this.dir = stack.config().runtimeDir().resolve("chaos").resolve(runId);
    this.gatewayProcess = new ServerProcess("gateway", dir);
    this.bridgeProcess = new ServerProcess("bridge", dir);
  }

  public Result run() throws Exception {
    t0 = System.nanoTime();
    Result result = new Result();
    Files.createDirectories(dir);
    step("local stack");
    stack.up(EnumSet.allOf(Server.class), msg -> out.println("  " + msg));
    FlinkRest rest = new FlinkRest(stack.flink().restUrl());
    String keyspace = runId;
    String prefix = runId + ".";
    String kafka = stack.kafka().bootstrapServers();
    List<String> jobIds = new ArrayList<>();
    List<String> refJobIds = new ArrayList<>();
    try {
      step("run " + runId + ": keyspace " + keyspace + ", topics " + prefix + "*");
      KafkaTopics.apply(stack.kafka().adminProperties(), prefix);
      try (CqlSession session = stack.cassandra().session(null)) {
        CassandraSchema.apply(session, keyspace);
      }

      step("contracts deployed, the pool funded");
      PipelineRun.Contracts contracts = PipelineRun.deploy(stack.anvil(), 1_000_000_000_000L);
      String creatorsFund = contracts.creatorsFund().getAddress();

      step("fleet: " + s.devices() + " devices on " + s.feeders() + " feeders");
      FleetPlan plan = FleetPlan.of(s.devices(), s.feeders(), s.substations(), s.seed());
      Map<String, byte[]> keys;
      try (CqlSession ks = stack.cassandra().session(keyspace)) {
        keys = Provisioner.provision(ks, keyspace, plan, dir.resolve("device-psk.properties"));
      }

      step("the quality and rewards jobs on the session cluster");
      Path jar = stack.config().home().resolve("flink-jobs/target/onder-flink-jobs-0.1.0-SNAPSHOT-job.jar");
      // The allowed lateness: a feeder interval is computed once the watermark is a minute of wall time past its end,
      // longer than any outage of this suite, so readings held up by a fault are still in their interval.
      long graceSeconds = PipelineRun.graceSeconds(s.readingEvery(), s.packSize(), s.speed(), Duration.ofSeconds(60));
      List<String> args = PipelineRun.jobArgs(kafka, stack.cassandra().endpoint(), keyspace, prefix, runId, creatorsFund, graceSeconds, CHECKPOINT, IDLENESS);
      out.println("  allowed lateness (grace) " + graceSeconds / 60 + " simulated minutes");
      jobIds.addAll(PipelineRun.submit(rest, jar, JOBS, args, out));

      LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
      Instant simStart = day.atTime(s.start()).toInstant(ZoneOffset.UTC);
      Instant simEnd = simStart.plusSeconds((long) (s.hours() * 3600) + graceSeconds + 300);
      long periodsEnd = simStart.toEpochMilli() + (long) (s.hours() * 3_600_000);
      SimClock clock = new SimClock(simStart, s.speed());

      step("the gateway and the bridge as processes of their own");
      int coapsPort = PipelineRun.freeUdpPort();
      Path gatewayConfig = dir.resolve("gateway.properties");
      Properties gp = new Properties();
      gp.setProperty("onder.ingest.coaps.port", Integer.toString(coapsPort));
      gp.setProperty("onder.ingest.metrics.port", "0");
      gp.setProperty("onder.kafka.bootstrap", kafka);
      gp.setProperty("onder.kafka.topic.prefix", prefix);
      gp.setProperty("onder.cassandra.contact", stack.cassandra().endpoint());
      gp.setProperty("onder.cassandra.keyspace", keyspace);
      store(gp, gatewayConfig);
      List<String> gatewayCommand = javaCommand(gatewayProcess, GatewayProcess.class.getName(), gatewayConfig.toString(),
          Long.toString(clock.simStart()), Long.toString(clock.wallStart()), Double.toString(clock.speed()));
      startGateway(gatewayCommand);

      Path bridgeConfig = dir.resolve("bridge.properties");
      Properties bp = new Properties();
      bp.setProperty("onder.bridge.rpc-url", stack.anvil().rpcUrl());
      bp.setProperty("onder.bridge.chain-id", Long.toString(stack.anvil().chainId()));
      bp.setProperty("onder.bridge.hub", contracts.hub());
      bp.setProperty("onder.bridge.from-block", Long.toString(contracts.fromBlock()));
      bp.setProperty("onder.bridge.kafka.bootstrap", kafka);
      bp.setProperty("onder.bridge.kafka.group", runId + "-bridge");
      bp.setProperty("onder.bridge.kafka.instance-id", runId + "-bridge-1");
      bp.setProperty("onder.bridge.topic.batches", prefix + Topics.SETTLEMENT_BATCHES);
      bp.setProperty("onder.bridge.topic.receipts", prefix + Topics.SETTLEMENT_RECEIPTS);
      bp.setProperty("onder.bridge.cassandra.contact-point", stack.cassandra().endpoint());
      bp.setProperty("onder.bridge.cassandra.keyspace", keyspace);
      bp.setProperty("onder.bridge.voucher-server.port", "-1");
      store(bp, bridgeConfig);
      List<String> bridgeCommand = javaCommand(bridgeProcess, "io.onder.bridge.BridgeMain", bridgeConfig.toString());
      // the hub key reaches the bridge through its environment only, never a file or a command line
      Map<String, String> bridgeEnv = Map.of(HubKey.PRIVATE_KEY, Numeric.toHexStringNoPrefixZeroPadded(contracts.hubKey().getEcKeyPair().getPrivateKey(), 64));
      bridgeProcess.start(bridgeCommand, bridgeEnv, dir);

      step(String.format("steady load: %s simulated hours at %.0fx; then kill -9, one at a time, and let each recover", s.hours(), s.speed()));
      // the fleet's summary, live while it runs (the same object its run returns)
      AtomicReference<FleetRunner.Summary> live = new AtomicReference<>();
      AtomicReference<Throwable> fleetFailure = new AtomicReference<>();
      FleetRunner fleet = new FleetRunner(plan, keys, new InetSocketAddress("127.0.0.1", coapsPort)).trackAcknowledged();
      Thread fleetThread = new Thread(() -> {
        try {
          fleet.run(new FleetRunner.Settings(clock, simEnd, s.readingEvery(), s.packSize(), 1.0, 256, s.progress()), t -> {}, live::set);
        } catch (Throwable e) {
          fleetFailure.set(e);
        }
      }, "chaos-fleet");
      fleetThread.start();
      try {
        awaitCondition("the first acknowledged readings", Duration.ofSeconds(90), () -> live.get() != null && live.get().readingsAcked.get() > 0);
        pause(Duration.ofSeconds(10));
        // 1. the gateway: devices get no answer, re-handshake with the new process and send again
        long acked = live.get().readingsAcked.get();
        Fault f = kill("gateway", gatewayProcess.running().map(p -> Long.toString(p.pid())).orElse("?"), clock, gatewayProcess::kill,
            () -> startGateway(gatewayCommand), () -> live.get().readingsAcked.get() > acked + s.devices(), "readings acknowledged again", Duration.ofMinutes(3));
        result.faults.add(f);
        // 2. the Kafka broker: the gateway answers 5.03, the jobs restart from their checkpoints
        long acked2 = live.get().readingsAcked.get();
        long retries = live.get().retries.get();
        result.faults.add(kill("kafka broker", stack.kafka().pids(), clock, stack.kafka()::kill,
            () -> stack.up(EnumSet.of(Server.KAFKA), m -> {}), () -> live.get().readingsAcked.get() > acked2 + s.devices() && jobsRunning(rest, jobIds),
            "readings acknowledged again, jobs running", Duration.ofMinutes(3)));
        note(result, "devices told 5.03 or unanswered, sent again: " + (live.get().retries.get() - retries));
        // 3. the TaskManager: both jobs fail over to a new one from their last checkpoint
        result.faults.add(kill("flink taskmanager", stack.flink().taskManager().running().map(p -> Long.toString(p.pid())).orElse("?"), clock,
            stack.flink().taskManager()::kill, stack.flink()::startTaskManager, () -> jobsRunning(rest, jobIds),
            "both jobs running again", Duration.ofMinutes(4)));
        // 4. Cassandra: sinks retry, jobs restart until it is back; the gateway keeps its registry cache
        long acked4 = live.get().readingsAcked.get();
        result.faults.add(kill("cassandra", stack.cassandra().pids(), clock, stack.cassandra()::kill,
            () -> stack.up(EnumSet.of(Server.CASSANDRA), m -> {}), () -> jobsRunning(rest, jobIds) && live.get().readingsAcked.get() > acked4,
            "jobs running, readings acknowledged", Duration.ofMinutes(4)));
        // 5. the bridge, the moment a new settlement batch appears (it is handling it)
        long batches = endOffsets(kafka, prefix + Topics.SETTLEMENT_BATCHES);
        awaitCondition("a new settlement batch", Duration.ofMinutes(10), () -> endOffsets(kafka, prefix + Topics.SETTLEMENT_BATCHES) > batches);
        pause(Duration.ofMillis(150));
        result.faults.add(kill("bridge", bridgeProcess.running().map(p -> Long.toString(p.pid())).orElse("?"), clock, bridgeProcess::kill,
            () -> bridgeProcess.start(bridgeCommand, bridgeEnv, dir), () -> bridgeProcess.running().isPresent(), "running again",
            Duration.ofMinutes(1)));
        // 6. the Ethereum node, the moment a block is mined (a settlement), restarted from its saved state
        long block = blockNumber();
        awaitCondition("a settlement mined", Duration.ofMinutes(10), () -> blockNumber() > block);
        long mined = blockNumber();
        long[] restartedAt = new long[1];
        Fault anvil = kill("ethereum node (anvil)", stack.anvil().pids(), clock, stack.anvil()::kill, () -> {
          stack.up(EnumSet.of(Server.ANVIL), m -> {});
          restartedAt[0] = blockNumber();
        }, () -> true, "", Duration.ofMinutes(2));
        result.faults.add(new Fault(anvil.part(), anvil.pid(), anvil.killedAtSeconds(), anvil.simTime(), anvil.recoveredInSeconds(),
            "killed at block " + mined + ", restarted at block " + restartedAt[0]
                + (restartedAt[0] < mined ? " (" + (mined - restartedAt[0]) + " forgotten)" : "")));
        if (fleetThread.isAlive()) out.println("  every part has been killed and is back; the load goes on to the end of the run");
        else out.println("  note: the fleet finished before the last fault");
        fleetThread.join();
        if (fleetFailure.get() != null) throw new IllegalStateException("the fleet failed", fleetFailure.get());
        result.fleet = live.get();
      } finally {
        if (fleetThread.isAlive()) fleetThread.interrupt();
        fleetThread.join(30_000);
        fleet.close();
      }
      FleetRunner.Summary sum = result.fleet;
      out.printf("  %,d readings made, %,d acknowledged, %,d refused, %,d sent again after 5.03 or no answer, %,d never sent%n",
          sum.readingsMade.get(), sum.readingsAcked.get(), sum.readingsRejected.get(), sum.retries.get(), sum.unsent);

      step("settlement of the disturbed run");
      try (CqlSession ks = stack.cassandra().session(keyspace)) {
        PipelineRun.awaitWatermark(rest, jobIds.get(1), "settlement-batcher", periodsEnd, Duration.ofMinutes(5));
        int settled = PipelineRun.awaitSettled(ks, kafka, prefix, () -> bridgeProcess.running().isPresent() ? null
            : "the bridge process exited; see " + bridgeProcess.logFile(), Duration.ofMinutes(5), s.progress());
        out.println("  " + settled + " settlement batches, all with receipts");
      }
      gatewayProcess.stop(Duration.ofSeconds(10));

      step("the same readings, as they are in Kafka, through the same jobs undisturbed");
      String refKeyspace = runId + "ref";
      String refPrefix = refKeyspace + ".";
      KafkaTopics.apply(stack.kafka().adminProperties(), refPrefix);
      try (CqlSession session = stack.cassandra().session(null)) {
        CassandraSchema.apply(session, refKeyspace);
      }
      try (CqlSession ks = stack.cassandra().session(refKeyspace)) {
        Provisioner.provision(ks, refKeyspace, plan, dir.resolve("device-psk-ref.properties"));
      }
      long copied = copyTopic(kafka, prefix + Topics.READINGS, refPrefix + Topics.READINGS);
      out.printf("  %,d records copied to %s%n", copied, refPrefix + Topics.READINGS);
      refJobIds.addAll(PipelineRun.submit(rest, jar, JOBS,
          PipelineRun.jobArgs(kafka, stack.cassandra().endpoint(), refKeyspace, refPrefix, refKeyspace, creatorsFund, graceSeconds, CHECKPOINT, IDLENESS),
          out));
      PipelineRun.awaitWatermark(rest, refJobIds.get(1), "settlement-batcher", periodsEnd, Duration.ofMinutes(5));

      step("proofs");
      prove(result, sum, kafka, prefix, refPrefix, keyspace, refKeyspace, contracts);
      result.took = Duration.ofNanos(System.nanoTime() - t0);
      return result;
    } finally {
      PipelineRun.cancel(rest, jobIds);
      PipelineRun.cancel(rest, refJobIds);
      gatewayProcess.stop(Duration.ofSeconds(10));
      bridgeProcess.stop(Duration.ofSeconds(15));
    }
  }

  private void prove(Result result, FleetRunner.Summary sum, String kafka, String prefix, String refPrefix, String keyspace, String refKeyspace,
      PipelineRun.Contracts contracts) throws Exception {
    // 1. every acknowledged reading is in Kafka
    Map<String, Set<Long>> inKafka = new HashMap<>();
    long records = readReadings(kafka, prefix + Topics.READINGS, inKafka);
    long acked = 0;
    long missing = 0;
    for (var e : sum.acknowledged.entrySet()) {
      Set<Long> have = inKafka.getOrDefault(e.getKey(), Set.of());
      for (Long seq : e.getValue()) {
        acked++;
        if (!have.contains(seq)) missing++;
      }
    }
    long distinct = inKafka.values().stream().mapToLong(Set::size).sum();
    result.checks.add(new Check("acknowledged readings in Kafka", String.format("all %,d", acked),
        String.format("%,d missing (%,d records, %,d distinct, %,d repeats the jobs drop)", missing, records, distinct, records - distinct),
        acked > 0 && missing == 0 && acked == sum.readingsAcked.get()));

    // 2. the ledger equals the undisturbed run's (exactly-once commits land with checkpoints: compare until equal)
    LedgerTotals[] totals = new LedgerTotals[2];
    Map<String, Long>[] owed = new Map[2];
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    do {
      totals[0] = LedgerTotals.read(kafka, prefix + Topics.LEDGER, Duration.ofMinutes(1));
      totals[1] = LedgerTotals.read(kafka, refPrefix + Topics.LEDGER, Duration.ofMinutes(1));
      owed[0] = owed(keyspace);
      owed[1] = owed(refKeyspace);
      if (totals[0].byReason.equals(totals[1].byReason) && totals[0].byAccount.equals(totals[1].byAccount) && owed[0].equals(owed[1])) break;
      pause(Duration.ofSeconds(2)); // the undisturbed jobs commit with their checkpoints: read again, with a deadline
    } while (System.nanoTime() < deadline);
    long credited = totals[0].byReason.values().stream().mapToLong(Long::longValue).filter(v -> v > 0).sum();
    long refCredited = totals[1].byReason.values().stream().mapToLong(Long::longValue).filter(v -> v > 0).sum();
    result.checks.add(new Check("ledger by reason = undisturbed run's", totals[1].byReason.size() + " reasons, " + sstar(refCredited) + " credited",
        totals[0].byReason.size() + " reasons, " + sstar(credited) + " credited" + diff(totals[0].byReason, totals[1].byReason),
        credited > 0 && totals[0].byReason.equals(totals[1].byReason)));
    result.checks.add(new Check("every account's balance = undisturbed run's", totals[1].byAccount.size() + " accounts",
        totals[0].byAccount.size() + " accounts" + diff(totals[0].byAccount, totals[1].byAccount),
        !totals[0].byAccount.isEmpty() && totals[0].byAccount.equals(totals[1].byAccount)));
    result.checks.add(new Check("every owner's amount owed = undisturbed run's", owed[1].size() + " owners",
        owed[0].size() + " owners" + diff(owed[0], owed[1]), !owed[0].isEmpty() && owed[0].equals(owed[1])));

    // 3. the chain paid exactly what the ledger owes, and nobody more (the bridge may still be settling again after
    // the node forgot blocks: reconcile until clean, with a deadline)
    List<Reconciler.Line> lines = List.of();
    deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    try (CqlSession ks = stack.cassandra().session(keyspace)) {
      SettlementStore store = new SettlementStore(ks);
      do {
        lines = PipelineRun.reconcile(stack.anvil(), contracts, store);
        if (Reconciler.allOk(lines)) break;
        pause(Duration.ofSeconds(2)); // the bridge settles again after a rewind: reconcile again, with a deadline
      } while (System.nanoTime() < deadline);
    }
    long ok = lines.stream().filter(l -> l.status() == Reconciler.Status.OK).count();
    long overpaid = lines.stream().filter(l -> l.status() == Reconciler.Status.CHAIN_OVERPAID).count();
    long paid = lines.stream().mapToLong(Reconciler.Line::paid).sum();
    long owedTotal = lines.stream().mapToLong(Reconciler.Line::owed).sum();
    result.checks.add(new Check("chain paid = ledger owes (reconcile)", lines.size() + " payees OK, " + sstar(owedTotal),
        ok + " OK, " + sstar(paid) + " paid", !lines.isEmpty() && ok == lines.size() && paid == owedTotal));
    result.checks.add(new Check("owners paid more than owed (twice)", "0", Long.toString(overpaid), !lines.isEmpty() && overpaid == 0));
    if (!Reconciler.allOk(lines)) out.println(Reconciler.table(lines));
  }

  /** The faults' common shape: kill -9, stay down a moment, start again, wait until the system works again. */
  private Fault kill(String part, String pid, SimClock clock, Runnable killer, Runnable restart, BooleanSupplier recovered, String recoveredMeans,
      Duration timeout) throws InterruptedException {
    double at = (System.nanoTime() - t0) / 1e9;
    String sim = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC).format(clock.instant());
    out.printf("  kill -9 %s (pid %s) at %s simulated%n", part, pid, sim);
    killer.run();
    long killed = System.nanoTime();
    pause(s.down());
    restart.run();
    awaitCondition(part + " back: " + recoveredMeans, timeout, recovered);
    double took = (System.nanoTime() - killed) / 1e9;
    out.printf("  %s back in %.1f s%s%n", part, took, recoveredMeans.isEmpty() ? "" : " (" + recoveredMeans + ")");
    return new Fault(part, pid, at, sim, took, recoveredMeans);
  }

  private static void note(Result r, String text) {
    Fault last = r.faults.remove(r.faults.size() - 1);
    r.faults.add(new Fault(last.part(), last.pid(), last.killedAtSeconds(), last.simTime(), last.recoveredInSeconds(), last.detail() + "; " + text));
  }

  private void startGateway(List<String> command) {
    long before = logLines(gatewayProcess.logFile());
    gatewayProcess.start(command, Map.of(), dir);
    try {
      awaitCondition("the gateway process ready", Duration.ofMinutes(2), () -> {
        if (gatewayProcess.running().isEmpty()) throw new IllegalStateException("the gateway exited:\n" + gatewayProcess.logTail(30));
        return logLines(gatewayProcess.logFile()) > before && readLog(gatewayProcess.logFile()).lines().skip(before).anyMatch(l -> l.equals("gateway ready"));
      });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long logLines(Path log) {
    return readLog(log).lines().count();
  }

  private static String readLog(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private List<String> javaCommand(ServerProcess p, String mainClass, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), p.marker(), "-Xmx256m",
        "-XX:+UseSerialGC", "-Djava.net.preferIPv4Stack=true", "-Donder.home=" + stack.config().home(), "-cp", absoluteClasspath(), mainClass));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** This JVM's classpath with every entry absolute: the child processes run in the run's directory. */
  private static String absoluteClasspath() {
    List<String> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      if (!e.isBlank()) entries.add(Path.of(e).toAbsolutePath().toString());
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  private static boolean jobsRunning(FlinkRest rest, List<String> jobIds) {
    try {
      for (String id : jobIds) {
        var job = rest.job(id);
        if (!"RUNNING".equals(job.path("state").asText())) return false;
        for (var v : job.path("vertices")) if (!"RUNNING".equals(v.path("status").asText())) return false;
      }
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private long blockNumber() {
    try {
      return Long.decode(stack.anvil().call("eth_blockNumber"));
    } catch (Exception e) {
      return -1;
    }
  }

  private Map<String, Long> owed(String keyspace) {
    try (CqlSession ks = stack.cassandra().session(keyspace)) {
      return new TreeMap<>(new SettlementStore(ks).owed());
    }
  }

  static String diff(Map<String, Long> a, Map<String, Long> b) {
    Set<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    List<String> d = new ArrayList<>();
    for (String k : keys) {
      long x = a.getOrDefault(k, 0L);
      long y = b.getOrDefault(k, 0L);
      if (x != y) d.add(k + " " + x + " vs " + y);
    }
    if (d.isEmpty()) return "";
    return "; differs: " + String.join(", ", d.subList(0, Math.min(3, d.size()))) + (d.size() > 3 ? " and " + (d.size() - 3) + " more" : "");
  }

  private static String sstar(long baseUnits) {
    return io.onder.cli.demo.DemoFigures.sstar(baseUnits);
  }

  private static long endOffsets(String bootstrap, String topic) {
    try (var c = new KafkaConsumer<>(PipelineRun.readCommitted(bootstrap), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts); // offsets of partitions it is not assigned: the consumer logs a warning for each
      return c.endOffsets(parts, Duration.ofSeconds(10)).values().stream().mapToLong(Long::longValue).sum();
    } catch (Exception e) {
      return -1;
    }
  }

  /** Reads a whole readings topic: every device's sequence numbers; returns the number of records. */
  private static long readReadings(String bootstrap, String topic, Map<String, Set<Long>> into) {
    return PipelineRun.readToEnd(bootstrap, topic, new StringDeserializer(), AvroSerde.of(DeviceReading.class), Duration.ofMinutes(2),
        r -> into.computeIfAbsent(r.value().getDeviceId(), k -> new HashSet<>()).add(r.value().getSeq()));
  }

  /** Copies a topic record by record (same partition, key, value, timestamp): the same input for another run. */
  private static long copyTopic(String bootstrap, String from, String to) {
    Properties pp = new Properties();
    pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (var p = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
      long n = PipelineRun.readToEnd(bootstrap, from, new ByteArrayDeserializer(), new ByteArrayDeserializer(), Duration.ofMinutes(2),
          r -> p.send(new ProducerRecord<>(to, r.partition(), r.timestamp(), r.key(), r.value(), r.headers())));
      p.flush();
      return n;
    }
  }

  private static void store(Properties p, Path file) throws IOException {
    try (var w = Files.newBufferedWriter(file)) {
      p.store(w, "chaos run");
    }
  }



  static void awaitCondition(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("gave up waiting for " + what + " after " + timeout.toSeconds() + " s");
      Thread.sleep(100); // polling a condition with a deadline
    }
  }

  private static void pause(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis()); // a fixed pause that is part of the scenario (a part stays down), not a wait for a result
  }

  private void step(String what) {
    out.println("==> " + what);
  }
}
