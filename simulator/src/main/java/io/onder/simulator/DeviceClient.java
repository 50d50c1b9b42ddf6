package io.onder.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.onder.simulator.model.SimReading;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapHandler;
import org.eclipse.californium.core.CoapObserveRelation;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedMultiPskStore;

/**
 * One device as the gateway sees it: a CoAP client over DTLS 1.2 with the device's own pre-shared key. Posts its
 * readings as SenML CBOR packs (one record set per reading: seq, import and export registers in kWh, power, state
 * of charge, export source) and observes its {@code /commands}, acknowledging each command it receives.
 */
public final class DeviceClient implements AutoCloseable {
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A command as the device receives it. */
  public record Command(String commandId, String eventId, String action, long requestedW, long start, long end) {}

  /** The gateway's answer to one post. */
  public record Ack(int code, String diagnostic, long latencyNanos) {
    public boolean success() {
      return code >= 64 && code < 96; // 2.xx
    }
  }

  /**
   * A DTLS socket that devices share, each talking to a different gateway address under its own identity. A DTLS
   * session belongs to a pair of addresses, so one socket holds at most one device per gateway address; sharing it
   * lets a fleet hold many more devices than the process may have sockets and threads (each socket has a receiver
   * thread).
   */
  public static final class Link implements AutoCloseable {
    private final AdvancedMultiPskStore keys = new AdvancedMultiPskStore();
    private final DTLSConnector connector;
    private final CoapEndpoint endpoint;

    public Link(Configuration config, ScheduledExecutorService executor) {
      this.connector = new DTLSConnector(DtlsConnectorConfig.builder(config)
          .setAddress(new InetSocketAddress("127.0.0.1", 0))
          .setAdvancedPskStore(keys)
          .build());
      connector.setExecutor(executor);
      this.endpoint = new CoapEndpoint.Builder().setConnector(connector).setConfiguration(config).build();
      endpoint.setExecutors(executor, executor);
      try {
        endpoint.start();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot open a device socket", e);
      }
    }

    /** The identity and key this socket presents to {@code gateway}. */
    void add(InetSocketAddress gateway, String identity, byte[] key) {
      keys.addKnownPeer(gateway, identity, key);
    }

    @Override
    public void close() {
      endpoint.destroy();
    }
  }

  private final String deviceId;
  private final Link link;
  private final boolean ownsLink;
  private final InetSocketAddress gateway;
  private final CoapClient readings;
  private final CoapClient commands;
  private final CoapClient acks;
  private volatile CoapObserveRelation observation;
  private volatile CoapHandler onCommands;
  /** Set when a request went unanswered: the next answer comes over a new DTLS session, maybe of a restarted gateway. */
  private final java.util.concurrent.atomic.AtomicBoolean newSession = new java.util.concurrent.atomic.AtomicBoolean();
  private final ScheduledExecutorService executor;
  private volatile boolean closed;
  private final java.util.concurrent.atomic.AtomicInteger answersInFlight = new java.util.concurrent.atomic.AtomicInteger();
  /** How often a device sends its answer to a command before it gives up (a 5.03 or no answer: again, a second later). */
  static final int ANSWER_ATTEMPTS = 10;

  /** A device with a socket of its own. */
  public DeviceClient(String deviceId, String pskIdentity, byte[] psk, InetSocketAddress gateway, Configuration config,
      ScheduledExecutorService executor) {
    this(deviceId, pskIdentity, psk, gateway, new Link(config, executor), true, executor);
  }

  /** A device on a shared socket, which must not hold another device talking to {@code gateway}. */
  public DeviceClient(String deviceId, String pskIdentity, byte[] psk, InetSocketAddress gateway, Link link, ScheduledExecutorService executor) {
    this(deviceId, pskIdentity, psk, gateway, link, false, executor);
  }

