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
      // Creation is acknowledged by the controller before the broker's metadata shows it: wait until it does.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!a.listTopics().names().get(10, TimeUnit.SECONDS).containsAll(names)) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("topics not visible 30 s after creation: " + names);
        Thread.sleep(50);
      }
      return names;
    }
  }
}
