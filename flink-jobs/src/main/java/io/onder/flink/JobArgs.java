package io.onder.flink;

import io.onder.flink.io.SourceWatermarks;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.util.ParameterTool;

/** What every Onder job is told on its command line, with the defaults of the local stack. */
public record JobArgs(String kafka, String cassandra, String keyspace, String topicPrefix, String rulebook, long intervalMillis,
    long graceMillis, long outOfOrdernessMillis, long idlenessMillis, long checkpointMillis, String groupPrefix,
    ParameterTool all) implements Serializable {

  public static JobArgs parse(String[] args) {
    ParameterTool p = ParameterTool.fromArgs(args);
    return new JobArgs(
        p.get("kafka", "127.0.0.1:19092"),
        p.get("cassandra", "127.0.0.1:19042"),
        p.get("keyspace", "onder"),
        p.get("topic-prefix", ""),
        p.get("rulebook", "onder-flex-2025.1"),
        p.getLong("interval-seconds", 60) * 1000,
        p.getLong("grace-seconds", 0) * 1000,
        p.getLong("out-of-orderness-seconds", 5) * 1000,
        p.getLong("idleness-seconds", 5) * 1000,
        p.getLong("checkpoint-ms", 5000),
        p.get("group-prefix", "onder"),
        p);
  }

  public static JobArgs of(Map<String, String> values) {
    String[] a = values.entrySet().stream().flatMap(e -> java.util.stream.Stream.of("--" + e.getKey(), e.getValue())).toArray(String[]::new);
    return parse(a);
  }

  /**
   * The watermarks of a job's Kafka source: {@code --out-of-orderness-seconds}, {@code --idleness-seconds} and
   * {@code --startup-idleness-seconds} (default 60), how long a reader that has delivered nothing of its main flow yet
   * may take before its partitions count as idle (see {@link SourceWatermarks}). It must cover the time the upstream
   * job takes to write its first output when both start together: about 8 s for the quality job on an idle two-core
   * machine, more on a loaded one.
   */
  public <T> SourceWatermarks<T> watermarks(SerializableTimestampAssigner<T> timestamps, SourceWatermarks.Roles<T> roles) {
    return new SourceWatermarks<>(timestamps, Duration.ofMillis(outOfOrdernessMillis), Duration.ofMillis(idlenessMillis),
        Duration.ofSeconds(all.getLong("startup-idleness-seconds", 60)), roles);
  }

  public <T> SourceWatermarks<T> watermarks(SerializableTimestampAssigner<T> timestamps) {
    return watermarks(timestamps, SourceWatermarks.allStart());
  }

  public String topic(String name) {
    return topicPrefix + name;
  }
}
