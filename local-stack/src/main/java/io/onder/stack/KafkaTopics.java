package io.onder.stack;

import io.onder.schemas.Topics;
import io.onder.schemas.Topics.TopicSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/** Applies the versioned topic definitions of {@code schemas/}: creates what is missing, leaves the rest alone. */
public final class KafkaTopics {
  private KafkaTopics() {}

  /** Creates missing topics, each name prefixed (tests isolate themselves with a prefix); returns those created. */
  public static List<String> apply(Properties admin, String prefix) throws Exception {
    try (Admin a = Admin.create(admin)) {
      Set<String> existing = a.listTopics().names().get(10, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (TopicSpec t : Topics.definitions()) {
        String name = prefix + t.name();
        if (!existing.contains(name)) missing.add(new NewTopic(name, t.partitions(), (short) 1).configs(t.configs()));
      }
      if (missing.isEmpty()) return List.of();
      a.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      List<String> names = missing.stream().map(NewTopic::name).toList();
      // Creation is acknowledged by the controller before the broker's metadata shows it, and before each partition
      // has a leader: a client that comes at once is told NOT_LEADER_OR_FOLLOWER, and a Kafka source that lists its
      // partitions' offsets then may start with none. Wait until every partition has a leader.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!everyPartitionLed(a, names)) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("topics without a leader 30 s after creation: " + names);
        Thread.sleep(50); // polling the broker's metadata, with a deadline
      }
      return names;
    }
  }

  /** Deletes every topic whose name starts with the prefix (a run's own topics); returns those deleted. */
  public static List<String> deleteAll(Properties admin, String prefix) throws Exception {
    if (prefix.isEmpty()) throw new IllegalArgumentException("an empty prefix would name every topic");
    try (Admin a = Admin.create(admin)) {
      List<String> mine = a.listTopics().names().get(10, TimeUnit.SECONDS).stream().filter(t -> t.startsWith(prefix)).sorted().toList();
      if (!mine.isEmpty()) a.deleteTopics(mine).all().get(30, TimeUnit.SECONDS);
      return mine;
    }
  }

  private static boolean everyPartitionLed(Admin a, List<String> names) throws Exception {
    if (!a.listTopics().names().get(10, TimeUnit.SECONDS).containsAll(names)) return false;
    for (var d : a.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).values()) {
      for (var p : d.partitions()) if (p.leader() == null || p.leader().id() < 0) return false;
    }
    return true;
  }
}
