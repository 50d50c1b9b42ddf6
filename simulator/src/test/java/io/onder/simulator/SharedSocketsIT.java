package io.onder.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.onder.avro.DeviceReading;
import io.onder.ingest.Gateway;
import io.onder.ingest.GatewayConfig;
import io.onder.ingest.registry.CassandraDeviceRegistry;
import io.onder.ingest.registry.SecretResolver;
import io.onder.schemas.Topics;
import io.onder.stack.Server;
import io.onder.testkit.FreePorts;
import io.onder.testkit.ReadingsTopic;
import io.onder.testkit.RealServers;
import io.onder.testkit.TestCassandra;
import io.onder.testkit.TestKafka;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Devices sharing sockets, one per gateway address on each, against the real gateway listening on three ports: every
 * device's readings arrive under its own identity (the gateway refuses a pack naming another device), every
 * acknowledged reading is in Kafka exactly once, and the fleet opened a third of the sockets.
 */
@RealServers({Server.KAFKA, Server.CASSANDRA})
class SharedSocketsIT {
  @TempDir
  Path dir;

  /** A fleet's run against a gateway of its own listening on {@code ports}. */
  private record Run(FleetRunner fleet, FleetRunner.Summary sum) {}

  private Run run(TestKafka kafka, TestCassandra cassandra, CqlSession session, FleetPlan plan, List<Integer> ports, Properties extra)
      throws Exception {
    Map<String, byte[]> keys = Provisioner.provision(session, cassandra.keyspace(), plan, dir.resolve("psk.properties"));
    kafka.topic(Topics.DISPATCH);
    Properties o = new Properties();
    o.setProperty("onder.ingest.coaps.port", Integer.toString(ports.get(0)));
    o.setProperty("onder.ingest.coaps.extra-ports", String.join(",", ports.subList(1, ports.size()).stream().map(String::valueOf).toList()));
    o.setProperty("onder.ingest.metrics.port", "0");
    o.setProperty("onder.kafka.bootstrap", kafka.bootstrapServers());
    o.setProperty("onder.kafka.topic.prefix", kafka.prefix());
    o.putAll(extra);
    SimClock clock = new SimClock(Instant.now().minus(Duration.ofMinutes(20)), 60);
    Instant simEnd = Instant.ofEpochMilli(clock.millis()).plus(Duration.ofMinutes(8));
    FleetRunner fleet = new FleetRunner(plan, keys, ports.stream().map(p -> new InetSocketAddress("127.0.0.1", p)).toList()).trackAcknowledged();
    try (Gateway gateway = new Gateway(new GatewayConfig(o), new CassandraDeviceRegistry(session, cassandra.keyspace(), Duration.ofSeconds(30)),
        new SecretResolver(), clock).start()) {
      assertThat(gateway.coapsPorts()).containsExactlyElementsOf(ports);
      try (fleet) {
        return new Run(fleet, fleet.run(new FleetRunner.Settings(clock, simEnd, Duration.ofMinutes(1), 2, 1.0, 64, false), t -> { }));
      }
    }
  }

  @Test
  void devices_sharing_a_socket_each_post_under_their_own_identity(TestKafka kafka, TestCassandra cassandra) throws Exception {
    FleetPlan plan = FleetPlan.of(12, 2, 1, 7);
    try (CqlSession session = cassandra.session()) {
      String readings = kafka.topic(Topics.READINGS);
      Run run = run(kafka, cassandra, session, plan, List.of(FreePorts.next(), FreePorts.next(), FreePorts.next()), new Properties());
      FleetRunner fleet = run.fleet();
      FleetRunner.Summary sum = run.sum();
      assertThat(sum.notObserving.get()).as("devices not observing their commands").isZero();
      assertThat(fleet.sockets()).as("12 devices over 3 gateway addresses").isEqualTo(4);
      assertThat(sum.rejects()).as("refused packs by code").isEmpty();
      assertThat(sum.readingsMade.get()).isPositive();
      assertThat(sum.readingsAcked.get()).isEqualTo(sum.readingsMade.get());
      assertThat(sum.acknowledged.keySet()).hasSize(12);

      Map<String, List<Long>> inKafka = new HashMap<>();
      for (DeviceReading r : ReadingsTopic.readAll(kafka, readings)) {
        inKafka.computeIfAbsent(r.getDeviceId(), k -> new ArrayList<>()).add(r.getSeq());
      }
      assertThat(inKafka.keySet()).isEqualTo(sum.acknowledged.keySet());
      for (Map.Entry<String, Set<Long>> e : sum.acknowledged.entrySet()) {
        assertThat(inKafka.get(e.getKey())).as(e.getKey()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(new HashSet<>(e.getValue()));
      }
    }
  }

  @Test
  void devices_past_the_gateways_limit_of_observers_are_told_and_counted(TestKafka kafka, TestCassandra cassandra) throws Exception {
    FleetPlan plan = FleetPlan.of(6, 1, 1, 11);
    try (CqlSession session = cassandra.session()) {
      kafka.topic(Topics.READINGS);
      Properties limit = new Properties();
      limit.setProperty("onder.ingest.max.observers", "4");
      FleetRunner.Summary sum = run(kafka, cassandra, session, plan, List.of(FreePorts.next()), limit).sum();
      assertThat(sum.notObserving.get()).as("devices past the 4 observers the gateway takes").isEqualTo(2);
      assertThat(sum.readingsMade.get()).isPositive();
      assertThat(sum.readingsAcked.get()).as("their readings are taken all the same").isEqualTo(sum.readingsMade.get());
    }
  }
}
