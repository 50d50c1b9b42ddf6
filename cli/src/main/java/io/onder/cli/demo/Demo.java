package io.onder.cli.demo;

import com.datastax.oss.driver.api.core.CqlSession;
import io.onder.bridge.BridgeMain;
import io.onder.bridge.Reconciler;
import io.onder.bridge.SettlementStore;
import io.onder.ingest.Gateway;
import io.onder.ingest.GatewayConfig;
import io.onder.ingest.dr.CassandraTopology;
import io.onder.ingest.dr.DrApi;
import io.onder.ingest.dr.DrEvents;
import io.onder.ingest.dr.UtilityTokens;
import io.onder.ingest.kafka.KafkaOut;
import io.onder.ingest.registry.CassandraDeviceRegistry;
import io.onder.ingest.registry.SecretResolver;
import io.onder.schemas.Topics;
import io.onder.simulator.FleetPlan;
import io.onder.simulator.FleetRunner;
import io.onder.simulator.Provisioner;
import io.onder.simulator.SimClock;
import io.onder.stack.CassandraSchema;
import io.onder.stack.FlinkRest;
import io.onder.stack.KafkaTopics;
import io.onder.stack.LocalStack;
import io.onder.stack.Server;
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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The main job on local defaults, as a new user sees it: the local stack, the contracts deployed and the pool
 * funded, a fleet provisioned, the Flink jobs submitted to the session cluster over REST, the gateway and the
 * settlement bridge running, a simulated day of readings over CoAP+DTLS, a DR event through the DR API in the
 * evening peak, settlement on chain, and reconcile. Each run has its own keyspace and topic prefix, so runs never
 * mix.
 */
public final class Demo {
  /**
   * How long a Kafka partition may stay quiet before a job's watermark goes on without it. Longer than a loaded
   * machine's gap between two exactly-once commits upstream: the DR and rewards jobs' energy partitions fill only at
   * the quality job's checkpoints. Partitions that went idle in between and come back with the next commit could find
   * the watermark downstream already moved on by another reader's partitions, and their energy late.
   */
  static final Duration IDLENESS = Duration.ofSeconds(10);

  /** How long a loaded gateway may hold a request, wall time (its p99 here with a thousand devices is about 8 s). */
  static final Duration GATEWAY_WALL_DELAY = Duration.ofSeconds(8);

  /** The grace and three checkpoints of 2 s of wall time, with slack, rounded up to half hours of simulated time. */
  /**
   * When the demo's utility posts its DR event and when the event starts; {@code start} null when the run has no room
   * for one. {@code note} says why the event is not at the time asked for, or why there is none.
   */
  public record DrSchedule(Instant start, Instant announce, Duration lead, String note) {}

  /** The DR event's default start, in the evening peak. */
  public static final LocalTime DR_START = LocalTime.of(18, 0);

  /** Where the simulated day starts: {@code s.start()} of yesterday (UTC). */
  public static Instant simStart(DemoSettings s) {
    return LocalDate.now(ZoneOffset.UTC).minusDays(1).atTime(s.start()).toInstant(ZoneOffset.UTC);
  }

  /**
   * Plans the run's DR event. Baselines are computed over the intervals before the dispatch, and intervals after the
   * announcement do not count (an owner who knows an event is coming could raise its load), so the utility announces
   * the event an hour (twelve intervals at least; the rulebook's window is ten) before the dispatch, which goes out
   * the lead before the start. The fleet must have been reporting since before the announcement, and the event must
   * end within the run. The event starts at {@code s.drStart()} (the next day's, if today's is too early for the run);
   * with no time asked for ({@code null}), at 18:00 or, if that does not fit, the first interval that does.
   */
  public static DrSchedule drSchedule(DemoSettings s, Instant simStart) {
    long grace = PipelineRun.graceSeconds(s.readingEvery(), s.packSize(), s.speed(), GATEWAY_WALL_DELAY);
    Duration lead = drLead(grace, s.speed());
    Duration notice = lead.plus(Duration.ofMinutes(60).compareTo(s.interval().multipliedBy(12)) >= 0 ? Duration.ofMinutes(60)
        : s.interval().multipliedBy(12));
    Instant runEnd = simStart.plusSeconds((long) (s.hours() * 3_600));
    LocalTime wanted = s.drStart() == null ? DR_START : s.drStart();
    Instant at = simStart.atOffset(ZoneOffset.UTC).toLocalDate().atTime(wanted).toInstant(ZoneOffset.UTC);
    while (at.minus(notice).isBefore(simStart)) at = at.plus(Duration.ofDays(1));
    if (!at.plus(s.drLength()).isAfter(runEnd)) return new DrSchedule(at, at.minus(notice), lead, null);
    String why = "the utility announces it " + notice.toMinutes() + " simulated minutes ahead (the dispatch lead of " + lead.toMinutes()
        + " min at this speed, and an hour of readings for the baselines) and it lasts " + s.drLength().toMinutes() + " min";
    long interval = s.interval().toMillis();
    Instant earliest = Instant.ofEpochMilli(-Math.floorDiv(-simStart.plus(notice).toEpochMilli(), interval) * interval);
    if (s.drStart() == null && !earliest.plus(s.drLength()).isAfter(runEnd)) {
      return new DrSchedule(earliest, earliest.minus(notice), lead, "the DR event starts at " + LocalTime.ofInstant(earliest, ZoneOffset.UTC)
          + ", not " + DR_START + ", which does not fit this run: " + why);
    }
    return new DrSchedule(null, null, lead, "no DR event fits a run of " + String.format("%.1f", s.hours()) + " simulated hours from " + LocalTime.ofInstant(simStart, ZoneOffset.UTC)
        + (s.drStart() == null ? "" : " at " + s.drStart()) + ": " + why + "; start the run earlier or make it longer");
  }

