package io.onder.ingest.bench;

import io.onder.ingest.Gateway;
import io.onder.ingest.GatewayConfig;
import io.onder.ingest.client.DeviceClient;
import io.onder.ingest.registry.Device;
import io.onder.ingest.registry.InMemoryDeviceRegistry;
import io.onder.ingest.registry.SecretResolver;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedMultiPskStore;

/**
 * {@code IngestBench --bootstrap host:port [--topic-prefix p] [--devices 128] [--seconds 10] [--warm-up-seconds 5] [--pack 20]}: drives the
 * gateway over loopback against a real Kafka with closed-loop device clients (each waits for its answer) and prints
 * readings/s, requests/s and p50/p99 acknowledgement latency for plain CoAP and DTLS, one reading per request and
 * packs; then the same requests against a bare Californium server that answers 2.04 doing nothing, and the ratio.
 * Random keys, generated per run, never printed.
 *
 * <p>128 devices by default: a device waits for its answer, which comes only once Kafka has the readings (at least the
 * producer's 5 ms linger), so one device makes at most ~100 requests/s, and 32 of them measured their own waiting
 * (3,300 DTLS requests/s at a p50 of 9.4 ms) rather than the gateway. Readings lost are counted from the readings
 * topic's end offsets before and after the run: give it a topic prefix of its own (the CLI does).
 */
public final class IngestBench {
  private record Result(String label, long requests, long readings, double seconds, Histogram latency, long failed) {
    void print(Double bareRequestsPerSecond) {
      double rps = requests / seconds;
      System.out.printf("%-34s %9.0f req/s %10.0f readings/s  p50 %6.2f ms  p99 %7.2f ms  failed %d%s%n", label, rps,
          readings / seconds, latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3, failed,
          bareRequestsPerSecond == null ? "" : String.format("  (%.0f%% of bare)", 100 * rps / bareRequestsPerSecond));
    }
  }

  /** Each run's closed-loop devices, its measured seconds, and the seconds of the same requests before them. */
  private record Load(int devices, int seconds, int warmUpSeconds) {}

  /**
   * The device clients' CoAP and DTLS stages, shared (as the simulator's are): a client's own would be about five
   * threads, 650 in all for 128 devices, and the load generator's switching between them was CPU the servers measured
   * here did not get. The gateway and the bare server are driven by the same clients.
   */
  private static final java.util.concurrent.ScheduledThreadPoolExecutor clientThreads = new java.util.concurrent.ScheduledThreadPoolExecutor(2, r -> {
    Thread t = new Thread(r, "bench-client");
    t.setDaemon(true);
    return t;
  });