  private DeviceClient(String deviceId, String pskIdentity, byte[] psk, InetSocketAddress gateway, Link link, boolean ownsLink,
      ScheduledExecutorService executor) {
    this.deviceId = deviceId;
    this.executor = executor;
    this.link = link;
    this.ownsLink = ownsLink;
    this.gateway = gateway;
    link.add(gateway, pskIdentity, psk);
    String base = "coaps://" + gateway.getHostString() + ":" + gateway.getPort();
    this.readings = client(base + "/readings");
    this.commands = client(base + "/commands");
    this.acks = client(base + "/commands/ack");
  }

  private CoapClient client(String uri) {
    CoapClient c = new CoapClient(uri);
    c.setEndpoint(link.endpoint);
    // the fleet's threads: a client of its own would start a thread for each of the device's three clients
    if (executor instanceof java.util.concurrent.ScheduledThreadPoolExecutor shared) c.setExecutors(shared, shared, true);
    c.setTimeout(30_000L);
    return c;
  }

  public String deviceId() {
    return deviceId;
  }

  /** SenML (RFC 8428) pack of readings in CBOR, with the RFC's integer labels (bn -2, n 0, u 1, v 2, vs 3, t 6). */
  static byte[] senml(String deviceId, List<SimReading> pack) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64 + pack.size() * 96);
    try (CBORGenerator g = (CBORGenerator) CBOR.getFactory().createGenerator(out)) {
      g.writeStartArray();
      boolean first = true;
      for (SimReading r : pack) {
        double t = r.timeMillis() / 1000.0;
        g.writeStartObject();
        if (first) {
          g.writeFieldId(-2);
          g.writeString(deviceId + ":");
          first = false;
        }
        g.writeFieldId(0); g.writeString("seq");
        g.writeFieldId(6); g.writeNumber(t);
        g.writeFieldId(2); g.writeNumber(r.seq());
        g.writeEndObject();
        record(g, "import", "kWh", t, r.importMilliWh() / 1_000_000.0);
        record(g, "export", "kWh", t, r.exportMilliWh() / 1_000_000.0);
        record(g, "power", "W", t, Math.round(r.powerW() * 10) / 10.0);
        if (!Double.isNaN(r.socPercent())) record(g, "soc", "%", t, Math.round(r.socPercent() * 10) / 10.0);
        if (r.exportMilliWh() > 0) {
          g.writeStartObject();
          g.writeFieldId(0); g.writeString("src");
          g.writeFieldId(6); g.writeNumber(t);
          g.writeFieldId(3); g.writeString(r.exportSource());
          g.writeEndObject();
        }
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private static void record(CBORGenerator g, String name, String unit, double t, double v) throws IOException {
    g.writeStartObject();
    g.writeFieldId(0); g.writeString(name);
    g.writeFieldId(1); g.writeString(unit);
    g.writeFieldId(6); g.writeNumber(t);
    g.writeFieldId(2); g.writeNumber(v);
    g.writeEndObject();
  }

  /** Posts a pack; completes with the gateway's answer (a 2.xx only once Kafka has every record). */
  public CompletableFuture<Ack> post(List<SimReading> pack) {
    Request req = Request.newPost();
    req.setPayload(senml(deviceId, pack));
    req.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_SENML_CBOR);
    CompletableFuture<Ack> f = new CompletableFuture<>();
    long t0 = System.nanoTime();
    readings.advanced(new CoapHandler() {
      @Override
      public void onLoad(CoapResponse response) {
        if (newSession.compareAndSet(true, false)) observeAgain();
        f.complete(new Ack(response.getCode().value, response.getResponseText(), System.nanoTime() - t0));
      }

      @Override
      public void onError() {
        // No answer: the gateway may have restarted and forgotten this device's DTLS session, so the next request
        // starts a new handshake instead of being dropped as a record of an unknown session.
        // The clients also forget the session they were bound to (strict matching would refuse to send elsewhere).
        link.connector.forceResumeSessionFor(gateway);
        readings.setDestinationContext(null);
        acks.setDestinationContext(null);
        newSession.set(true);
        f.complete(new Ack(0, "no answer", System.nanoTime() - t0));
      }
    }, req);
    return f;
  }

  /**
   * Observes the device's commands; each new command is acknowledged and handed to {@code onCommand}. The future
   * completes with the gateway's first answer (or the failure to get one): the DTLS handshake is done by then. It is
   * true when the gateway took the observation (its answer carries the Observe option): a gateway at its limit of
   * observers answers without it, and the device would never hear of a command.
   */
  public CompletableFuture<Boolean> observeCommands(Consumer<Command> onCommand) {
    java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    CompletableFuture<Boolean> answered = new CompletableFuture<>();
    onCommands = new CoapHandler() {
      @Override
      public void onLoad(CoapResponse response) {
        answered.complete(response.getCode() == CoAP.ResponseCode.CONTENT && response.getOptions().hasObserve());
        if (response.getCode() != CoAP.ResponseCode.CONTENT) return;
        try {
          for (JsonNode c : JSON.readTree(response.getPayload())) {
            Command cmd = new Command(c.path("commandId").asText(), c.path("eventId").asText(), c.path("action").asText(),
                c.path("requestedW").asLong(), c.path("start").asLong(), c.path("end").asLong());
            if (seen.add(cmd.commandId())) {
              onCommand.accept(cmd);
              ack(cmd.commandId(), "ACCEPTED");
            }
          }
        } catch (IOException ignored) {
          // a malformed notification is skipped; the next one carries the full list again
        }
      }

      @Override
      public void onError() {
        answered.complete(false);
      }
    };
    observation = commands.observe(onCommands);
    return answered;
  }

  /**
   * Registers the observation of {@code /commands} again once a request is answered over a new DTLS session: a
   * restarted gateway has no observers, and without this the device would hear no command until its observation's
   * Max-Age ran out. Commands it has already seen are not handed on or answered twice.
   */
  private void observeAgain() {
    CoapObserveRelation old = observation;
    if (closed || old == null) return;
    old.reactiveCancel(); // forgotten here; the gateway it was registered with is gone or drops it on its next notification
    commands.setDestinationContext(null);
    observation = commands.observe(onCommands);
  }

  /**
   * Answers a command; the pool pays a device only from its acceptance, so an answer the gateway did not take (a 5.03
   * while Kafka is slow, or silence) is sent again. A 4.xx is final.
   */
  private void ack(String commandId, String status) {
    answersInFlight.incrementAndGet();
    ack(commandId, status, 1);
  }

  /** Answers not settled yet: neither taken by the gateway, refused with 4.xx, nor given up on. */
  int answersInFlight() {
    return answersInFlight.get();
  }

  private void ack(String commandId, String status, int attempt) {
    if (closed) {
      answersInFlight.decrementAndGet();
      return;
    }
    Request req = Request.newPost();
    req.setPayload("{\"commandId\":\"" + commandId + "\",\"status\":\"" + status + "\"}");
    req.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
    acks.advanced(new CoapHandler() {
      @Override
      public void onLoad(CoapResponse response) {
        if (response.getCode().isServerError()) again();
        else answersInFlight.decrementAndGet();
      }

      @Override
      public void onError() {
        again();
      }

      private void again() {
        if (attempt < ANSWER_ATTEMPTS && !closed) {
          try {
            executor.schedule(() -> ack(commandId, status, attempt + 1), 1, java.util.concurrent.TimeUnit.SECONDS);
            return;
          } catch (java.util.concurrent.RejectedExecutionException shutDown) {
            // the fleet is stopping
          }
        }
        answersInFlight.decrementAndGet(); // given up
      }
    }, req);
  }

  @Override
  public void close() {
    closed = true;
    // reactive: a cancelling request sent now would race the endpoint's shutdown below; the gateway drops the
    // observer when its next notification is refused
    if (observation != null) observation.reactiveCancel();
    readings.shutdown();
    commands.shutdown();
    acks.shutdown();
    if (ownsLink) link.close();
  }
}