  static Duration drLead(long graceSeconds, double speed) {
    long minutes = (long) Math.ceil((graceSeconds + 10 * speed) / 60.0);
    return Duration.ofMinutes((minutes + 29) / 30 * 30);
  }
  private final LocalStack stack;
  private final DemoSettings s;
  private final PrintStream out;
  private final String runId = "demo" + DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
  private final String keyspace = runId;
  private final String prefix = runId + ".";
  private final Path dir;
  private final List<String> jobIds = new java.util.concurrent.CopyOnWriteArrayList<>();

  public Demo(LocalStack stack, DemoSettings settings, PrintStream out) {
    this.stack = stack;
    this.s = settings;
    this.out = out;
    this.dir = stack.config().runtimeDir().resolve("demo").resolve(runId);
  }

  /** What the run measured, for the summary and the report. */
  public static final class Result {
    public FleetRunner.Summary fleet;
    public DemoFigures figures;
    public List<Reconciler.Line> reconcile;
    public boolean reconciled;
    public Path report;
    public Duration took;
    /**
     * Data later than the grace: device intervals valued at their feeder interval's margin (written and rewarded),
     * device intervals set aside (no margin kept), feeder states set aside (their network fees not settled).
     */
    public long lateDeviceEnergy;
    public long lateDeviceEnergySetAside;
    public long lateFeederState;
    public MostBehind mostBehind = MostBehind.UNSAMPLED;
  }

  /** The largest lag behind the simulated clock of each stage over a run, in simulated minutes (-1: never sampled). */
  public record MostBehind(long fleet, long qualityJob, long drJob) {
    public static final MostBehind UNSAMPLED = new MostBehind(-1, -1, -1);
  }

