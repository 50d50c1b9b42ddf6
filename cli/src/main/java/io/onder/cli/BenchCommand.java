package io.onder.cli;

import io.onder.stack.LocalStack;
import io.onder.stack.Server;
import io.onder.stack.StackConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The project's benchmarks, each a program of its module run in its own JVM (its output printed as it comes), and
 * {@code all}: every one, then one table of each figure against its floor from the issues, with the machine.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks: gas, settle, dispatch, ingest, pipeline, or all (one table of every figure against its floor).")
final class BenchCommand implements Callable<Integer> {
  @Parameters(paramLabel = "BENCH", description = "gas, settle, dispatch, ingest, pipeline or all") String which;

  /** A figure no issue sets a floor for: measured and printed, never failing. */
  static final double NO_FLOOR = Double.NaN;

  /** One measured figure against its floor. */
  record Figure(String bench, String name, double value, String unit, double floor, boolean atMost) {
    boolean hasFloor() {
      return !Double.isNaN(floor);
    }

    boolean holds() {
      return !hasFloor() || (atMost ? value <= floor : value >= floor);
    }
  }

  /** How to read one figure off a bench's output. */
  record Reader(Pattern line, int group, String name, String unit, double floor, boolean atMost) {}

  record Bench(String name, List<String> command, List<Reader> readers, String topicPrefix) {
    Bench(String name, List<String> command, List<Reader> readers) {
      this(name, command, readers, null);
    }
  }

