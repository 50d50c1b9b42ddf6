package io.onder.ingest.metrics;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** Serves {@code GET /metrics} for a Prometheus scraper with the JDK's HTTP server. */
public final class MetricsHttp implements AutoCloseable {
  private final HttpServer server;

  public MetricsHttp(InetSocketAddress address, Metrics metrics) throws IOException {
    server = HttpServer.create(address, 16);
    server.createContext("/metrics", ex -> {
      byte[] body = metrics.render().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(body);
      }
    });
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
