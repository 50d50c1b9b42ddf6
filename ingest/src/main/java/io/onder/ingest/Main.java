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
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * {@code onder-ingest [--config FILE]}: runs the device gateway and (when a tokens file is configured) the DR API
 * until the process is stopped. Wiring only; see {@link Gateway} and {@link DrApi}. {@link #start} is the same
 * wiring for other launchers ({@code bin/onder gateway}).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    Path configFile = args.length == 2 && args[0].equals("--config") ? Path.of(args[1]) : null;
    runUntilStopped(start(GatewayConfig.fromFile(configFile), Clock.systemUTC(), System.out));
  }

  /** Keeps the process up until it is told to stop (SIGTERM, Ctrl-C), then closes what runs. */
  public static void runUntilStopped(AutoCloseable running) throws InterruptedException {
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        running.close();
      } catch (Exception ignored) {
        // stopping anyway
      }
      stop.countDown();
    }, "onder-ingest-stop"));
    stop.await();
  }

  /**
   * Starts the gateway and, when {@code onder.dr.tokens.file} is set, the DR API; prints their endpoints to
   * {@code out}. Closing the result stops both and releases the Cassandra session and the Kafka producer.
   */
  public static AutoCloseable start(GatewayConfig config, Clock clock, PrintStream out) throws Exception {
    if (config.unsafePlainCoap()) System.err.println("WARNING: plain CoAP is on (onder.ingest.unsafe.plain-coap): development only");
    String[] contact = config.get("onder.cassandra.contact").split(":");
    CqlSession session = CqlSession.builder().addContactPoint(new InetSocketAddress(contact[0], Integer.parseInt(contact[1])))
        .withLocalDatacenter(config.get("onder.cassandra.datacenter")).build();
    Gateway gateway = null;
    DrApi dr = null;
    KafkaOut drOut = null;
    try {
      String keyspace = config.get("onder.cassandra.keyspace");
      gateway = new Gateway(config, new CassandraDeviceRegistry(session, keyspace, config.registryRefresh()),
          new SecretResolver(), clock).start();
      out.println("gateway: coaps://" + config.bind() + ":" + gateway.coapsPort() + " (readings, commands)"
          + (gateway.coapsPorts().size() > 1 ? ", also on ports " + gateway.coapsPorts().subList(1, gateway.coapsPorts().size()) : ""));
      String tokensFile = config.get("onder.dr.tokens.file");
      if (!tokensFile.isEmpty()) {
        drOut = new KafkaOut(config.kafka("producer"), config.topic(Topics.READINGS), clock::millis);
        DrEvents events = new DrEvents(drOut::send, config.topic(Topics.DR_EVENTS), clock).loadFrom(config.kafka("consumer"));
        dr = new DrApi(new InetSocketAddress(config.bind(), config.integer("onder.dr.port")), UtilityTokens.fromFile(Path.of(tokensFile)),
            events, new CassandraTopology(session, keyspace, clock, config.registryRefresh()), clock);
        out.println("DR API: http://" + config.bind() + ":" + dr.port() + "/events");
      }
    } catch (Exception | Error e) {
      if (dr != null) dr.close();
      if (drOut != null) drOut.close();
      if (gateway != null) gateway.close();
      session.close();
      throw e;
    }
    DrApi finalDr = dr;
    KafkaOut finalOut = drOut;
    Gateway finalGateway = gateway;
    return () -> {
      if (finalDr != null) finalDr.close();
      if (finalOut != null) finalOut.close();
      finalGateway.close();
      session.close();
    };
  }
}
