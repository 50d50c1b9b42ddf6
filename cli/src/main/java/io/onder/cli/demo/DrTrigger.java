package io.onder.cli.demo;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/** The utility of the demo: posts one OpenADR 3 shaped event to the DR API with its bearer token. */
final class DrTrigger {
  private final int port;
  private final String token;
  private final String substation;
  private final Instant start;
  private final Duration length;
  private final long kw;
  private final long rate;
  private final PrintStream out;
  volatile String eventId;

  DrTrigger(int port, String token, String substation, Instant start, Duration length, long kw, long rate, PrintStream out) {
    this.port = port;
    this.token = token;
    this.substation = substation;
    this.start = start;
    this.length = length;
    this.kw = kw;
    this.rate = rate;
    this.out = out;
  }

  void post() {
    String body = "{\"programID\":\"onder-dr\",\"eventName\":\"evening peak\",\"targets\":[{\"type\":\"SUBSTATION\",\"values\":[\"" + substation
        + "\"]}],\"intervalPeriod\":{\"start\":\"" + start + "\",\"duration\":\"" + length + "\"},\"intervals\":[{\"id\":0,\"payloads\":["
        + "{\"type\":\"REDUCE_LOAD_KW\",\"values\":[" + kw + "]},{\"type\":\"PRICE\",\"values\":[" + rate + "]}]}]}";
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
      eventId = json.path("id").asText(null);
      out.printf("%n  DR event: reduce %d kW on %s, %s for %s, %d base units per kWh -> HTTP %d %s%n", kw, substation, start, length, rate,
          r.statusCode(), eventId == null ? r.body() : eventId);
    } catch (Exception e) {
      out.println("  DR event could not be posted: " + e.getMessage());
    }
  }

  /** Runs {@code trigger} once, when the simulated clock first reaches {@code simMillis}. */
  static Consumer<Long> at(long simMillis, Runnable trigger) {
    boolean[] fired = {false};
    return t -> {
      if (!fired[0] && t >= simMillis) {
        fired[0] = true;
        trigger.run();
      }
    };
  }
}
