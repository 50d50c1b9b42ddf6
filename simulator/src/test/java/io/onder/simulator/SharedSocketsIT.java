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

  @Test
  void devices_sharing_a_socket_each_post_under_their_own_identity(TestKafka kafka, TestCassandra cassandra) throws Exception {
    FleetPlan plan = FleetPlan.of(12, 2, 1, 7);
    try (CqlSession session = cassandra.session()) {
      Map<String, byte[]> keys = Provisioner.provision(session, cassandra.keyspace(), plan, dir.resolve("psk.properties"));
      String readings = kafka.topic(Topics.READINGS);
      kafka.topic(Topics.DISPATCH);
      List<Integer> ports = List.of(FreePorts.next(), FreePorts.next(), FreePorts.next());
      Properties o = new Properties();
      o.setProperty("onder.ingest.coaps.port", Integer.toString(ports.get(0)));
      o.setProperty("onder.ingest.coaps.extra-ports", ports.get(1) + "," + ports.get(2));
      o.setProperty("onder.ingest.metrics.port", "0");
      o.setProperty("onder.kafka.bootstrap", kafka.bootstrapServers());
      o.setProperty("onder.kafka.topic.prefix", kafka.prefix());
      SimClock clock = new SimClock(Instant.now().minus(Duration.ofMinutes(20)), 60);
      Instant simEnd = Instant.ofEpochMilli(clock.millis()).plus(Duration.ofMinutes(8));
      FleetRunner.Summary sum;
      FleetRunner fleet = new FleetRunner(plan, keys, ports.stream().map(p -> new InetSocketAddress("127.0.0.1", p)).toList()).trackAcknowledged();
      try (Gateway gateway = new Gateway(new GatewayConfig(o), new CassandraDeviceRegistry(session, cassandra.keyspace(), Duration.ofSeconds(30)),
          new SecretResolver(), clock).start()) {
        assertThat(gateway.coapsPorts()).containsExactlyElementsOf(ports);
        try (fleet) {
          sum = fleet.run(new FleetRunner.Settings(clock, simEnd, Duration.ofMinutes(1), 2, 1.0, 64, false), t -> { });
        }
      }
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
}
