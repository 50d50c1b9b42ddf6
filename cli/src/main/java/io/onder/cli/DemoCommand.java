package io.onder.cli;

import io.onder.bridge.Reconciler;
import io.onder.cli.demo.Demo;
import io.onder.cli.demo.DemoSettings;
import io.onder.stack.LocalStack;
import io.onder.stack.StackConfig;
import java.time.Duration;
import java.time.LocalTime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"The main job on local defaults: a device fleet over CoAP+DTLS through Kafka, Flink and Cassandra to settlement on chain.",
        "Starts what it needs, runs a simulated day, prints a summary and writes an HTML report; stops what it started."})
final class DemoCommand implements Callable<Integer> {
  private final DemoSettings d = DemoSettings.defaults();

  @Option(names = "--devices", description = "Fleet size (default ${DEFAULT-VALUE})") int devices = d.devices();
  @Option(names = "--feeders", description = "Feeders (default ${DEFAULT-VALUE})") int feeders = d.feeders();
  @Option(names = "--substations", description = "Substations (default ${DEFAULT-VALUE})") int substations = d.substations();
  @Option(names = "--start", description = "Simulated time of day the run starts (default ${DEFAULT-VALUE})") LocalTime start = d.start();
  @Option(names = "--hours", description = "Simulated hours (default ${DEFAULT-VALUE})") double hours = d.hours();
  @Option(names = "--speed", description = "Simulated seconds per wall second (default ${DEFAULT-VALUE})") double speed = d.speed();
  @Option(names = "--reading-seconds", description = "Simulated seconds between a device's readings (default ${DEFAULT-VALUE})") long readingSeconds = d.readingEvery().toSeconds();
  @Option(names = "--pack", description = "Readings per request (default ${DEFAULT-VALUE})") int pack = d.packSize();
  @Option(names = "--compliance", description = "Share of devices that follow DR commands (default ${DEFAULT-VALUE})") double compliance = d.compliance();
  @Option(names = "--interval-seconds", description = "The jobs' interval, simulated seconds; a divisor of an hour (default ${DEFAULT-VALUE}:"
      + " at the default speed a one-minute interval is a fifth of a wall second, more intervals than two cores keep up with)")
  long intervalSeconds = d.interval().toSeconds();
  @Option(names = "--dr-start", description = "Simulated time of the DR event (default 18:00, or the first time that fits the run:"
      + " the utility announces it over an hour ahead, and it lasts an hour)") LocalTime drStart = d.drStart();
  @Option(names = "--keep", description = "Leave the stack and the jobs running afterwards (for Grafana or further commands).") boolean keep;
  @Option(names = "--no-progress", description = "No progress bar (for logs).") boolean noProgress;

  @Override
  public Integer call() throws Exception {
    if (devices < 1 || feeders < 1 || substations < 1 || feeders < substations || hours <= 0 || speed <= 0 || pack < 1
        || compliance < 0 || compliance > 1 || readingSeconds < 1 || intervalSeconds < 60 || 3_600 % intervalSeconds != 0) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
          "need devices, feeders >= substations >= 1, hours, speed, pack and reading-seconds > 0, compliance in [0, 1],"
              + " interval-seconds at least 60 and a divisor of 3600");
    }
    DemoSettings s = new DemoSettings(devices, feeders, substations, start, hours, speed, Duration.ofSeconds(readingSeconds), pack, compliance,
        drStart, d.drLength(), d.seed(), keep, !noProgress, Duration.ofSeconds(intervalSeconds));
    if (drStart != null) {
      Demo.DrSchedule dr = Demo.drSchedule(s, Demo.simStart(s));
      if (dr.start() == null) throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), dr.note());
    }
    Demo.Result r = new Demo(new LocalStack(StackConfig.local()), s, System.out).run();
    var f = r.figures;
    System.out.println();
    System.out.println("Onder demo summary");
    Table t = new Table("figure", "value");
    t.row("readings made by the fleet", String.format("%,d", r.fleet.readingsMade.get()));
    t.row("readings acknowledged (in Kafka before the ack)", String.format("%,d", r.fleet.readingsAcked.get()));
    t.row("readings in the Kafka topic", String.format("%,d", f.readingsInKafka));
    t.row("readings refused (4.xx)", String.format("%,d %s", r.fleet.readingsRejected.get(), r.fleet.rejects()));
    t.row("requests / resent after 5.03 or silence", String.format("%,d / %,d", r.fleet.requests.get(), r.fleet.retries.get()));
    t.row("ack latency p50 / p99", String.format("%.1f ms / %.1f ms", r.fleet.ackLatencyMicros.getValueAtPercentile(50) / 1000.0,
        r.fleet.ackLatencyMicros.getValueAtPercentile(99) / 1000.0));
    t.row("late beyond the grace", String.format("%,d device intervals valued at their interval's margin; set aside: %,d device intervals, %,d feeder states",
        r.lateDeviceEnergy, r.lateDeviceEnergySetAside, r.lateFeederState));
    t.row("energy consumed / exported", Demo.kwh(f.importMilliWh) + " / " + Demo.kwh(f.exportMilliWh));
    t.row("local / clean consumed", Demo.kwh(f.localMilliWh) + " / " + Demo.kwh(f.cleanConsumedMilliWh));
    t.row("feeder-intervals at peak / at surplus", f.peakIntervals + " / " + f.surplusIntervals);
    t.row("DR event " + (f.drEventId == null ? "(none)" : f.drEventId), "target " + Demo.kwh(f.drTargetMilliWh()) + ", verified delivery "
        + Demo.kwh(f.drDeliveredMilliWh()) + " in " + f.dr.stream().filter(p -> p.devices() > 0).count() + " of its " + f.dr.size() + " intervals");
    t.row("DR commands received / followed", r.fleet.commandsReceived.get() + " / " + r.fleet.commandsFollowed.get());
    t.row("devices observing their commands", String.format("%,d of %,d", s.devices() - r.fleet.notObserving.get(), s.devices()));
    t.row("most behind the simulated clock", String.format("fleet %s, quality job %s, DR job %s (simulated)", minutes(r.mostBehind.fleet()),
        minutes(r.mostBehind.qualityJob()), minutes(r.mostBehind.drJob())));
    f.ledger.byReason.forEach((reason, amount) -> t.row("ledger " + reason, Demo.sstar(amount)));
    t.row("settlement batches / transactions", f.batches + " / " + f.settlementTxs);
    t.row("gas used (total)", String.format("%,d", f.gasUsed));
    t.row("paid on chain", Demo.sstar(f.paidOnChain));
    t.row("reconcile", r.reconciled ? "OK: ledger, vouchers and chain agree for " + r.reconcile.size() + " payees"
        : "MISMATCH (see below)");
    t.row("report", r.report.toString());
    t.row("wall time", String.format("%.0f s", r.took.toMillis() / 1000.0));
    System.out.print(t.render());
    if (!r.reconciled) System.out.print(Reconciler.table(r.reconcile));
    return r.reconciled ? 0 : 2;
  }

  private static String minutes(long m) {
    return m < 0 ? "-" : m + " min";
  }
}
