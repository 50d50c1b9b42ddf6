package io.onder.ingest.bench;

import io.onder.stack.KafkaTopics;
import io.onder.stack.LocalStack;
import io.onder.stack.Server;
import io.onder.stack.StackConfig;
import io.onder.testkit.FreePorts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;

/**
 * Runs {@link IngestBench} against a Kafka of its own, started through the local-stack launcher in
 * target/bench-stack and stopped at the end (also on failure). Arguments are passed on to the benchmark.
 */
public final class BenchWithOwnKafka {
  public static void main(String[] args) throws Exception {
    Properties ports = new Properties();
    ports.setProperty("onder.kafka.port", Integer.toString(FreePorts.next()));
    ports.setProperty("onder.kafka.controller.port", Integer.toString(FreePorts.next()));
    LocalStack stack = new LocalStack(StackConfig.isolated(Path.of("target/bench-stack").toAbsolutePath(), ports));
    try {
      stack.up(EnumSet.of(Server.KAFKA), msg -> System.out.println("[stack] " + msg));
      String prefix = "bench" + System.currentTimeMillis() + ".";
      KafkaTopics.apply(stack.kafka().adminProperties(), prefix);
      List<String> a = new ArrayList<>(List.of(args));
      a.addAll(List.of("--bootstrap", stack.kafka().bootstrapServers(), "--topic-prefix", prefix));
      IngestBench.main(a.toArray(String[]::new));
    } finally {
      stack.down(msg -> System.out.println("[stack] " + msg));
    }
  }
}
