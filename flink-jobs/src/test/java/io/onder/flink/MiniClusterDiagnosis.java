package io.onder.flink;

import com.fasterxml.jackson.databind.JsonNode;
import io.onder.stack.FlinkRest;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * What a test says when a job on a MiniCluster did not get where it should: each vertex's status and input
 * watermarks, the job's counters of records set aside, checkpoint counts and recent failures, from the cluster's
 * REST API; and a dump of every thread of this JVM (where the MiniCluster's tasks run) on standard error, which lands
 * in the test's report.
 */
final class MiniClusterDiagnosis {
  private MiniClusterDiagnosis() {}

  static String of(MiniClusterExtension flink, JobID job, List<String> counters) {
    StringBuilder out = new StringBuilder();
    try {
      Configuration c = flink.getClientConfiguration();
      FlinkRest rest = new FlinkRest("http://" + c.get(RestOptions.ADDRESS) + ":" + c.get(RestOptions.PORT));
      String id = job.toHexString();
      out.append("vertices [");
      for (JsonNode v : rest.job(id).path("vertices")) {
        String vertex = "/jobs/" + id + "/vertices/" + v.path("id").asText();
        out.append(v.path("name").asText()).append(' ').append(v.path("status").asText());
        for (JsonNode m : rest.get(vertex + "/subtasks/metrics?agg=sum&get=numRecordsIn,numRecordsOut")) {
          out.append(' ').append(m.path("id").asText()).append('=').append((long) m.path("sum").asDouble());
        }
        out.append(" watermarks");
        for (JsonNode w : rest.get(vertex + "/watermarks")) out.append(' ').append(w.path("value").asText());
        out.append("; ");
      }
      out.append("], counters");
      for (String name : counters) out.append(' ').append(name).append('=').append(rest.counterSum(id, name));
      JsonNode cp = rest.get("/jobs/" + id + "/checkpoints");
      out.append(", checkpoints ").append(cp.path("counts")).append(", failures");
      for (JsonNode e : rest.get("/jobs/" + id + "/exceptions?maxExceptions=3").path("exceptionHistory").path("entries")) {
        out.append(" [").append(e.path("taskName").asText()).append(": ")
            .append(e.path("stacktrace").asText().lines().findFirst().orElse("")).append(']');
      }
    } catch (Exception e) {
      out.append("REST diagnosis failed: ").append(e);
    }
    System.err.println("---- thread dump at the timeout ----");
    for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
      System.err.print(t.toString());
      StackTraceElement[] stack = t.getStackTrace();
      // ThreadInfo.toString() stops after 8 frames
      for (int i = 8; i < stack.length; i++) System.err.println("\tat " + stack[i]);
    }
    return out.toString();
  }
}
