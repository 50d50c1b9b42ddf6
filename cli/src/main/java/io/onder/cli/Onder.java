package io.onder.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** bin/onder: the operator's command line. */
@Command(name = "onder", mixinStandardHelpOptions = true, version = "onder 0.1.0",
    description = "Onder, the flexibility pool for distributed energy: operator commands.",
    subcommands = {DemoCommand.class, ChaosCommand.class, StackCommand.class, JobsCommand.class, ReconcileCommand.class, BenchCommand.class, SmokeCommand.class, GatewayCommand.class,
        DevicesCommand.class, DrCommand.class, SimulateCommand.class, CommandLine.HelpCommand.class})
public final class Onder implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    int code = new CommandLine(new Onder())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println("onder: " + e.getMessage());
          return 1;
        })
        .execute(args);
    System.exit(code);
  }
}
