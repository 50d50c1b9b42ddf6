package io.onder.cli;

import io.onder.stack.FlinkRest;
import io.onder.stack.LocalStack;
import io.onder.stack.StackConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "jobs", mixinStandardHelpOptions = true,
    description = "Operate the Flink jobs on the local session cluster (its REST API): submit, list, savepoint, stop, upgrade.",
    subcommands = {JobsCommand.Submit.class, JobsCommand.ListJobs.class, JobsCommand.Savepoint.class, JobsCommand.Stop.class,
        JobsCommand.Upgrade.class, JobsCommand.Replay.class})
final class JobsCommand implements Runnable {
  /** The deployable jobs: name → entry class. Each can be deployed, upgraded and replayed on its own. */
  static final Map<String, String> JOBS = Map.of(
      "quality", "io.onder.flink.QualityJob",
      "dr", "io.onder.flink.DrJob",
      "rewards", "io.onder.flink.RewardsJob");

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  static LocalStack stack() {
    return new LocalStack(StackConfig.local());
  }

  static FlinkRest rest(LocalStack stack) {
    return new FlinkRest(stack.flink().restUrl());
  }

  static Path jobJar(StackConfig config) {
    Path jar = config.home().resolve("flink-jobs/target/onder-flink-jobs-0.1.0-SNAPSHOT-job.jar");
    if (!Files.isRegularFile(jar)) throw new IllegalStateException(jar + " is missing: build with mvn -pl flink-jobs -am package");
    return jar;
  }

  static String entryClass(String job) {
    String c = JOBS.get(job);
    if (c == null) throw new IllegalArgumentException("unknown job '" + job + "': choose from " + String.join(", ", JOBS.keySet()));
    return c;
  }

  /** Program arguments pointing a job at the local stack. */
  static List<String> args(LocalStack stack, String rulebook) {
    List<String> a = new ArrayList<>(List.of("--kafka", stack.kafka().bootstrapServers(), "--cassandra", stack.cassandra().endpoint(),
        "--keyspace", stack.config().get("onder.cassandra.keyspace")));
    if (rulebook != null) a.addAll(List.of("--rulebook", rulebook));
    return a;
  }

  /** A running job by name (the job's name is "onder-" + name) or by id. */
  static FlinkRest.Job find(FlinkRest rest, String nameOrId) throws Exception {
    for (FlinkRest.Job j : rest.jobs()) {
      if (j.state().equals("RUNNING") && (j.id().equals(nameOrId) || j.name().equals("onder-" + nameOrId))) return j;
    }
    throw new IllegalArgumentException("no running job '" + nameOrId + "' (see: bin/onder jobs list)");
  }

  static String submit(LocalStack stack, String job, String rulebook, String savepoint, Integer parallelism) throws Exception {
    FlinkRest rest = rest(stack);
    String jarId = rest.upload(jobJar(stack.config()));
    String id = rest.run(jarId, entryClass(job), args(stack, rulebook), savepoint, parallelism);
    rest.awaitState(id, "RUNNING", Duration.ofSeconds(60));
    return id;
  }

  @Command(name = "submit", mixinStandardHelpOptions = true, description = "Upload the shaded job jar and run a job.")
  static final class Submit implements Callable<Integer> {
    @Parameters(paramLabel = "JOB", description = "quality, dr or rewards") String job;
    @Option(names = "--rulebook", description = "Market rulebook version (rewards)") String rulebook;
    @Option(names = "--from-savepoint", description = "Start from this savepoint") String savepoint;
    @Option(names = "--parallelism", description = "Default: the cluster's (2)") Integer parallelism;

