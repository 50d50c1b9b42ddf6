package io.onder.cli.demo;

import io.onder.simulator.SimClock;
import io.onder.stack.FlinkRest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far a run's pipeline is behind the simulated clock, sampled every few seconds of wall time: the fleet (the
 * newest reading time the devices made), and the event-time watermark of the quality job's device stage and of the DR
 * job's dispatch. At an accelerated clock a second of wall time is minutes of simulated time, so this is what decides
 * how far ahead of an event its commands must go out. Samples go to a CSV file beside the report.
 */
final class PipelineLag implements AutoCloseable {
  /** One sample, simulated milliseconds behind the clock (Long.MIN_VALUE: not known yet). */
  record Sample(long wallMillis, long clockMillis, long fleetLag, long qualityLag, long drLag) {}

  private final FlinkRest rest;
  private final SimClock clock;
  private final String qualityJob;
  private final String drJob;
  private final AtomicLong fleetAt = new AtomicLong(Long.MIN_VALUE);
  private final List<Sample> samples = new ArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "onder-pipeline-lag");
    t.setDaemon(true);
    return t;
  });

  PipelineLag(FlinkRest rest, SimClock clock, String qualityJob, String drJob) {
    this.rest = rest;
    this.clock = clock;
    this.qualityJob = qualityJob;
    this.drJob = drJob;
  }

  PipelineLag start() {
    timer.scheduleWithFixedDelay(this::sample, 5, 5, TimeUnit.SECONDS);
    return this;
  }

  /** The fleet's progress: the simulated time of the readings it just made. */
  void fleetAt(long simMillis) {
    fleetAt.set(simMillis);
  }

  private void sample() {
    long now = clock.millis();
    long fleet = fleetAt.get();
    Sample s = new Sample(System.currentTimeMillis(), now, fleet == Long.MIN_VALUE ? Long.MIN_VALUE : now - fleet,
        lag(now, qualityJob, "device-interval-energy"), drJob == null ? Long.MIN_VALUE : lag(now, drJob, "dr-dispatch-and-verify"));
    synchronized (samples) {
      samples.add(s);
    }
  }

  private long lag(long now, String job, String vertexPrefix) {
    try {
      long wm = PipelineRun.watermark(rest, job, vertexPrefix);
      return wm == Long.MIN_VALUE ? Long.MIN_VALUE : now - wm;
    } catch (IOException | RuntimeException e) {
      return Long.MIN_VALUE; // the REST API is busy or the job restarts: no sample this time
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closing
      return Long.MIN_VALUE;
    }
  }

  List<Sample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  /** The largest lag of each stage. */
  Demo.MostBehind mostBehind() {
    long fleet = Long.MIN_VALUE, quality = Long.MIN_VALUE, dr = Long.MIN_VALUE;
    for (Sample s : samples()) {
      fleet = Math.max(fleet, s.fleetLag());
      quality = Math.max(quality, s.qualityLag());
      dr = Math.max(dr, s.drLag());
    }
    return new Demo.MostBehind(minutes(fleet), minutes(quality), minutes(dr));
  }

  private static long minutes(long millis) {
    return millis == Long.MIN_VALUE ? -1 : millis / 60_000;
  }

  void write(Path csv) throws IOException {
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv))) {
      w.println("wall_ms,clock_ms,fleet_lag_ms,quality_lag_ms,dr_lag_ms");
      for (Sample s : samples()) {
        w.println(s.wallMillis() + "," + s.clockMillis() + "," + cell(s.fleetLag()) + "," + cell(s.qualityLag()) + "," + cell(s.drLag()));
      }
    }
  }

  private static String cell(long v) {
    return v == Long.MIN_VALUE ? "" : Long.toString(v);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
