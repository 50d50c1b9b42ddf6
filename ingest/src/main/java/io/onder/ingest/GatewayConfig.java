package io.onder.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/** Typed view of {@code onder-ingest.properties} (the defaults, documented there) plus overrides. */
public final class GatewayConfig {
  private final Properties p = new Properties();

  public GatewayConfig(Properties overrides) {
    try (InputStream in = GatewayConfig.class.getResourceAsStream("/onder-ingest.properties")) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    p.putAll(overrides);
  }

  public static GatewayConfig fromFile(Path file) throws IOException {
    Properties o = new Properties();
    if (file != null) try (InputStream in = Files.newInputStream(file)) {
      o.load(in);
    }
    for (String k : System.getProperties().stringPropertyNames()) if (k.startsWith("onder.")) o.setProperty(k, System.getProperty(k));
    return new GatewayConfig(o);
  }

  public String get(String key) {
    String v = p.getProperty(key);
    if (v == null) throw new IllegalArgumentException("missing configuration key " + key);
    return v.strip();
  }

  public int integer(String key) {
    return Integer.parseInt(get(key));
  }

  public boolean flag(String key) {
    return Boolean.parseBoolean(get(key));
  }

  public String bind() { return get("onder.ingest.bind"); }
  public int coapsPort() { return integer("onder.ingest.coaps.port"); }
  public java.util.List<Integer> coapsExtraPorts() {
    return java.util.Arrays.stream(get("onder.ingest.coaps.extra-ports").split(",")).map(String::strip).filter(x -> !x.isEmpty())
        .map(Integer::parseInt).toList();
  }
  public int coapPort() { return integer("onder.ingest.coap.port"); }
  public boolean unsafePlainCoap() { return flag("onder.ingest.unsafe.plain-coap"); }
  public int metricsPort() { return integer("onder.ingest.metrics.port"); }
  public int maxPayloadBytes() { return integer("onder.ingest.max.payload.bytes"); }
  public int maxRecords() { return integer("onder.ingest.max.records"); }
  public int maxObservers() { return integer("onder.ingest.max.observers"); }
  public int commandsMaxAgeSeconds() { return integer("onder.ingest.commands.max-age.seconds"); }
  public Duration maxSkew() { return Duration.ofSeconds(integer("onder.ingest.max.skew.seconds")); }
  public Duration horizon() { return Duration.ofHours(integer("onder.ingest.horizon.hours")); }
  public int dedupWindow() { return integer("onder.ingest.dedup.window"); }
  public int maxInFlight() { return integer("onder.ingest.max.in.flight"); }
  public int retryAfterSeconds() { return integer("onder.ingest.retry.after.seconds"); }
  public Duration registryRefresh() { return Duration.ofSeconds(integer("onder.ingest.registry.refresh.seconds")); }
  public Duration dispatchLookback() { return Duration.ofMinutes(integer("onder.ingest.dispatch.lookback.minutes")); }
  public String topic(String name) { return p.getProperty("onder.kafka.topic.prefix", "").strip() + name; }

  /** Kafka client properties: bootstrap plus every {@code kafka.<client>.*} key with that prefix removed. */
  public Properties kafka(String client) {
    Properties out = new Properties();
    out.setProperty("bootstrap.servers", get("onder.kafka.bootstrap"));
    String prefix = "kafka." + client + ".";
    for (String k : p.stringPropertyNames()) if (k.startsWith(prefix)) out.setProperty(k.substring(prefix.length()), p.getProperty(k));
    return out;
  }
}
