package io.onder.ingest.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Counters, gauges and latency histograms rendered in the Prometheus text format (version 0.0.4). Deliberately
 * tiny: no client library, label values are fixed strings chosen by the code (never device input).
 */
public final class Metrics {
  private static final double[] BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private final Map<String, String> help = new ConcurrentHashMap<>();
  private final Map<String, Map<String, LongAdder>> counters = new ConcurrentHashMap<>();
  private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();
  private final Map<String, Histogram> histograms = new ConcurrentHashMap<>();

  private static final class Histogram {
    final LongAdder[] buckets = new LongAdder[BUCKETS.length];
    final LongAdder count = new LongAdder();
    final java.util.concurrent.atomic.DoubleAdder sum = new java.util.concurrent.atomic.DoubleAdder();

    Histogram() {
      for (int i = 0; i < buckets.length; i++) buckets[i] = new LongAdder();
    }
  }

  public void count(String name, String... labels) {
    add(name, 1, labels);
  }

  public void add(String name, long n, String... labels) {
    counters.computeIfAbsent(name, k -> new ConcurrentHashMap<>()).computeIfAbsent(labels(labels), k -> new LongAdder()).add(n);
  }

  public long value(String name, String... labels) {
    Map<String, LongAdder> m = counters.get(name);
    LongAdder a = m == null ? null : m.get(labels(labels));
    return a == null ? 0 : a.sum();
  }

  /** A gauge's current value, 0 if there is no such gauge. */
  public long gaugeValue(String name) {
    LongSupplier g = gauges.get(name);
    return g == null ? 0 : g.getAsLong();
  }

  public void gauge(String name, String helpText, LongSupplier value) {
    help.put(name, helpText);
    gauges.put(name, value);
  }

  public void observe(String name, double seconds) {
    Histogram h = histograms.computeIfAbsent(name, k -> new Histogram());
    for (int i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]) h.buckets[i].increment();
    h.count.increment();
    h.sum.add(seconds);
  }

  private static String labels(String... kv) {
    if (kv.length == 0) return "";
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i + 1 < kv.length; i += 2) {
      if (i > 0) b.append(',');
      b.append(kv[i]).append("=\"").append(kv[i + 1].replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    }
    return b.append('}').toString();
  }

  /** The whole registry in the Prometheus text exposition format. */
  public String render() {
    StringBuilder out = new StringBuilder();
    new TreeMap<>(counters).forEach((name, series) -> {
      out.append("# TYPE ").append(name).append(" counter\n");
      new TreeMap<>(series).forEach((l, v) -> out.append(name).append(l).append(' ').append(v.sum()).append('\n'));
    });
    new TreeMap<>(gauges).forEach((name, g) -> {
      if (help.containsKey(name)) out.append("# HELP ").append(name).append(' ').append(help.get(name)).append('\n');
      out.append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(g.getAsLong()).append('\n');
    });
    new TreeMap<>(histograms).forEach((name, h) -> {
      out.append("# TYPE ").append(name).append(" histogram\n");
      for (int i = 0; i < BUCKETS.length; i++) {
        out.append(name).append("_bucket{le=\"").append(BUCKETS[i]).append("\"} ").append(h.buckets[i].sum()).append('\n');
      }
      out.append(name).append("_bucket{le=\"+Inf\"} ").append(h.count.sum()).append('\n');
      out.append(name).append("_sum ").append(h.sum.sum()).append('\n');
      out.append(name).append("_count ").append(h.count.sum()).append('\n');
    });
    return out.toString();
  }
}