  @Override
  public Integer call() throws Exception {
    LocalStack stack = new LocalStack(StackConfig.local());
    List<Bench> benches = new ArrayList<>();
    switch (which) {
      case "gas" -> benches.add(gas(stack));
      case "settle" -> benches.add(settle(stack));
      case "dispatch" -> benches.add(dispatch(stack));
      case "ingest" -> benches.add(ingest(stack));
      case "pipeline" -> benches.add(pipeline(stack));
      case "all" -> benches.addAll(List.of(dispatch(stack), gas(stack), settle(stack), ingest(stack), pipeline(stack)));
      default -> throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "unknown bench '" + which + "': gas, settle, dispatch, ingest, pipeline or all");
    }
    List<Figure> figures = new ArrayList<>();
    boolean ok = true;
    for (Bench b : benches) {
      System.out.println("==> bench " + b.name());
      if (b.name().equals("gas") || b.name().equals("settle")) stack.up(EnumSet.of(Server.ANVIL), m -> System.out.println("  " + m));
      if (b.name().equals("ingest") || b.name().equals("pipeline")) stack.up(EnumSet.of(Server.KAFKA, Server.CASSANDRA), m -> System.out.println("  " + m));
      if (b.topicPrefix() != null) io.onder.stack.KafkaTopics.apply(stack.kafka().adminProperties(), b.topicPrefix());
      ok &= run(b, figures);
    }
    Table t = new Table("bench", "figure", "measured", "floor", "holds");
    for (Figure f : figures) {
      t.row(f.bench(), f.name(), String.format("%,.1f %s", f.value(), f.unit()),
          f.hasFloor() ? (f.atMost() ? "<= " : ">= ") + String.format("%,.0f %s", f.floor(), f.unit()) : "none set",
          !f.hasFloor() ? "-" : f.holds() ? "yes" : "NO");
    }
    System.out.println();
    System.out.println("Onder benchmarks on " + machine());
    System.out.print(t.render());
    return ok ? 0 : 1;
  }

  static String machine() {
    String cpu = "unknown CPU";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
    } catch (Exception ignored) {
      // not Linux: the core count says enough
    }
    long gib = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize() >> 30;
    return String.format("%d cores (%s), %d GiB, Java %s, %s", Runtime.getRuntime().availableProcessors(), cpu, gib,
        System.getProperty("java.version"), System.getProperty("os.name"));
  }

  private static boolean run(Bench b, List<Figure> figures) throws Exception {
    Process p = new ProcessBuilder(b.command()).redirectErrorStream(true).start();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        System.out.println("  " + line);
        for (Reader rd : b.readers()) {
          Matcher m = rd.line().matcher(line);
          if (m.find()) {
            figures.add(new Figure(b.name(), rd.name(), Double.parseDouble(m.group(rd.group()).replace(",", "")), rd.unit(), rd.floor(), rd.atMost()));
          }
        }
      }
    }
    return p.waitFor() == 0;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static List<String> cmd(String classpath, String main, String... args) {
    List<String> c = new ArrayList<>(List.of(java(), "-Xmx1g", "-cp", classpath, main));
    c.addAll(List.of(args));
    return c;
  }

  private static String jobJar(LocalStack stack) {
    return stack.config().home().resolve("flink-jobs/target/onder-flink-jobs-0.1.0-SNAPSHOT-job.jar").toString();
  }

  static Bench gas(LocalStack stack) {
    return new Bench("gas", cmd(System.getProperty("java.class.path"), "io.onder.bridge.GasBench", "--rpc", stack.anvil().rpcUrl(),
        "--chain-id", Long.toString(stack.anvil().chainId()), "--mnemonic-file", stack.anvil().mnemonicFile().toString()),
        List.of(new Reader(Pattern.compile("^100\\s+existing dense\\s+\\d+\\s+(\\d+)"), 1, "gas per existing owner, batch of 100", "gas", 6_000, true),
            new Reader(Pattern.compile("^500\\s+existing dense\\s+\\d+\\s+(\\d+)"), 1, "gas per existing owner, batch of 500", "gas", 6_000, true),
            new Reader(Pattern.compile("^100\\s+existing sparse\\s+\\d+\\s+(\\d+)"), 1, "gas per existing owner, 100, worst case", "gas", 6_000, true)));
  }

  static Bench settle(LocalStack stack) {
    return new Bench("settle", cmd(System.getProperty("java.class.path"), "io.onder.bridge.SettleBench", "--rpc", stack.anvil().rpcUrl(),
        "--chain-id", Long.toString(stack.anvil().chainId()), "--mnemonic-file", stack.anvil().mnemonicFile().toString(), "--owners", "10000"),
        List.of(new Reader(Pattern.compile("^batch of 10000 first-time\\s+([0-9.]+)"), 1, "a batch of 10,000 first-time owners, signed and paid", "s", NO_FLOOR, true),
            new Reader(Pattern.compile("^batch of 10000 existing\\s+([0-9.]+)"), 1, "the same 10,000 owners again", "s", NO_FLOOR, true)));
  }

  static Bench dispatch(LocalStack stack) {
    return new Bench("dispatch", cmd(jobJar(stack), "io.onder.rules.DispatchBench", "100000", "7"),
        List.of(new Reader(Pattern.compile("cold ([0-9.]+) ms"), 1, "DR event to last command, 100,000 devices (cold)", "ms", 1_000, true),
            new Reader(Pattern.compile("warm median ([0-9.]+) ms"), 1, "DR event to last command, 100,000 devices (warm)", "ms", 1_000, true)));
  }

  static Bench ingest(LocalStack stack) {
    String prefix = "bench" + System.currentTimeMillis() + "."; // topics of its own: the readings lost are counted in them
    return new Bench("ingest", cmd(System.getProperty("java.class.path"), "io.onder.ingest.bench.IngestBench", "--bootstrap",
        stack.kafka().bootstrapServers(), "--topic-prefix", prefix, "--seconds", "10", "--pack", "20"),
        List.of(new Reader(Pattern.compile("^gateway coaps, 1 reading/request\\s+([0-9.]+) req/s"), 1, "DTLS requests/s, 1 reading each", "req/s", 5_000, false),
            new Reader(Pattern.compile("^gateway coaps, 20 readings/request\\s+[0-9.]+ req/s\\s+([0-9.]+) readings/s"), 1, "readings/s in packs of 20 (DTLS)", "readings/s", 50_000, false),
            new Reader(Pattern.compile("half.*p99\\s+([0-9.]+) ms"), 1, "p99 ack at half the maximum rate", "ms", 50, true),
            new Reader(Pattern.compile("lost (\\d+)"), 1, "readings lost (counted in Kafka)", "", 0, true),
            new Reader(Pattern.compile("extra (\\d+)"), 1, "readings written twice (counted in Kafka)", "", 0, true)), prefix);
  }

  static Bench pipeline(LocalStack stack) {
    String cp = jobJar(stack) + ":" + stack.config().home().resolve("local-stack/target/onder-local-stack-0.1.0-SNAPSHOT.jar") + ":" + readClasspath(stack.config().home().resolve("local-stack/servers/flink/target/classpath.txt"));
    String prefix = "bench" + System.currentTimeMillis() + ".";
    return new Bench("pipeline", cmd(cp, "io.onder.flink.bench.PipelineBench", "--kafka", stack.kafka().bootstrapServers(), "--cassandra",
        stack.cassandra().endpoint(), "--keyspace", stack.config().get("onder.cassandra.keyspace"), "--topic-prefix", prefix),
        List.of(new Reader(Pattern.compile("THROUGHPUT: .* = ([0-9,]+) readings/s"), 1, "readings/s Kafka to Cassandra, quality + rewards, p=2, jobs warm", "readings/s", 40_000, false),
            new Reader(Pattern.compile("window close \\(watermark past .*\\) -> row in Cassandra: p50 [0-9,]+ ms, p99 ([0-9,]+) ms"), 1,
                "p99 window close (watermark) to interval row in Cassandra", "ms", 2_000, true),
            new Reader(Pattern.compile("interval end -> row in Cassandra: p50 [0-9,]+ ms, p99 ([0-9,]+) ms"), 1,
                "p99 interval end to its row, out-of-orderness (1 s) included", "ms", 2_000, true)), prefix);
  }

  private static String readClasspath(Path file) {
    try {
      return Files.readString(file).strip();
    } catch (Exception e) {
      throw new IllegalStateException(file + " is missing: build first", e);
    }
  }
}
