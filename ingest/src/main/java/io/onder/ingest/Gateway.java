package io.onder.ingest;

import io.onder.ingest.coap.CommandAckResource;
import io.onder.ingest.coap.CommandsResource;
import io.onder.ingest.coap.DeviceAuth;
import io.onder.ingest.coap.ReadingsResource;
import io.onder.ingest.coap.RegistryPskStore;
import io.onder.ingest.coap.RegistryRpkVerifier;
import io.onder.ingest.coap.ServerKey;
import io.onder.ingest.commands.CommandAcks;
import io.onder.ingest.commands.CommandBook;
import io.onder.ingest.commands.DispatchListener;
import io.onder.ingest.kafka.KafkaOut;
import io.onder.ingest.metrics.Metrics;
import io.onder.ingest.metrics.MetricsHttp;
import io.onder.ingest.registry.DeviceRegistry;
import io.onder.ingest.registry.SecretResolver;
import io.onder.ingest.senml.SenmlCodec;
import io.onder.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;

/**
 * The device gateway: a Californium server with a DTLS endpoint (and, only with the unsafe development flag, a
 * plain CoAP one), the readings, commands and command-ack resources, the Kafka producer, the dispatch listener and
 * the metrics endpoint. Lifecycle: construct, {@link #start()}, {@link #close()} (stops and releases everything it
 * started).
 */
public final class Gateway implements AutoCloseable {
  static {
    CoapConfig.register();
    UdpConfig.register();
    DtlsConfig.register();
  }

