package io.onder.ingest;

import com.datastax.oss.driver.api.core.CqlSession;
import io.onder.ingest.dr.CassandraTopology;
import io.onder.ingest.dr.DrApi;
import io.onder.ingest.dr.DrEvents;
import io.onder.ingest.dr.UtilityTokens;
import io.onder.ingest.kafka.KafkaOut;
import io.onder.ingest.registry.CassandraDeviceRegistry;
import io.onder.ingest.registry.SecretResolver;
import io.onder.schemas.Topics;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * {@code onder-ingest [--config FILE]}: runs the device gateway and (when a tokens file is configured) the DR API
 * until the process is stopped. Wiring only; see {@link Gateway} and {@link DrApi}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    Path configFile = args.length == 2 && args[0].equals("--config") ? Path.of(args[1]) : null;
    GatewayConfig config = GatewayConfig.fromFile(configFile);
    Clock clock = Clock.systemUTC();
    if (config.unsafePlainCoap()) System.err.println("WARNING: plain CoAP is on (onder.ingest.unsafe.plain-coap): development only");
    String[] contact = config.get("onder.cassandra.contact").split(":");
    CqlSession session = CqlSession.builder().addContactPoint(new InetSocketAddress(contact[0], Integer.parseInt(contact[1])))
        .withLocalDatacenter(config.get("onder.cassandra.datacenter")).build();
    String keyspace = config.get("onder.cassandra.keyspace");
    Gateway gateway = new Gateway(config, new CassandraDeviceRegistry(session, keyspace, clock, config.registryRefresh()),
        new SecretResolver(), clock).start();
    System.out.println("gateway: coaps://" + config.bind() + ":" + gateway.coapsPort() + " (readings, commands)");
    DrApi dr = null;
    KafkaOut drOut = null;
    String tokensFile = config.get("onder.dr.tokens.file");
    if (!tokensFile.isEmpty()) {
      drOut = new KafkaOut(config.kafka("producer"), config.topic(Topics.READINGS), clock::millis);
      DrEvents events = new DrEvents(drOut::send, config.topic(Topics.DR_EVENTS), clock).loadFrom(config.kafka("consumer"));
      dr = new DrApi(new InetSocketAddress(config.bind(), config.integer("onder.dr.port")), UtilityTokens.fromFile(Path.of(tokensFile)),
          events, new CassandraTopology(session, keyspace, clock, config.registryRefresh()), clock);
      System.out.println("DR API: http://" + config.bind() + ":" + dr.port() + "/events");
    }
    CountDownLatch stop = new CountDownLatch(1);
    DrApi finalDr = dr;
    KafkaOut finalOut = drOut;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (finalDr != null) finalDr.close();
      if (finalOut != null) finalOut.close();
      gateway.close();
      session.close();
      stop.countDown();
    }, "onder-ingest-stop"));
    stop.await();
  }
}