  public static void main(String[] args) throws Exception {
    String bootstrap = arg(args, "--bootstrap", null);
    if (bootstrap == null) throw new IllegalArgumentException("--bootstrap host:port of a Kafka with the Onder topics is required");
    String prefix = arg(args, "--topic-prefix", "");
    int devices = Integer.parseInt(arg(args, "--devices", "128"));
    int seconds = Integer.parseInt(arg(args, "--seconds", "10"));
    int pack = Integer.parseInt(arg(args, "--pack", "20"));
    Load load = new Load(devices, seconds, Integer.parseInt(arg(args, "--warm-up-seconds", "5")));
    System.out.printf("machine: %d cores, %s %s, Java %s; %d closed-loop devices, %d s per run after %d s unmeasured%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), System.getProperty("os.arch"),
        System.getProperty("java.version"), devices, seconds, load.warmUpSeconds());

    Path dir = Files.createTempDirectory("onder-bench");
    Path secrets = dir.resolve("psk.properties");
    Properties keys = new Properties();
    InMemoryDeviceRegistry registry = new InMemoryDeviceRegistry();
    List<byte[]> psks = new ArrayList<>();
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < devices; i++) {
      byte[] k = new byte[16];
      random.nextBytes(k);
      psks.add(k);
      keys.setProperty("bench-" + i, Base64.getEncoder().encodeToString(k));
      registry.put(new Device("bench-" + i, "feeder-bench", "meter", "0x0", "bench-" + i, "file:" + secrets + "#bench-" + i, null, false));
    }
    Files.createFile(secrets, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (OutputStream out = Files.newOutputStream(secrets)) {
      keys.store(out, null);
    }

    int coaps = freePort();
    int coap = freePort();
    Properties o = new Properties();
    o.setProperty("onder.kafka.bootstrap", bootstrap);
    o.setProperty("onder.kafka.topic.prefix", prefix);
    o.setProperty("onder.ingest.coaps.port", Integer.toString(coaps));
    o.setProperty("onder.ingest.coap.port", Integer.toString(coap));
    o.setProperty("onder.ingest.unsafe.plain-coap", "true");
    o.setProperty("onder.ingest.metrics.port", "0");
    o.setProperty("onder.ingest.max.records", Integer.toString(Math.max(512, pack * 3)));
    o.setProperty("onder.ingest.max.payload.bytes", "65536");
    // the gateway's producer settings can be tried from the command line: -Dkafka.producer.compression.type=zstd ...
    for (String k : System.getProperties().stringPropertyNames()) {
      if (k.startsWith("kafka.producer.")) {
        o.setProperty(k, System.getProperty(k));
        System.out.printf("gateway producer: %s=%s%n", k.substring("kafka.producer.".length()), System.getProperty(k));
      }
    }
    ClientFactory plain = i -> DeviceClient.plain("127.0.0.1", coap, "bench-" + i, 10_000, clientThreads);
    ClientFactory dtls = i -> DeviceClient.dtls("127.0.0.1", coaps, "bench-" + i, psks.get(i), 10_000, clientThreads);
    List<Result> gateway = new ArrayList<>();
    Result paced;
    long before = endOffsets(bootstrap, prefix + io.onder.schemas.Topics.READINGS);
    try (Gateway g = new Gateway(new GatewayConfig(o), registry, new SecretResolver(), Clock.systemUTC()).start()) {
      long[] seq = new long[devices];
      gateway.add(run("gateway coap, 1 reading/request", load, 1, seq, plain));
      gateway.add(run("gateway coaps, 1 reading/request", load, 1, seq, dtls));
      gateway.add(run("gateway coap, " + pack + " readings/request", load, pack, seq, plain));
      gateway.add(run("gateway coaps, " + pack + " readings/request", load, pack, seq, dtls));
      double max = gateway.get(1).requests / gateway.get(1).seconds;
      paced = run(String.format("gateway coaps, paced at half the maximum, %.0f req/s", max / 2), load, 1, seq, dtls, max / 2);
      long accepted = g.metrics().value("onder_ingest_readings_total", "outcome", "accepted");
      long inKafka = endOffsets(bootstrap, prefix + io.onder.schemas.Topics.READINGS) - before;
      System.out.printf("readings acknowledged (warm-ups included) %d, records added to Kafka %d, lost %d, extra %d%n", accepted, inKafka,
          Math.max(0, accepted - inKafka), Math.max(0, inKafka - accepted));
    }
    List<Result> bare = new ArrayList<>();
    CoapServer server = bareServer(coap, coaps, psks);
    try {
      long[] seq = new long[devices];
      bare.add(run("bare californium coap, 1/request", load, 1, seq, plain));
      bare.add(run("bare californium coaps, 1/request", load, 1, seq, dtls));
      bare.add(run("bare californium coap, " + pack + "/request", load, pack, seq, plain));
      bare.add(run("bare californium coaps, " + pack + "/request", load, pack, seq, dtls));
    } finally {
      server.destroy();
    }
    System.out.println();
    for (int i = 0; i < gateway.size(); i++) {
      bare.get(i).print(null);
      gateway.get(i).print(bare.get(i).requests / bare.get(i).seconds);
    }
    paced.print(null);
    Files.deleteIfExists(secrets);
    Files.deleteIfExists(dir);
  }