    @Override
    public Integer call() throws Exception {
      entryClass(job);
      String id = submit(stack(), job, rulebook, savepoint, parallelism);
      System.out.println("job " + job + " running as " + id);
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "The cluster's jobs.")
  static final class ListJobs implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      Table t = new Table("id", "name", "state", "started");
      for (FlinkRest.Job j : rest(stack()).jobs()) t.row(j.id(), j.name(), j.state(), Instant.ofEpochMilli(j.startTime()));
      System.out.print(t.render());
      return 0;
    }
  }

  @Command(name = "savepoint", mixinStandardHelpOptions = true, description = "Take a savepoint of a running job.")
  static final class Savepoint implements Callable<Integer> {
    @Parameters(paramLabel = "JOB", description = "job name or id") String job;

    @Override
    public Integer call() throws Exception {
      FlinkRest rest = rest(stack());
      System.out.println(rest.savepoint(find(rest, job).id(), null, Duration.ofMinutes(2)));
      return 0;
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a job with a final savepoint; prints its location.")
  static final class Stop implements Callable<Integer> {
    @Parameters(paramLabel = "JOB", description = "job name or id") String job;

    @Override
    public Integer call() throws Exception {
      FlinkRest rest = rest(stack());
      System.out.println(rest.stopWithSavepoint(find(rest, job).id(), null, Duration.ofMinutes(2)));
      return 0;
    }
  }

  @Command(name = "upgrade", mixinStandardHelpOptions = true,
      description = "Stop a job with a savepoint and start the current jar from it (stable operator uids keep its state).")
  static final class Upgrade implements Callable<Integer> {
    @Parameters(paramLabel = "JOB", description = "quality, dr or rewards") String job;
    @Option(names = "--rulebook", description = "Market rulebook version (rewards)") String rulebook;

    @Override
    public Integer call() throws Exception {
      LocalStack stack = stack();
      FlinkRest rest = rest(stack);
      FlinkRest.Job running = find(rest, job);
      String sp = rest.stopWithSavepoint(running.id(), null, Duration.ofMinutes(2));
      System.out.println("stopped " + running.id() + " with savepoint " + sp);
      String id = submit(stack, job, rulebook, sp, null);
      System.out.println("job " + job + " upgraded: running as " + id + " from " + sp);
      return 0;
    }
  }

  @Command(name = "replay", mixinStandardHelpOptions = true,
      description = "Run the rewards job over the Kafka history under another rulebook (to topics of its own) and print how the ledger changes.")
  static final class Replay implements Callable<Integer> {
    @Option(names = "--rulebook", required = true, description = "The rulebook version to replay under, e.g. onder-flex-2026.1") String rulebook;

    @Override
    public Integer call() throws Exception {
      LocalStack stack = stack();
      FlinkRest rest = rest(stack);
      String prefix = "replay-" + rulebook + "-" + System.currentTimeMillis() + ".";
      io.onder.stack.KafkaTopics.apply(stack.kafka().adminProperties(), prefix);
      List<String> a = new ArrayList<>(args(stack, rulebook));
      a.addAll(List.of("--replay", "true", "--output-prefix", prefix));
      String jarId = rest.upload(jobJar(stack.config()));
      String id = rest.run(jarId, entryClass("rewards"), a, null, null);
      System.out.println("replaying the ledger under " + rulebook + " as job " + id + "...");
      rest.awaitState(id, "FINISHED", Duration.ofMinutes(15));
      var live = io.onder.stack.LedgerTotals.read(stack.kafka().bootstrapServers(), io.onder.schemas.Topics.LEDGER, Duration.ofMinutes(2));
      var replay = io.onder.stack.LedgerTotals.read(stack.kafka().bootstrapServers(), prefix + io.onder.schemas.Topics.LEDGER, Duration.ofMinutes(2));
      Table t = new Table("reason", "live (" + live.rulebookVersion + ")", "replay (" + rulebook + ")", "difference");
      java.util.Set<String> reasons = new java.util.TreeSet<>(live.byReason.keySet());
      reasons.addAll(replay.byReason.keySet());
      for (String r : reasons) {
        long l = live.byReason.getOrDefault(r, 0L);
        long n = replay.byReason.getOrDefault(r, 0L);
        t.row(r, l, n, String.format("%+d", n - l));
      }
      System.out.print(t.render());
      System.out.printf("ledger lines: live %d, replay %d; amounts in S* base units (6 decimals)%n", live.lines, replay.lines);
      return 0;
    }
  }
}
