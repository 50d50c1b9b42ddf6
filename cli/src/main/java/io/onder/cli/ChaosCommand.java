package io.onder.cli;

import io.onder.cli.chaos.Chaos;
import io.onder.stack.LocalStack;
import io.onder.stack.StackConfig;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = {"The fault suite: under a steady simulated load, kill -9 one at a time the gateway, the Kafka broker, the Flink "
        + "TaskManager, Cassandra, the bridge and the Ethereum node, let each recover, then prove that no acknowledged reading is "
        + "missing, the ledger equals an undisturbed run's over the same input, and the chain paid exactly what the ledger owes.",
        "It runs on a stack of its own (runtime dir .onder/chaos-stack, free ports), started and stopped by the command, so a "
            + "stack you have up is never touched. Exit code 0 when every proof holds."})
final class ChaosCommand implements Callable<Integer> {
  private static final Chaos.Settings D = Chaos.Settings.defaults();

  @Option(names = "--devices", description = "Fleet size (default ${DEFAULT-VALUE})") int devices = D.devices();
  @Option(names = "--feeders", description = "Feeders (default ${DEFAULT-VALUE})") int feeders = D.feeders();
  @Option(names = "--hours", description = "Simulated hours of load (default ${DEFAULT-VALUE}); long enough for the six faults")
  double hours = D.hours();
  @Option(names = "--speed", description = "Simulated seconds per wall second (default ${DEFAULT-VALUE})") double speed = D.speed();
  @Option(names = "--seed", description = "Fleet seed (default ${DEFAULT-VALUE})") long seed = D.seed();
  @Option(names = "--no-progress", description = "No progress bar (for logs).") boolean noProgress;

  @Override
  public Integer call() throws Exception {
    if (devices < 1 || feeders < 1 || devices < feeders) throw new IllegalArgumentException("--devices must be at least --feeders, both positive");
    if (hours < 1 || speed <= 0) throw new IllegalArgumentException("--hours must be at least 1 and --speed positive");
    Chaos.Settings s = new Chaos.Settings(devices, feeders, D.substations(), D.start(), hours, speed, D.readingEvery(), D.packSize(), seed,
        D.down(), !noProgress);
    return run(StackConfig.local().runtimeDir().resolve("chaos-stack"), s, System.out) ? 0 : 1;
  }

  /** Runs the suite on a stack of its own in {@code runtimeDir}, stopping that stack at the end; true when every proof holds. */
  static boolean run(Path runtimeDir, Chaos.Settings s, java.io.PrintStream out) throws Exception {
    // servers left by an earlier run that was killed are stopped first
    new LocalStack(StackConfig.isolated(runtimeDir, new Properties())).down(m -> out.println("  leftover: " + m));
    Properties o = new Properties();
    o.setProperty("onder.up.timeout.seconds", "180");
    LocalStack stack = new LocalStack(StackConfig.isolatedOnFreePorts(runtimeDir, o));
    try {
      Chaos.Result r = new Chaos(stack, s, out).run();
      out.println();
      out.println("Faults, one at a time:");
      out.print(r.faultTable());
      out.println();
      out.println("Proofs:");
      out.print(r.checkTable());
      out.printf("%nchaos suite %s in %d s%n", r.passed() ? "PASSED" : "FAILED", r.took.toSeconds());
      return r.passed();
    } finally {
      out.println("==> stopping the chaos stack");
      stack.down(m -> out.println("  " + m));
    }
  }
}