  /** The sum of {@code topic}'s end offsets (the gateway's producer is not transactional: one offset per record). */
  private static long endOffsets(String bootstrap, String topic) throws Exception {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrap);
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
      org.apache.kafka.clients.admin.TopicDescription description;
      try {
        description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      } catch (java.util.concurrent.ExecutionException e) {
        if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) throw e;
        throw new IllegalArgumentException("topic " + topic + " does not exist: create the Onder topics with this prefix first (bin/onder bench ingest does)");
      }
      java.util.Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
      for (var part : description.partitions()) {
        latest.put(new org.apache.kafka.common.TopicPartition(topic, part.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest());
      }
      long n = 0;
      for (var end : admin.listOffsets(latest).all().get().values()) n += end.offset();
      return n;
    }
  }

  private interface ClientFactory {
    DeviceClient open(int device);
  }

  private static Result run(String label, Load load, int pack, long[] seq, ClientFactory factory) throws InterruptedException {
    return run(label, load, pack, seq, factory, 0);
  }

  /**
   * {@code ratePerSecond} > 0: open loop, each device sends on a fixed schedule; 0: closed loop, as fast as answers come.
   * The same requests run for the load's warm-up seconds first, unmeasured: the JIT compiles each configuration's own path
   * (the gateway's runs came first in the JVM's life and measured its compiler too: C2 took 15-40 % of the CPU in them,
   * none in the bare server's runs after them). Only requests sent after the warm-up count.
   */
  private static Result run(String label, Load load, int pack, long[] seq, ClientFactory factory, double ratePerSecond)
      throws InterruptedException {
    int devices = load.devices();
    Histogram latency = new ConcurrentHistogram(60_000_000L, 2);
    AtomicLong requests = new AtomicLong();
    AtomicLong readings = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<DeviceClient> clients = new ArrayList<>();
    for (int i = 0; i < devices; i++) clients.add(factory.open(i));
    // one request each first: the DTLS handshake is not part of the steady state
    for (int i = 0; i < devices; i++) clients.get(i).postReadings(pack(i, seq, 1), 112);
    long measured = System.nanoTime() + load.warmUpSeconds() * 1_000_000_000L;
    long end = measured + load.seconds() * 1_000_000_000L;
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < devices; i++) {
      int d = i;
      Thread t = new Thread(() -> {
        long interval = ratePerSecond > 0 ? (long) (1e9 * devices / ratePerSecond) : 0;
        long next = System.nanoTime() + (interval > 0 ? java.util.concurrent.ThreadLocalRandom.current().nextLong(interval) : 0);
        while (System.nanoTime() < end) {
          byte[] body = pack(d, seq, pack);
          if (interval > 0) {
            while (System.nanoTime() < next) java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());
          }
          // latency from the scheduled send time when paced, so a stall is not hidden (no coordinated omission)
          long s = interval > 0 ? next : System.nanoTime();
          next += interval;
          CoapResponse r = clients.get(d).postReadings(body, 112);
          long us = (System.nanoTime() - s) / 1000;
          if (s < measured) continue;
          if (r != null && r.getCode() == ResponseCode.CHANGED) {
            latency.recordValue(Math.min(us, 59_999_999L));
            requests.incrementAndGet();
            readings.addAndGet(pack);
          } else {
            failed.incrementAndGet();
          }
        }
      }, "bench-device-" + i);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) t.join();
    double elapsed = (System.nanoTime() - measured) / 1e9;
    clients.forEach(DeviceClient::close);
    return new Result(label, requests.get(), readings.get(), elapsed, latency, failed.get());
  }

  private static final com.fasterxml.jackson.dataformat.cbor.CBORFactory CBOR = new com.fasterxml.jackson.dataformat.cbor.CBORFactory();

  /** A SenML CBOR pack (RFC 8428 integer labels) of {@code n} readings of device {@code d}, one second apart. */
  private static byte[] pack(int d, long[] seq, int n) {
    long now = System.currentTimeMillis() / 1000;
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64 + n * 40);
    try (com.fasterxml.jackson.dataformat.cbor.CBORGenerator g = CBOR.createGenerator(out)) {
      g.writeStartArray();
      for (int i = 0; i < n; i++) {
        long s;
        synchronized (seq) {
          s = ++seq[d];
        }
        g.writeStartObject();
        if (i == 0) {
          g.writeFieldId(-2);
          g.writeString("bench-" + d + ":");
          g.writeFieldId(-3);
          g.writeNumber(now - n);
        }
        g.writeFieldId(0);
        g.writeString("seq");
        g.writeFieldId(2);
        g.writeNumber(s);
        g.writeFieldId(6);
        g.writeNumber(i);
        g.writeEndObject();
        g.writeStartObject();
        g.writeFieldId(0);
        g.writeString("import");
        g.writeFieldId(1);
        g.writeString("Wh");
        g.writeFieldId(2);
        g.writeNumber(s);
        g.writeFieldId(6);
        g.writeNumber(i);
        g.writeEndObject();
        g.writeStartObject();
        g.writeFieldId(0);
        g.writeString("power");
        g.writeFieldId(1);
        g.writeString("W");
        g.writeFieldId(2);
        g.writeNumber(300 + (int) (s % 50));
        g.writeFieldId(6);
        g.writeNumber(i);
        g.writeEndObject();
      }
      g.writeEndArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The same pack in SenML JSON (for comparison runs). */
  static byte[] jsonPack(int d, long[] seq, int n) {
    long now = System.currentTimeMillis() / 1000;
    StringBuilder b = new StringBuilder("[{\"bn\":\"bench-").append(d).append(":\",\"bt\":").append(now - n).append('}');
    for (int i = 0; i < n; i++) {
      long s;
      synchronized (seq) {
        s = ++seq[d];
      }
      b.append(",{\"n\":\"seq\",\"v\":").append(s).append(",\"t\":").append(i).append('}')
          .append(",{\"n\":\"import\",\"u\":\"Wh\",\"v\":").append(s).append(",\"t\":").append(i).append('}')
          .append(",{\"n\":\"power\",\"u\":\"W\",\"v\":").append(300 + (s % 50)).append(",\"t\":").append(i).append('}');
    }
    return b.append(']').toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The same transports with a resource that answers 2.04 and does nothing. */
  private static CoapServer bareServer(int coap, int coaps, List<byte[]> psks) {
    Configuration cf = Configuration.createStandardWithoutFile();
    cf.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.SERVER_ONLY);
    cf.set(org.eclipse.californium.core.config.CoapConfig.MAX_RESOURCE_BODY_SIZE, 65536);
    cf.set(org.eclipse.californium.core.config.CoapConfig.DEDUPLICATOR, org.eclipse.californium.core.config.CoapConfig.DEDUPLICATOR_PEERS_MARK_AND_SWEEP); // as the gateway
    AdvancedMultiPskStore store = new AdvancedMultiPskStore();
    for (int i = 0; i < psks.size(); i++) store.setKey("bench-" + i, psks.get(i));
    CoapServer s = new CoapServer(cf);
    s.addEndpoint(new CoapEndpoint.Builder().setConfiguration(cf).setInetSocketAddress(new InetSocketAddress("127.0.0.1", coap)).build());
    s.addEndpoint(new CoapEndpoint.Builder().setConfiguration(cf).setConnector(new DTLSConnector(new DtlsConnectorConfig.Builder(cf)
        .setAddress(new InetSocketAddress("127.0.0.1", coaps)).setAdvancedPskStore(store).build())).build());
    s.add(new CoapResource("readings") {
      @Override
      public void handlePOST(CoapExchange ex) {
        ex.respond(ResponseCode.CHANGED, "accepted");
      }
    });
    s.start();
    return s;
  }

  private static int freePort() throws java.io.IOException {
    for (int i = 0; i < 200; i++) {
      int p = 20000 + random().nextInt(12000);
      try (java.net.ServerSocket ss = new java.net.ServerSocket(p, 1, java.net.InetAddress.getByName("127.0.0.1"));
          java.net.DatagramSocket ds = new java.net.DatagramSocket(p, java.net.InetAddress.getByName("127.0.0.1"))) {
        return p;
      } catch (java.io.IOException taken) {
        // next
      }
    }
    throw new java.io.IOException("no free port");
  }

  private static java.util.Random random() {
    return java.util.concurrent.ThreadLocalRandom.current();
  }

  private static String arg(String[] args, String name, String dflt) {
    for (int i = 0; i + 1 < args.length; i++) if (args[i].equals(name)) return args[i + 1];
    return dflt;
  }
}
