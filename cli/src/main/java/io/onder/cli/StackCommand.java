package io.onder.cli;

import io.onder.stack.LocalStack;
import io.onder.stack.LocalStack.Status;
import io.onder.stack.Server;
import io.onder.stack.StackConfig;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "stack", mixinStandardHelpOptions = true,
    description = "The local stack: Kafka, Cassandra, a Flink session cluster and anvil on 127.0.0.1.",
    subcommands = {StackCommand.Up.class, StackCommand.StatusCmd.class, StackCommand.Down.class, StackCommand.Reset.class})
final class StackCommand implements Runnable {
  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  static Set<Server> parse(List<String> names) {
    Set<Server> out = EnumSet.noneOf(Server.class);
    for (String n : names) {
      try {
        out.add(Server.valueOf(n.toUpperCase()));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(new StackCommand()),
            "unknown server '" + n + "': choose from kafka, cassandra, flink, anvil");
      }
    }
    return out;
  }

  static String render(List<Status> rows, boolean withStart) {
    Table t = withStart ? new Table("server", "endpoint", "pid", "rss", "ready in", "health", "log")
        : new Table("server", "endpoint", "pid", "rss", "health", "log");
    long rss = 0;
    for (Status s : rows) {
      rss += s.rssBytes();
      String health = (s.health().ok() ? "healthy: " : "DOWN: ") + s.health().detail();
      String pid = s.pids().isEmpty() ? "-" : s.pids();
      if (withStart) {
        String ready = s.startTime() == null ? "(was up)" : String.format("%.1f s", s.startTime().toMillis() / 1000.0);
        t.row(s.server().id, s.endpoint(), pid, Table.mib(s.rssBytes()), ready, health, s.log());
      } else {
        t.row(s.server().id, s.endpoint(), pid, Table.mib(s.rssBytes()), health, s.log());
      }
    }
    return t.render() + "total RSS: " + Table.mib(rss) + "\n";
  }

  @Command(name = "up", mixinStandardHelpOptions = true, description = "Start the servers (all by default), wait until healthy, apply topics and tables.")
  static final class Up implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "SERVER", description = "kafka, cassandra, flink, anvil (default: all)")
    List<String> servers = List.of();

    @Override
    public Integer call() {
      long t0 = System.nanoTime();
      LocalStack stack = new LocalStack(StackConfig.local());
      List<Status> rows = stack.up(parse(servers), msg -> System.out.println("  " + msg));
      System.out.print(render(rows, true));
      System.out.printf("all healthy in %.1f s; runtime dir %s%n", (System.nanoTime() - t0) / 1e9, stack.config().runtimeDir());
      return rows.stream().allMatch(s -> s.health().ok()) ? 0 : 1;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Ask each server a real question and report its health.")
  static final class StatusCmd implements Callable<Integer> {
    @Override
    public Integer call() {
      List<Status> rows = new LocalStack(StackConfig.local()).status();
      System.out.print(render(rows, false));
      return rows.stream().allMatch(s -> s.health().ok()) ? 0 : 3;
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop every process the stack started, by pid, and wait for them.")
  static final class Down implements Callable<Integer> {
    @Override
    public Integer call() {
      List<Server> stopped = new LocalStack(StackConfig.local()).down(msg -> System.out.println("  " + msg));
      System.out.println(stopped.isEmpty() ? "nothing was running" : "stopped " + stopped.size() + " servers");
      return 0;
    }
  }

  @Command(name = "reset", mixinStandardHelpOptions = true,
      description = "Start a server's data afresh. Only anvil: its chain grows with every run (contracts, owners, blocks) and each block costs more with it.")
  static final class Reset implements Callable<Integer> {
    @Parameters(paramLabel = "SERVER", description = "anvil")
    String server;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      if (parse(List.of(server)).stream().anyMatch(s -> s != Server.ANVIL)) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "only anvil can be reset, not " + server);
      }
      LocalStack stack = new LocalStack(StackConfig.local());
      LocalStack.Reset r = stack.resetChain(msg -> System.out.println("  " + msg));
      System.out.print(render(r.status(), true));
      System.out.println("a fresh chain: contracts of earlier runs (demo runs kept with --keep) are gone with the old one");
      return r.status().stream().allMatch(s -> s.health().ok()) ? 0 : 1;
    }
  }
}