  private final GatewayConfig config;
  private final Metrics metrics = new Metrics();
  private final KafkaOut kafka;
  private final CommandBook book;
  private final CoapServer server;
  private final CoapEndpoint coaps;
  private final CoapEndpoint coap;
  private final java.util.List<CoapEndpoint> extraCoaps = new java.util.ArrayList<>();
  private final Clock clock;
  private final DeviceRegistry registry;
  private final java.util.concurrent.ExecutorService completions = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "onder-ingest-answers");
    t.setDaemon(true);
    return t;
  });
  private DispatchListener dispatch;
  private MetricsHttp metricsHttp;

  public Gateway(GatewayConfig config, DeviceRegistry registry, SecretResolver secrets, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.registry = registry;
    Configuration cf = Configuration.createStandardWithoutFile();
    cf.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, config.maxPayloadBytes());
    cf.set(CoapConfig.MAX_ACTIVE_PEERS, 200_000);
    // every device observes its commands: Californium's default takes no observation past 50,000 (a 100,000-device
    // fleet had half its devices unable to receive a DR command)
    cf.set(CoapConfig.MAX_SERVER_OBSERVES, config.maxObservers());
    // CoAP deduplication per device, its last 64 messages, instead of every message of the last EXCHANGE_LIFETIME
    // (247 s): at 5,000 requests/s the global store held over a million entries, the live heap grew by ~25 MB/s and
    // young-collection pauses reached 50-80 ms. A device repeats only its few newest messages, and a reading repeated
    // later still is dropped by its sequence number.
    cf.set(CoapConfig.DEDUPLICATOR, CoapConfig.DEDUPLICATOR_PEERS_MARK_AND_SWEEP);
    cf.set(DtlsConfig.DTLS_MAX_CONNECTIONS, 200_000);
    cf.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY);
    this.kafka = new KafkaOut(config.kafka("producer"), config.topic(Topics.READINGS), clock::millis);
    this.book = new CommandBook(clock);
    DeviceAuth auth = new DeviceAuth(registry, config.unsafePlainCoap());
    IngestService ingest = new IngestService(new SenmlCodec(config.maxRecords()),
        new ReadingAssembler(clock, config.maxSkew(), config.horizon()), new SequenceLedger(config.dedupWindow()), kafka, clock,
        config.maxInFlight(), config.retryAfterSeconds() * 1000L, metrics).completeOn(completions);

    server = new CoapServer(cf);
    coaps = dtlsEndpoint(cf, config.coapsPort(), registry, secrets);
    server.addEndpoint(coaps);
    for (int port : config.coapsExtraPorts()) {
      CoapEndpoint extra = dtlsEndpoint(cf, port, registry, secrets);
      server.addEndpoint(extra);
      extraCoaps.add(extra);
    }
    if (config.unsafePlainCoap()) {
      coap = new CoapEndpoint.Builder().setConfiguration(cf)
          .setInetSocketAddress(new InetSocketAddress(config.bind(), config.coapPort())).build();
      server.addEndpoint(coap);
    } else {
      coap = null;
    }
    CommandsResource commands = new CommandsResource(auth, book, metrics, config.commandsMaxAgeSeconds());
    commands.add(new CommandAckResource(auth, new CommandAcks(book, kafka::send, config.topic(Topics.COMMAND_ACKS), clock),
        config.retryAfterSeconds()));
    server.add(new ReadingsResource(auth, ingest, config.maxPayloadBytes(), config.retryAfterSeconds(), metrics), commands);
  }

  /** A DTLS listener on {@code port}, with stores of its own (a connector hands its stores its result handler). */
  private CoapEndpoint dtlsEndpoint(Configuration cf, int port, DeviceRegistry registry, SecretResolver secrets) {
    DtlsConnectorConfig.Builder dtlsBuilder = new DtlsConnectorConfig.Builder(cf)
        .setAddress(new InetSocketAddress(config.bind(), port))
        .setAdvancedPskStore(new RegistryPskStore(registry, secrets))
        .setLoggingTag("onder-coaps");
    String rpkKeyFile = config.get("onder.ingest.rpk.key-file");
    if (!rpkKeyFile.isEmpty()) {
      java.security.KeyPair own;
      try {
        own = ServerKey.load(java.nio.file.Path.of(rpkKeyFile));
      } catch (IOException | java.security.GeneralSecurityException e) {
        throw new IllegalStateException("cannot read the gateway's raw public key pair from " + rpkKeyFile, e);
      }
      dtlsBuilder.setCertificateIdentityProvider(new org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider(own.getPrivate(), own.getPublic()))
          .setAdvancedCertificateVerifier(new RegistryRpkVerifier(registry))
          .set(DtlsConfig.DTLS_CLIENT_AUTHENTICATION_MODE, org.eclipse.californium.elements.config.CertificateAuthenticationMode.NEEDED);
    }
    return new CoapEndpoint.Builder().setConfiguration(cf).setConnector(new DTLSConnector(dtlsBuilder.build())).build();
  }

  public Gateway start() {
    dispatch = new DispatchListener(config.kafka("consumer"), config.topic(Topics.DISPATCH), config.dispatchLookback(), book, clock.millis());
    server.start();
    if (config.metricsPort() > 0) {
      try {
        metricsHttp = new MetricsHttp(new InetSocketAddress(config.bind(), config.metricsPort()), metrics);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot serve metrics on port " + config.metricsPort(), e);
      }
    }
    return this;
  }

  public int coapsPort() {
    return coaps.getAddress().getPort();
  }

  /** Every DTLS listener's port: {@link #coapsPort()} first, then the extra ones in their configured order. */
  public java.util.List<Integer> coapsPorts() {
    java.util.List<Integer> ports = new java.util.ArrayList<>();
    ports.add(coapsPort());
    for (CoapEndpoint e : extraCoaps) ports.add(e.getAddress().getPort());
    return ports;
  }

  public int coapPort() {
    if (coap == null) throw new IllegalStateException("plain CoAP is off");
    return coap.getAddress().getPort();
  }

  public Metrics metrics() {
    return metrics;
  }

  public CommandBook commands() {
    return book;
  }

  public DeviceRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    server.destroy();
    if (dispatch != null) dispatch.close();
    if (metricsHttp != null) metricsHttp.close();
    kafka.close();
    completions.shutdownNow();
  }
}
