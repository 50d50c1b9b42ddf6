package io.onder.cli;

import io.onder.stack.LocalStack;
import io.onder.stack.SmokeRun;
import io.onder.stack.StackConfig;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "The main job on local defaults: start the stack, run the pipeline, print a summary, stop what it started.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--keep", description = "Leave the stack running afterwards (for Grafana or further commands).")
  boolean keep;

  @Override
  public Integer call() throws Exception {
    LocalStack stack = new LocalStack(StackConfig.local());
    boolean wasUp = stack.status().stream().allMatch(s -> s.health().ok());
    System.out.println("starting the local stack...");
    var rows = stack.up(EnumSet.noneOf(io.onder.stack.Server.class), msg -> System.out.println("  " + msg));
    System.out.print(StackCommand.render(rows, true));
    try {
      SmokeRun.Result r = SmokeRun.run(stack, "", stack.config().get("onder.cassandra.keyspace"));
      System.out.println();
      System.out.print(new Table("stage", "result")
          .row("Kafka", "reading " + r.deviceId() + "#" + r.seq() + " acknowledged (acks=all) at partition " + r.partition() + ", offset " + r.offset())
          .row("Cassandra", "reading stored and read back: import register " + r.importMilliWh() + " mWh")
          .row("chain", "anvil answers, chain id " + r.chainId())
          .render());
      System.out.printf("pipeline walk passed in %d ms%n", r.took().toMillis());
    } finally {
      if (!keep && !wasUp) {
        System.out.println("stopping the stack (use --keep to leave it up)...");
        stack.down(msg -> System.out.println("  " + msg));
      }
    }
    return 0;
  }
}
