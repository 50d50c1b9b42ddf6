package io.onder.cli;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import io.onder.simulator.FleetPlan;
import io.onder.simulator.FleetRunner;
import io.onder.simulator.Provisioner;
import io.onder.simulator.SimClock;
import io.onder.stack.LocalStack;
import io.onder.stack.StackConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = {"Run a simulated fleet of real CoAP+DTLS devices against a running gateway (bin/onder gateway).",
        "The gateway runs on the real clock, so the simulated hours lie in the past: they start at now - hours (or at --start on the latest "
            + "day that fits) and are paced so the last reading is taken near now, never ahead of the gateway's clock.",
        "--provision registers the fleet first (feeders F001.., devices dev-000001.. in the registry, PSKs in .onder/ingest/sim-device-psk.properties)."})
final class SimulateCommand implements Callable<Integer> {
  @Option(names = "--devices", required = true, description = "Fleet size") int devices;
  @Option(names = "--feeders", description = "Feeders (default: one per 10 devices, at least the substations)") Integer feeders;
  @Option(names = "--substations", description = "Substations (default ${DEFAULT-VALUE})") int substations = 2;
  @Option(names = "--speed", description = "Simulated seconds per wall second, at least 1 (default ${DEFAULT-VALUE})") double speed = 60;
  @Option(names = "--hours", description = "Simulated hours (default ${DEFAULT-VALUE})") double hours = 1;
  @Option(names = "--start", paramLabel = "HH:MM", description = "Simulated time of day (UTC) to start at (default: now - hours)") LocalTime start;
  @Option(names = "--gateway", paramLabel = "HOST:PORT", description = "The gateway's CoAPS endpoint (default ${DEFAULT-VALUE})") String gateway = "127.0.0.1:5684";
  @Option(names = "--gateway-ports", split = ",", paramLabel = "PORT", description = "The gateway's other CoAPS ports "
      + "(its onder.ingest.coaps.extra-ports): devices share sockets, one per gateway address each, so a fleet needs one "
      + "address per " + FleetRunner.MAX_SOCKETS + " devices") List<Integer> gatewayPorts = new ArrayList<>();
  @Option(names = "--provision", description = "Register the fleet (feeders, devices, fresh PSKs) before running") boolean provision;
  @Option(names = "--seed", description = "Fleet layout seed (default ${DEFAULT-VALUE})") long seed = 2018;
  @Option(names = "--reading-seconds", description = "Simulated seconds between a device's readings (default ${DEFAULT-VALUE})") long readingSeconds = 120;
  @Option(names = "--pack", description = "Readings per request (default ${DEFAULT-VALUE})") int pack = 5;
  @Option(names = "--compliance", description = "Share of devices that follow DR commands (default ${DEFAULT-VALUE})") double compliance = 0.9;
  @Option(names = "--keyspace", description = "Registry keyspace (default: the local stack's, onder)") String keyspace;
  @Option(names = "--no-progress", description = "No progress bar (for logs)") boolean noProgress;

  /** Horizon of the gateway (onder.ingest.horizon.hours): readings older than this are refused. */
  static final Duration HORIZON = Duration.ofHours(168);
  static final Duration MARGIN = Duration.ofSeconds(30);

  /**
   * Where the simulated hours start so that the simulated clock, started at {@code now} and running {@code speed}
   * times faster, reaches the end no later than the wall clock minus a margin: start + length <= now + length/speed - margin.
   */
  static Instant simStart(Instant now, double hours, double speed, LocalTime startAt) {
    if (!(speed >= 1)) throw new IllegalArgumentException("--speed: at least 1 (the gateway's clock is real time; simulated time must not run ahead of it)");
    if (!(hours > 0)) throw new IllegalArgumentException("--hours: positive");
    Duration length = Duration.ofMillis((long) (hours * 3_600_000));
    Instant latestEnd = now.plusMillis((long) (length.toMillis() / speed)).minus(MARGIN);
    Instant latestStart = latestEnd.minus(length);
    Instant s = latestStart;
    if (startAt != null) {
      LocalDate day = LocalDate.ofInstant(latestStart, ZoneOffset.UTC);
      s = day.atTime(startAt).toInstant(ZoneOffset.UTC);
      if (s.isAfter(latestStart)) s = day.minusDays(1).atTime(startAt).toInstant(ZoneOffset.UTC);
    }
    if (s.isBefore(now.minus(HORIZON).plus(Duration.ofHours(1)))) {
      throw new IllegalArgumentException("--hours " + hours + ": the run would start more than " + HORIZON.toHours() + " h ago, beyond the gateway's horizon");
    }
    return s;
  }

