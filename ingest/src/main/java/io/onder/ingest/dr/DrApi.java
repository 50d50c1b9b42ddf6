package io.onder.ingest.dr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.onder.avro.DrEvent;
import io.onder.avro.DrStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The DR API for utilities, HTTP JSON in the shape of OpenADR 3 events:
 * <pre>
 *   POST   /events        create (201, the event)       GET /events        this utility's events
 *   GET    /events/{id}   one event                     DELETE /events/{id} cancel (the event, status CANCELLED)
 * </pre>
 * Every call carries {@code Authorization: Bearer <token>}; errors are {@code {"error": code, "detail": text}}.
 */
public final class DrApi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 64 * 1024;

  private final HttpServer server;
  private final ExecutorService executor;
  private final UtilityTokens tokens;
  private final DrEvents events;
  private final Topology topology;
  private final Clock clock;

  public DrApi(InetSocketAddress address, UtilityTokens tokens, DrEvents events, Topology topology, Clock clock) throws IOException {
    this.tokens = tokens;
    this.events = events;
    this.topology = topology;
    this.clock = clock;
    this.server = HttpServer.create(address, 64);
    this.executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "onder-dr-api");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/events", this::handle);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      Optional<String> utility = auth != null && auth.startsWith("Bearer ") ? tokens.utility(auth.substring(7).strip()) : Optional.empty();
      if (utility.isEmpty()) {
        ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"onder-dr\"");
        error(ex, 401, "unauthorized", "a valid bearer token is required");
        return;
      }
      String path = ex.getRequestURI().getPath();
      String rest = path.length() > "/events".length() ? path.substring("/events".length()) : "";
      String method = ex.getRequestMethod();
      if (rest.isEmpty() || rest.equals("/")) {
        if (method.equals("POST")) create(ex, utility.get());
        else if (method.equals("GET")) {
          ArrayNode a = JSON.createArrayNode();
          for (DrEvent e : events.list(utility.get())) a.add(view(e));
          send(ex, 200, a);
        } else error(ex, 405, "method_not_allowed", "GET or POST");
        return;
      }
      String id = rest.substring(1);
      if (id.contains("/")) {
        error(ex, 404, "not_found", "no such resource");
        return;
      }
      switch (method) {
        case "GET" -> {
          Optional<DrEvent> e = events.get(utility.get(), id);
          if (e.isPresent()) send(ex, 200, view(e.get()));
          else error(ex, 404, "not_found", "no event " + clip(id) + " of this utility");
        }
        case "DELETE" -> {
          var f = events.cancel(utility.get(), id);
          if (f.isEmpty()) error(ex, 404, "not_found", "no event " + clip(id) + " of this utility");
          else {
            DrEvent e = await(ex, f.get());
            if (e != null) send(ex, 200, view(e));
          }
        }
        default -> error(ex, 405, "method_not_allowed", "GET or DELETE");
      }
    } catch (RuntimeException e) {
      error(ex, 500, "internal", "internal error");
    }
  }

  private void create(HttpExchange ex, String utility) throws IOException {
    String ct = ex.getRequestHeaders().getFirst("Content-Type");
    if (ct == null || !ct.toLowerCase().startsWith("application/json")) {
      error(ex, 415, "unsupported_media_type", "Content-Type: application/json");
      return;
    }
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readNBytes(MAX_BODY + 1);
    }
    if (body.length > MAX_BODY) {
      error(ex, 413, "too_large", "at most " + MAX_BODY + " bytes");
      return;
    }
    JsonNode n;
    try {
      n = JSON.readTree(body);
    } catch (IOException e) {
      error(ex, 400, "malformed_json", "the body is not valid JSON");
      return;
    }
    DrEventRequest req;
    try {
      req = DrEventRequest.parse(n, topology, clock);
    } catch (DrEventRequest.Invalid e) {
      error(ex, 400, "invalid_event", e.getMessage());
      return;
    }
    DrEvent e = await(ex, events.create(utility, req));
    if (e == null) return;
    ObjectNode v = view(e);
    v.put("programID", req.programId());
    v.put("eventName", req.eventName());
    ex.getResponseHeaders().set("Location", "/events/" + e.getEventId());
    send(ex, 201, v);
  }

  private static DrEvent await(HttpExchange ex, java.util.concurrent.CompletableFuture<DrEvent> f) throws IOException {
    try {
      return f.get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      ex.getResponseHeaders().set("Retry-After", "5");
      error(ex, 503, "unavailable", "the event store (Kafka) did not acknowledge; retry");
      return null;
    }
  }

  /** The event as an OpenADR 3 shaped object. */
  static ObjectNode view(DrEvent e) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", e.getEventId());
    o.put("objectType", "EVENT");
    o.put("createdDateTime", e.getCreatedAt().toString());
    o.put("programID", "onder-dr");
    o.put("status", e.getStatus().name());
    o.put("version", e.getVersion());
    ObjectNode target = o.putArray("targets").addObject();
    target.put("type", e.getTargetKind().name());
    target.putArray("values").add(e.getTargetId());
    ObjectNode period = o.putObject("intervalPeriod");
    period.put("start", e.getStart().toString());
    period.put("duration", java.time.Duration.between(e.getStart(), e.getEnd()).toString());
    ObjectNode interval = o.putArray("intervals").addObject();
    interval.put("id", 0);
    ArrayNode payloads = interval.putArray("payloads");
    ObjectNode load = payloads.addObject();
    load.put("type", e.getDirection().name() + "_LOAD_KW");
    load.putArray("values").add(e.getTargetW() / 1000.0);
    ObjectNode price = payloads.addObject();
    price.put("type", "PRICE");
    price.putArray("values").add(e.getRate());
    o.put("cancelled", e.getStatus() == DrStatus.CANCELLED);
    return o;
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    byte[] b = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(b);
    }
  }

  private static void error(HttpExchange ex, int status, String code, String detail) throws IOException {
    ObjectNode o = JSON.createObjectNode();
    o.put("error", code);
    o.put("detail", detail);
    send(ex, status, o);
  }

  private static String clip(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