  public Result run() throws Exception {
    long t0 = System.nanoTime();
    Result result = new Result();
    Files.createDirectories(dir);
    step("local stack");
    boolean wasUp = stack.status().stream().allMatch(st -> st.health().ok());
    stack.up(EnumSet.allOf(Server.class), msg -> out.println("  " + msg));
    AtomicBoolean stopBridge = new AtomicBoolean();
    Thread bridge = null;
    Gateway gateway = null;
    DrApi drApi = null;
    KafkaOut drOut = null;
    CqlSession registrySession = null; // the gateway's and the DR API's
    FlinkRest rest = new FlinkRest(stack.flink().restUrl());
    // stopped by a signal (Ctrl-C) the run still cleans up after itself: its jobs would otherwise go on running on
    // the session cluster, and the stack it started would stay up
    AtomicBoolean cleanedUp = new AtomicBoolean(s.keep());
    Thread onSignal = new Thread(() -> {
      if (!cleanedUp.compareAndSet(false, true)) return;
      step("stopped: cancelling the run's jobs" + (wasUp ? "" : " and stopping the stack"));
      PipelineRun.cancel(rest, List.copyOf(jobIds));
      dropRun();
      if (!wasUp) stack.down(msg -> out.println("  " + msg));
    }, "onder-demo-stopped");
    Runtime.getRuntime().addShutdownHook(onSignal);
    try (CqlSession session = stack.cassandra().session(null)) {
      step("run " + runId + ": keyspace " + keyspace + ", topics " + prefix + "*");
      KafkaTopics.apply(stack.kafka().adminProperties(), prefix);
      CassandraSchema.apply(session, keyspace);

      step("contracts: DER, the service market (S*), the channel hub, the device registry; the pool funded");
      PipelineRun.Contracts contracts = PipelineRun.deploy(stack.anvil(), 1_000_000_000_000L); // 1,000,000 S* for the day's rewards
      String hub = contracts.hub();
      out.println("  hub " + hub + ", market " + contracts.deployment().market().getContractAddress());

      step("fleet: " + s.devices() + " devices on " + s.feeders() + " feeders under " + s.substations() + " substations, each with its own PSK");
      FleetPlan plan = FleetPlan.of(s.devices(), s.feeders(), s.substations(), s.seed());
      Map<String, byte[]> keys;
      try (CqlSession ks = stack.cassandra().session(keyspace)) {
        keys = Provisioner.provision(ks, keyspace, plan, dir.resolve("device-psk.properties"));
      }

      step("Flink jobs submitted to the session cluster");
      Path jarFile = stack.config().home().resolve("flink-jobs/target/onder-flink-jobs-0.1.0-SNAPSHOT-job.jar");
      List<String> jobs = new ArrayList<>(List.of("io.onder.flink.QualityJob", "io.onder.flink.RewardsJob"));
      try (var zip = new java.util.zip.ZipFile(jarFile.toFile())) {
        if (zip.getEntry("io/onder/flink/DrJob.class") != null) jobs.add("io.onder.flink.DrJob");
      }
      // A pack's span and the wall time a loaded gateway may hold a request (its p99 on this machine with a thousand
      // devices), multiplied by the speed; checkpoints every 2 s, since each exactly-once hop (quality → DR → gateway)
      // waits for one.
      long grace = PipelineRun.graceSeconds(s.readingEvery(), s.packSize(), s.speed(), GATEWAY_WALL_DELAY);
      out.println("  allowed lateness (grace) " + grace / 60 + " simulated minutes: a pack's span and " + GATEWAY_WALL_DELAY.toSeconds()
          + " s of wall time");
      // The DR job sends an event's first commands ahead of its start by the way from a reading to the gateway: the
      // grace, then a checkpoint at each of the three hops. At this speed seconds of wall time are simulated hours, so
      // commands sent at the start would reach devices near the event's end. The utility announces it before that.
      Instant simStart = simStart(s);
      LocalDate day = simStart.atOffset(ZoneOffset.UTC).toLocalDate();
      DrSchedule dr = drSchedule(s, simStart);
      Duration drLead = dr.lead();
      List<String> jobArgs = new ArrayList<>(PipelineRun.jobArgs(stack.kafka().bootstrapServers(), stack.cassandra().endpoint(),
          keyspace, prefix, runId, contracts.creatorsFund().getAddress(), grace, Duration.ofSeconds(2), IDLENESS));
      jobArgs.addAll(List.of("--dr-lead-minutes", Long.toString(drLead.toMinutes()), "--interval-seconds", Long.toString(s.interval().toSeconds())));
      out.println("  intervals of " + s.interval().toMinutes() + " simulated minutes");
      out.println("  DR commands go out " + drLead.toMinutes() + " simulated minutes before an event's start");
      jobIds.addAll(PipelineRun.submit(rest, jarFile, jobs, jobArgs, out));

      // past the last hour by the grace and two intervals (five minutes at least), so the last intervals and settlement
      // period close: a feeder's interval closes once the watermark is the grace past its end
      Instant simEnd = simStart.plusSeconds((long) (s.hours() * 3600) + grace + Math.max(300, 2 * s.interval().toSeconds()));
      // held at the day's start while the fleet opens its sessions, then played at the speed
      SimClock clock = SimClock.held(simStart, s.speed());

      step("gateway (CoAP over DTLS) on the simulated clock, and the settlement bridge");
      Properties gp = new Properties();
      // a big fleet shares its sockets, one device per gateway address on each: the gateway listens on more ports
      java.util.Set<String> ports = new java.util.LinkedHashSet<>();
      while (ports.size() < FleetRunner.addressesFor(s.devices())) ports.add(Integer.toString(PipelineRun.freeUdpPort()));
      List<String> extraPorts = new ArrayList<>(ports).subList(1, ports.size());
      gp.setProperty("onder.ingest.coaps.port", ports.iterator().next());
      gp.setProperty("onder.ingest.coaps.extra-ports", String.join(",", extraPorts));
      gp.setProperty("onder.ingest.metrics.port", "0");
      gp.setProperty("onder.kafka.bootstrap", stack.kafka().bootstrapServers());
      gp.setProperty("onder.kafka.topic.prefix", prefix);
      gp.setProperty("onder.cassandra.keyspace", keyspace);
      GatewayConfig gc = new GatewayConfig(gp);
      registrySession = stack.cassandra().session(null);
      gateway = new Gateway(gc, new CassandraDeviceRegistry(registrySession, keyspace, Duration.ofSeconds(30)), new SecretResolver(), clock).start();
      out.println("  gateway coaps://127.0.0.1:" + gateway.coapsPort() + (extraPorts.isEmpty() ? "" : ", also on ports " + String.join(",", extraPorts)));
      String utilityToken = java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(24));
      Properties tokens = new Properties();
      tokens.setProperty("utility.demo-utility.token-sha256", UtilityTokens.sha256Hex(utilityToken));
      drOut = new KafkaOut(gc.kafka("producer"), gc.topic(Topics.READINGS), clock::millis);
      DrEvents events = new DrEvents(drOut::send, gc.topic(Topics.DR_EVENTS), clock).loadFrom(gc.kafka("consumer"));
      drApi = new DrApi(new InetSocketAddress("127.0.0.1", 0), new UtilityTokens(tokens), events,
          new CassandraTopology(registrySession, keyspace, clock, Duration.ofSeconds(30)), clock);
      out.println("  DR API http://127.0.0.1:" + drApi.port() + "/events (bearer token per utility)");

      Properties bp = BridgeMain.config(null);
      bp.setProperty("onder.bridge.rpc-url", stack.anvil().rpcUrl());
      bp.setProperty("onder.bridge.chain-id", Long.toString(stack.anvil().chainId()));
      bp.setProperty("onder.bridge.hub", hub);
      bp.setProperty("onder.bridge.from-block", Long.toString(contracts.fromBlock()));
      bp.setProperty("onder.bridge.kafka.bootstrap", stack.kafka().bootstrapServers());
      bp.setProperty("onder.bridge.kafka.group", runId + "-bridge");
      bp.setProperty("onder.bridge.topic.batches", prefix + Topics.SETTLEMENT_BATCHES);
      bp.setProperty("onder.bridge.topic.receipts", prefix + Topics.SETTLEMENT_RECEIPTS);
      bp.setProperty("onder.bridge.cassandra.contact-point", stack.cassandra().endpoint());
      bp.setProperty("onder.bridge.cassandra.keyspace", keyspace);
      bp.setProperty("onder.bridge.voucher-server.port", "0");
      Throwable[] bridgeFailure = new Throwable[1];
      bridge = new Thread(() -> {
        try {
          BridgeMain.run(bp, contracts.hubKey(), stopBridge);
        } catch (Throwable e) {
          bridgeFailure[0] = e;
        }
      }, "onder-bridge");
      bridge.start();

      step(String.format("a simulated day (%s) at %.0fx, readings every %d s in packs of %d", day, s.speed(), s.readingEvery().toSeconds(), s.packSize()));
      // the utility announces the event ahead, through the DR API
      if (dr.note() != null) out.println("  " + dr.note());
      if (dr.start() != null) out.println("  DR event at " + dr.start() + ", announced at " + dr.announce());
      Instant drAt = dr.start();
      long drKw = Math.max(1, plan.deviceList().stream().filter(dv -> dv.substationId().equals("S01")).count() / 5);
      DrTrigger trigger = new DrTrigger(drApi.port(), utilityToken, "S01", drAt, s.drLength(), drKw, 50_000, out);
      Consumer<Long> drTrigger = drAt == null ? t -> { } : DrTrigger.at(dr.announce().toEpochMilli(), trigger::post);
      try (FleetRunner fleet = new FleetRunner(plan, keys, gateway.coapsPorts().stream().map(port -> new InetSocketAddress("127.0.0.1", port)).toList());
           PipelineLag lag = new PipelineLag(rest, clock, jobIds.get(0), jobIds.size() > 2 ? jobIds.get(2) : null).start()) {
        result.fleet = fleet.run(new FleetRunner.Settings(clock, simEnd, s.readingEvery(), s.packSize(), s.compliance(), 512, s.progress()),
            t -> {
              lag.fleetAt(t);
              drTrigger.accept(t);
            });
        result.mostBehind = lag.mostBehind();
        lag.write(dir.resolve("pipeline-lag.csv"));
        out.printf("  gateway: %,d DR commands read, up to %d simulated minutes after their issue, %,d asks (not releases) after their end"
            + " (too late for the device); %,d notifications to %,d observing devices%n", gateway.metrics().value("onder_ingest_command_changes"),
            gateway.metrics().gaugeValue("onder_ingest_command_max_delay_ms") / 60_000, gateway.metrics().gaugeValue("onder_ingest_commands_ended_on_arrival"),
            gateway.metrics().value("onder_ingest_command_notifications"), gateway.metrics().gaugeValue("onder_ingest_command_observers"));
      }
      out.printf("  %,d readings made, %,d acknowledged, %,d refused, %,d resent after 5.03 or no answer, %,d never sent%n",
          result.fleet.readingsMade.get(), result.fleet.readingsAcked.get(), result.fleet.readingsRejected.get(), result.fleet.retries.get(),
          result.fleet.unsent);

      step("settlement on chain");
      long periodsEnd = simStart.toEpochMilli() + (long) (s.hours() * 3_600_000);
      try (CqlSession ks = stack.cassandra().session(keyspace)) {
        PipelineRun.awaitWatermark(rest, jobIds.get(1), "settlement-batcher", periodsEnd, Duration.ofMinutes(5));
        out.println("  the rewards job has closed every settlement period of the day");
        int batches = PipelineRun.awaitSettled(ks, stack.kafka().bootstrapServers(), prefix,
            () -> bridgeFailure[0] == null ? null : String.valueOf(bridgeFailure[0].getMessage()), Duration.ofMinutes(5), s.progress());
        out.println("  " + batches + " settlement batches, all settled on chain");
        step("reconcile: what the ledger owes, what the vouchers say, what the chain paid");
        result.reconcile = PipelineRun.reconcile(stack.anvil(), contracts, new SettlementStore(ks));
        result.reconciled = Reconciler.allOk(result.reconcile);
        result.figures = DemoFigures.collect(ks, stack.kafka().bootstrapServers(), prefix, plan,
            List.of(dayInt(day), dayInt(day.plusDays(1))));
        if (drAt != null) {
          result.figures.loadDr(ks, trigger.eventId, drAt.toEpochMilli(), drAt.plus(s.drLength()).toEpochMilli(), drKw * 1000, s.interval().toMillis());
        }
      }
      result.lateDeviceEnergy = rest.counterSum(jobIds.get(0), "lateDeviceEnergy");
      result.lateDeviceEnergySetAside = rest.counterSum(jobIds.get(0), "lateDeviceEnergySetAside");
      result.lateFeederState = rest.counterSum(jobIds.get(1), "lateFeederState");
      result.report = Report.write(dir.resolve("report.html"), runId, day, result.figures);
      result.took = Duration.ofNanos(System.nanoTime() - t0);
      return result;
    } finally {
      stopBridge.set(true);
      if (bridge != null) bridge.join(15_000);
      if (drApi != null) drApi.close();
      if (drOut != null) drOut.close();
      if (gateway != null) gateway.close();
      if (registrySession != null) registrySession.close();
      if (cleanedUp.compareAndSet(false, true)) {
        PipelineRun.cancel(rest, jobIds);
        dropRun();
        if (!wasUp) {
          step("stopping the stack (use --keep to leave it up)");
          stack.down(msg -> out.println("  " + msg));
        }
      }
      try {
        Runtime.getRuntime().removeShutdownHook(onSignal);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run
      }
    }
  }

  /**
   * Drops the run's keyspace and topics (without --keep; the report stays): each run makes its own, and a stack kept
   * across many runs would otherwise carry every earlier run's tables, whose metrics alone filled Cassandra's heap here
   * after forty runs.
   */
  private void dropRun() {
    step("dropping the run's keyspace " + keyspace + " and topics " + prefix + "* (use --keep to leave them)");
    try (CqlSession session = stack.cassandra().session(null)) {
      CassandraSchema.drop(session, keyspace);
    } catch (RuntimeException e) {
      out.println("  could not drop keyspace " + keyspace + ": " + e.getMessage());
    }
    try {
      KafkaTopics.deleteAll(stack.kafka().adminProperties(), prefix);
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      out.println("  could not delete topics " + prefix + "*: " + e.getMessage());
    }
  }

  static int dayInt(LocalDate d) {
    return d.getYear() * 10_000 + d.getMonthValue() * 100 + d.getDayOfMonth();
  }

  private void step(String what) {
    out.println("==> " + what);
  }

  public static String kwh(long milliWh) {
    return DemoFigures.kwh(milliWh);
  }

  public static String sstar(long baseUnits) {
    return DemoFigures.sstar(baseUnits);
  }
}