  static InetSocketAddress endpoint(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    try {
      if (colon < 1) throw new NumberFormatException();
      int port = Integer.parseInt(hostPort.substring(colon + 1));
      if (port < 1 || port > 65535) throw new NumberFormatException();
      return new InetSocketAddress(hostPort.substring(0, colon), port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--gateway '" + hostPort + "': HOST:PORT, e.g. 127.0.0.1:5684");
    }
  }

  static Path secretsFile(StackConfig config) {
    return config.runtimeDir().resolve("ingest").resolve("sim-device-psk.properties");
  }

  @Override
  public Integer call() throws Exception {
    int f = feeders != null ? feeders : Math.max(substations, Math.max(1, devices / 10));
    if (devices < 1) throw new IllegalArgumentException("--devices: at least 1");
    if (substations < 1 || f < substations) throw new IllegalArgumentException("--feeders: at least as many as --substations (" + substations + ")");
    if (readingSeconds < 1 || pack < 1) throw new IllegalArgumentException("--reading-seconds and --pack: at least 1");
    if (compliance < 0 || compliance > 1) throw new IllegalArgumentException("--compliance: between 0 and 1");
    InetSocketAddress gw = endpoint(gateway);
    List<InetSocketAddress> gateways = new ArrayList<>(List.of(gw));
    for (int port : gatewayPorts) gateways.add(new InetSocketAddress(gw.getHostString(), port));
    if (gateways.size() < FleetRunner.addressesFor(devices)) {
      throw new IllegalArgumentException(String.format("--devices %d needs %d gateway addresses (one per %,d devices); give the gateway "
          + "onder.ingest.coaps.extra-ports and this command --gateway-ports", devices, FleetRunner.addressesFor(devices), FleetRunner.MAX_SOCKETS));
    }
    Instant simStart = simStart(Instant.now(), hours, speed, start);
    Instant simEnd = simStart.plusMillis((long) (hours * 3_600_000));
    StackConfig config = StackConfig.local();
    Path secrets = secretsFile(config);
    FleetPlan plan = FleetPlan.of(devices, f, substations, seed);
    Map<String, byte[]> keys;
    if (provision) {
      String ks = keyspace != null ? keyspace : config.get("onder.cassandra.keyspace");
      LocalStack stack = new LocalStack(config);
      try (CqlSession session = stack.cassandra().session(ks)) {
        keys = Provisioner.provision(session, ks, plan, secrets);
      } catch (AllNodesFailedException e) {
        throw new IllegalStateException("Cassandra of the local stack is not reachable at " + stack.cassandra().endpoint() + " (bin/onder stack up)");
      }
      System.out.printf("provisioned %d devices on %d feeders under %d substations in keyspace %s; PSKs in %s%n", devices, f, substations, ks,
          secrets.toAbsolutePath());
    } else {
      Properties p = DrCommand.load(secrets);
      keys = new HashMap<>();
      for (FleetPlan.Device d : plan.deviceList()) {
        String b64 = p.getProperty(d.deviceId());
        if (b64 == null) {
          throw new IllegalArgumentException("device " + d.deviceId() + " has no key in " + secrets + ": add --provision to register the fleet first");
        }
        keys.put(d.deviceId(), Base64.getDecoder().decode(b64.strip()));
      }
    }
    SimClock clock = new SimClock(simStart, speed);
    Duration wall = Duration.ofMillis((long) (hours * 3_600_000 / speed));
    System.out.printf("simulating %s to %s (UTC) at %.0fx: about %d s of wall time, %d devices -> coaps://%s:%d%n", simStart, simEnd, speed,
        wall.toSeconds(), devices, gw.getHostString(), gw.getPort());
    FleetRunner.Summary sum;
    try (FleetRunner fleet = new FleetRunner(plan, keys, gateways)) {
      sum = fleet.run(new FleetRunner.Settings(clock, simEnd, Duration.ofSeconds(readingSeconds), pack, compliance, 512, !noProgress), t -> { });
    }
    System.out.print(summary(sum));
    if (sum.readingsMade.get() > 0 && sum.readingsAcked.get() == 0) {
      System.err.println("onder: no reading was acknowledged: is bin/onder gateway running at " + gateway + ", on the same keyspace?");
      return 1;
    }
    return sum.unsent == 0 ? 0 : 2;
  }

  static String summary(FleetRunner.Summary s) {
    boolean any = s.ackLatencyMicros.getTotalCount() > 0;
    Table t = new Table("readings made", "acked", "refused", "resent", "never sent", "requests", "ack p50", "ack p99", "commands", "followed", "wall");
    t.row(s.readingsMade.get(), s.readingsAcked.get(), s.readingsRejected.get(), s.retries.get(), s.unsent, s.requests.get(),
        any ? ms(s.ackLatencyMicros.getValueAtPercentile(50)) : "-", any ? ms(s.ackLatencyMicros.getValueAtPercentile(99)) : "-",
        s.commandsReceived.get(), s.commandsFollowed.get(), String.format("%.1f s", s.wallMillis / 1000.0));
    String out = t.render();
    if (!s.rejects().isEmpty()) out += "refused by code: " + s.rejects() + "\n";
    if (s.notObserving.get() > 0) out += s.notObserving.get() + " devices could not observe their commands (no answer, or the gateway did not take it)\n";
    return out;
  }

  private static String ms(long micros) {
    return String.format("%.1f ms", micros / 1000.0);
  }
}
