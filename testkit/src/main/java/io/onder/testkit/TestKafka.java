package io.onder.testkit;

import io.onder.stack.KafkaServer;
import io.onder.stack.KafkaTopics;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/** The real Kafka broker, seen by one test: its own topic prefix, so tests never read each other's records. */
public final class TestKafka {
  private final KafkaServer server;
  private final String prefix = "t" + UUID.randomUUID().toString().substring(0, 8) + ".";
  private boolean onderTopics;

  TestKafka(KafkaServer server) {
    this.server = server;
  }

  public String bootstrapServers() {
    return server.bootstrapServers();
  }

  /** The prefix of this test's topics. */
  public String prefix() {
    return prefix;
  }

  /** Creates this test's copy of every Onder topic (once) and returns the prefixed name of {@code topic}. */
  public synchronized String topic(String topic) {
    if (!onderTopics) {
      try {
        KafkaTopics.apply(server.adminProperties(), prefix);
      } catch (Exception e) {
        throw new IllegalStateException("cannot create the Onder topics", e);
      }
      onderTopics = true;
    }
    return prefix + topic;
  }

  /** Creates a topic of this test's own. */
  public String createTopic(String name, int partitions) {
    String full = prefix + name;
    try (Admin a = Admin.create(server.adminProperties())) {
      a.createTopics(java.util.List.of(new NewTopic(full, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topic " + full, e);
    }
    return full;
  }

  public Properties producerProperties() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return p;
  }

  public Properties consumerProperties(String group) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, prefix + group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return p;
  }

  public Properties adminProperties() {
    return server.adminProperties();
  }

  /** The server itself, for failure tests (kill, start). */
  public KafkaServer server() {
    return server;
  }
}
