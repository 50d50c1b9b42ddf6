package io.onder.ingest;

import com.datastax.oss.driver.api.core.CqlSession;
import io.onder.ingest.registry.CassandraDeviceRegistry;
import io.onder.ingest.registry.SecretResolver;
import io.onder.schemas.Topics;
import io.onder.testkit.FreePorts;
import io.onder.testkit.TestCassandra;
import io.onder.testkit.TestKafka;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Properties;

/** A real gateway on the test's Kafka topics and Cassandra keyspace, with a fleet of registered devices. */
final class GatewayFixture implements AutoCloseable {
  final CqlSession session;
  final TestFleet fleet;
  final Gateway gateway;
  final String readings;

  GatewayFixture(TestKafka kafka, TestCassandra cassandra, Path dir, Properties extra) {
    this.readings = kafka.topic(Topics.READINGS);
    this.session = cassandra.session();
    this.fleet = new TestFleet(session, cassandra.keyspace(), dir);
    Properties o = new Properties();
    o.setProperty("onder.ingest.coaps.port", Integer.toString(FreePorts.next()));
    o.setProperty("onder.ingest.metrics.port", Integer.toString(FreePorts.next()));
    o.setProperty("onder.kafka.bootstrap", kafka.bootstrapServers());
    o.setProperty("onder.kafka.topic.prefix", kafka.prefix());
    o.setProperty("onder.ingest.registry.refresh.seconds", "1");
    o.putAll(extra);
    GatewayConfig cfg = new GatewayConfig(o);
    CassandraDeviceRegistry registry = new CassandraDeviceRegistry(session, cassandra.keyspace(), cfg.registryRefresh());
    this.gateway = new Gateway(cfg, registry, new SecretResolver(), Clock.systemUTC()).start();
  }

  int port() {
    return gateway.coapsPort();
  }

  @Override
  public void close() {
    fleet.close();
    gateway.close();
    session.close();
  }
}
