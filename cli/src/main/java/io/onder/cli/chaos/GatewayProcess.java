package io.onder.cli.chaos;

import io.onder.ingest.GatewayConfig;
import io.onder.ingest.Main;
import io.onder.simulator.SimClock;
import java.nio.file.Path;

/**
 * The device gateway as a process of its own, on the run's simulated clock, so the chaos suite can kill -9 it:
 * {@code GatewayProcess <config.properties> <simStartMillis> <wallStartMillis> <speed>}.
 */
public final class GatewayProcess {
  private GatewayProcess() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4) throw new IllegalArgumentException("usage: GatewayProcess <config> <simStartMillis> <wallStartMillis> <speed>");
    SimClock clock = SimClock.anchored(Long.parseLong(args[1]), Long.parseLong(args[2]), Double.parseDouble(args[3]));
    AutoCloseable running = Main.start(GatewayConfig.fromFile(Path.of(args[0])), clock, System.out);
    System.out.println("gateway ready");
    Main.runUntilStopped(running);
  }
}
