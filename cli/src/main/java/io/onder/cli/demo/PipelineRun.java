package io.onder.cli.demo;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.onder.schemas.Topics;
import io.onder.stack.FlinkRest;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What a run of the whole pipeline on the local session cluster needs, shared by the demo and the chaos suite:
 * submitting the jobs as an operator would, and waiting (with deadlines) until the day is closed and settled.
 */
public final class PipelineRun {
  private PipelineRun() {}

  /** The arguments every job of a run gets: its own keyspace, topic prefix and consumer groups. */
  public static List<String> jobArgs(String kafka, String cassandra, String keyspace, String prefix, String groupPrefix, String creatorsFund) {
    return List.of("--kafka", kafka, "--cassandra", cassandra, "--keyspace", keyspace, "--topic-prefix", prefix, "--group-prefix", groupPrefix,
        "--idleness-seconds", "3", "--checkpoint-ms", "3000", "--payout-addresses", "creators-fund:onder=" + creatorsFund);
  }

  /** Uploads the shaded job jar and runs each job at parallelism 2, waiting until each is RUNNING; returns the job ids. */
  public static List<String> submit(FlinkRest rest, Path jarFile, List<String> jobClasses, List<String> args, PrintStream out) throws Exception {
    String jar = rest.upload(jarFile);
    List<String> ids = new ArrayList<>();
    for (String job : jobClasses) {
      String id = rest.run(jar, job, args, null, 2);
      ids.add(id);
      rest.awaitState(id, "RUNNING", Duration.ofSeconds(180));
      out.println("  " + job.substring(job.lastIndexOf('.') + 1) + " running as " + id);
    }
    return ids;
  }

  /** Cancels the jobs, ignoring those that ended already. */
  public static void cancel(FlinkRest rest, List<String> jobIds) {
    for (String id : jobIds) {
      try {
        rest.cancel(id);
      } catch (Exception alreadyGone) {
        // the job ended already
      }
    }
  }

  /** Waits until an operator of a job has seen the event-time watermark pass {@code millis}: it has emitted all before. */
  public static void awaitWatermark(FlinkRest rest, String jobId, String vertexPrefix, long millis, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String vertex = null;
      try {
        for (var v : rest.job(jobId).path("vertices")) if (v.path("name").asText().startsWith(vertexPrefix)) vertex = v.path("id").asText();
        if (vertex == null) throw new IllegalStateException("job " + jobId + " has no operator " + vertexPrefix);
        long wm = Long.MIN_VALUE;
        for (var w : rest.get("/jobs/" + jobId + "/vertices/" + vertex + "/watermarks")) wm = Math.max(wm, w.path("value").asLong(Long.MIN_VALUE));
        if (wm >= millis) return;
      } catch (java.io.IOException restarting) {
        // the REST API answers errors while the job restarts: ask again
      }
      Thread.sleep(500); // polling the job's watermark, with a deadline
    }
    throw new IllegalStateException("job " + jobId + " did not reach the end of the run within " + timeout.toMinutes() + " min");
  }

  /** Waits until every settlement batch in the run's batches topic has a receipt from the bridge. */
  public static int awaitSettled(CqlSession ks, String bootstrap, String prefix, Supplier<String> bridgeFailure, Duration timeout)
      throws InterruptedException {
    Set<String> batches = new TreeSet<>(DemoFigures.keys(bootstrap, prefix + Topics.SETTLEMENT_BATCHES));
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String failure = bridgeFailure.get();
      if (failure != null) throw new IllegalStateException("the bridge stopped: " + failure);
      Set<String> settled = new HashSet<>();
      for (Row r : ks.execute("SELECT batch_id FROM settlement_receipts")) settled.add(r.getString(0));
      if (settled.containsAll(batches)) return batches.size();
      Thread.sleep(500); // polling Cassandra for the receipts, with a deadline
    }
    throw new IllegalStateException("not every settlement batch was settled within " + timeout.toMinutes() + " min");
  }
}
