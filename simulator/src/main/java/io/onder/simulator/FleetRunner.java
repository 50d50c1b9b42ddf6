package io.onder.simulator;

import io.onder.simulator.model.DeviceModel;
import io.onder.simulator.model.SimReading;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.HdrHistogram.ConcurrentHistogram;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.config.DtlsConfig;

/**
 * Runs a fleet through simulated time against the gateway: every device is its own CoAP+DTLS client, advances its
 * model to each reading time and posts its readings in packs, the fleet's devices spread over a pack's steps as
 * real meters are (not all at the same instant). A pack the gateway answers 5.03, or does not answer,
 * stays buffered on the device and is sent again (a real meter buffers while offline), so no reading is lost; a
 * pack refused with 4.xx is dropped and counted by its code. Devices follow their DR commands with the configured
 * compliance. Simulated time is paced against the wall clock at {@code speed}.
 */
public final class FleetRunner implements AutoCloseable {
  public record Settings(SimClock clock, Instant simEnd, Duration readingEvery, int packSize, double compliance, int maxInFlight,
      boolean progress) {}

  /** What the fleet did. */
  public static final class Summary {
    public final AtomicLong readingsMade = new AtomicLong();
    public final AtomicLong readingsAcked = new AtomicLong();
    public final AtomicLong readingsRejected = new AtomicLong();
    public final AtomicLong requests = new AtomicLong();
    public final AtomicLong retries = new AtomicLong();
    public final AtomicLong commandsReceived = new AtomicLong();
    public final AtomicLong commandsFollowed = new AtomicLong();
    /** Devices whose observation of their commands the gateway did not take, or that got no first answer. */
    public final AtomicLong notObserving = new AtomicLong();
    public final Map<String, AtomicLong> rejectsByCode = new ConcurrentHashMap<>();
    public final ConcurrentHistogram ackLatencyMicros = new ConcurrentHistogram(3);
    public volatile long wallMillis;
    public volatile long unsent;
    /** Every acknowledged reading's sequence number per device, when {@link #trackAcknowledged()} was called. */
    public final Map<String, Set<Long>> acknowledged = new ConcurrentHashMap<>();

    public Map<String, Long> rejects() {
      Map<String, Long> m = new TreeMap<>();
      rejectsByCode.forEach((k, v) -> m.put(k, v.get()));
      return m;
    }
  }

  private final class Device {
    final DeviceModel model;
    final DeviceClient client;
    final List<SimReading> buffer = new ArrayList<>();
    /** Which reading step of each pack the device posts on: devices do not all post at the same moment. */
    final int phase;
    volatile boolean inFlight;

    Device(DeviceModel model, DeviceClient client, int phase) {
      this.model = model;
      this.client = client;
      this.phase = phase;
    }
  }

  private final FleetPlan plan;
  private final Map<String, byte[]> keys;
  /** The gateway's DTLS addresses: device i talks to address i mod n, and every n devices share one socket. */
  private final List<InetSocketAddress> gateways;
  private final List<DeviceClient.Link> links = new ArrayList<>();
  private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(4, r -> {
    Thread t = new Thread(r, "fleet-coap");
    t.setDaemon(true);
    return t;
  });
  private final List<Device> devices = new ArrayList<>();
  private volatile boolean trackAcknowledged;

  /**
   * Sockets a fleet opens at most, each with a receiver thread: a process here may have 20,000 files open, and the
   * machine 32,768 threads in all.
   */
  public static final int MAX_SOCKETS = 4_000;
  /** Devices opening their DTLS session at the same time, at most. */
  static final int CONNECTING = 256;

  /** How many gateway addresses a fleet of {@code devices} needs to stay within {@link #MAX_SOCKETS}. */
  public static int addressesFor(int devices) {
    return Math.max(1, (devices + MAX_SOCKETS - 1) / MAX_SOCKETS);
  }

  public FleetRunner(FleetPlan plan, Map<String, byte[]> keys, InetSocketAddress gateway) {
    this(plan, keys, List.of(gateway));
  }

  /**
   * A fleet talking to a gateway that listens on several addresses: device i uses address i mod n, so n devices share
   * each socket (a DTLS session is per pair of addresses) and the fleet needs n times fewer sockets and threads.
   */
  public FleetRunner(FleetPlan plan, Map<String, byte[]> keys, List<InetSocketAddress> gateways) {
    if (gateways.isEmpty()) throw new IllegalArgumentException("no gateway address");
    this.plan = plan;
    this.keys = keys;
    this.gateways = List.copyOf(gateways);
  }

  /** Keeps the sequence number of every acknowledged reading in the summary, to be looked for in Kafka later. */
  public FleetRunner trackAcknowledged() {
    this.trackAcknowledged = true;
    return this;
  }

  static Configuration clientConfiguration() {
    CoapConfig.register();
    UdpConfig.register();
    DtlsConfig.register();
    Configuration c = Configuration.createStandardWithoutFile();
    c.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY);
    c.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 1);
    c.set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, 1);
    c.set(DtlsConfig.DTLS_MAX_CONNECTIONS, 16);
    c.set(CoapConfig.MAX_ACTIVE_PEERS, 16);
    c.set(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, 2, TimeUnit.SECONDS);
    c.set(CoapConfig.ACK_TIMEOUT, 4, TimeUnit.SECONDS);
    // a request the gateway never answers (it crashed) fails after about 30 s and is sent again, not after 3 min
    c.set(CoapConfig.MAX_RETRANSMIT, 2);
    c.set(CoapConfig.EXCHANGE_LIFETIME, 60, TimeUnit.SECONDS);
    c.set(CoapConfig.NON_LIFETIME, 30, TimeUnit.SECONDS);
    return c;
  }

  public Summary run(Settings s, LongConsumer onSimTick) throws InterruptedException {
    return run(s, onSimTick, sum -> {});
  }

  /** As {@link #run(Settings, LongConsumer)}, handing the live summary to {@code onStart} first (to watch it grow). */
  public Summary run(Settings s, LongConsumer onSimTick, java.util.function.Consumer<Summary> onStart) throws InterruptedException {
    Summary sum = new Summary();
    onStart.accept(sum);
    Configuration config = clientConfiguration();
    if (gateways.size() > config.get(DtlsConfig.DTLS_MAX_CONNECTIONS)) {
      config.set(DtlsConfig.DTLS_MAX_CONNECTIONS, gateways.size());
      config.set(CoapConfig.MAX_ACTIVE_PEERS, gateways.size());
    }
    long start = s.clock().millis() - s.clock().millis() % s.readingEvery().toMillis();
    long end = s.simEnd().toEpochMilli();
    SplittableRandom compliance = new SplittableRandom(plan.seed() ^ 0x5eed);
    // Devices connect a few hundred at a time: each first request is a DTLS handshake, and a whole fleet's at once
    // would make the gateway drop hellos and the devices retransmit them
    Semaphore connecting = new Semaphore(CONNECTING);
    for (FleetPlan.Device d : plan.deviceList()) {
      DeviceModel model = d.model(start);
      model.advanceTo(start);
      int n = devices.size();
      if (n % gateways.size() == 0) links.add(new DeviceClient.Link(config, executor));
      DeviceClient client = new DeviceClient(d.deviceId(), "psk-" + d.deviceId(), keys.get(d.deviceId()), gateways.get(n % gateways.size()),
          links.get(links.size() - 1), executor);
      Device dev = new Device(model, client, devices.size() % Math.max(1, s.packSize()));
      boolean complies;
      synchronized (compliance) {
        complies = compliance.nextDouble() < s.compliance();
      }
      // bounded: a device whose first answer never comes (neither an answer nor an error) does not stop the fleet
      boolean slot = connecting.tryAcquire(60, TimeUnit.SECONDS);
      client.observeCommands(cmd -> {
        sum.commandsReceived.incrementAndGet();
        if ("RELEASE".equals(cmd.action())) {
          model.release();
          return;
        }
        model.command("REDUCE".equals(cmd.action()), cmd.requestedW(), cmd.end(), complies);
        if (complies) sum.commandsFollowed.incrementAndGet();
      }).whenComplete((observing, err) -> {
        if (!Boolean.TRUE.equals(observing)) sum.notObserving.incrementAndGet();
        if (slot) connecting.release();
      });
      devices.add(dev);
    }
    // every device has its session, or its first answer failed (its posts will retry)
    if (connecting.tryAcquire(CONNECTING, 120, TimeUnit.SECONDS)) connecting.release(CONNECTING);
    s.clock().start(); // a held clock starts once the fleet is connected
    Semaphore inFlight = new Semaphore(s.maxInFlight());
    long step = s.readingEvery().toMillis();
    long steps = (end - start) / step;
    long wall0 = System.currentTimeMillis();
    try (ProgressBar bar = s.progress() ? new ProgressBarBuilder().setTaskName("simulated day").setInitialMax(steps)
        .setStyle(ProgressBarStyle.ASCII).setUnit(" min", Math.max(1, 60_000 / step)).continuousUpdate().build() : null) {
      for (long i = 1; i <= steps; i++) {
        long t = start + i * step;
        long wait = s.clock().wallMillisUntil(t);
        if (wait > 0) Thread.sleep(wait); // pacing simulated time against the wall clock, not waiting for a result
        onSimTick.accept(t);
        for (Device d : devices) {
          SimReading r = d.model.advanceTo(t);
          sum.readingsMade.incrementAndGet();
          synchronized (d.buffer) {
            d.buffer.add(r);
          }
          if ((i + d.phase) % Math.max(1, s.packSize()) == 0) send(d, s, inFlight, sum); // a pack's worth, at its phase
        }
        if (bar != null) bar.step();
      }
    }
    // the day is over: send what every device still holds, retrying until the gateway has it all or time runs out
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      boolean pending = false;
      for (Device d : devices) {
        if (!d.buffer.isEmpty()) {
          pending = true;
          if (!d.inFlight) send(d, s, inFlight, sum);
        }
      }
      if (!pending && inFlight.availablePermits() == s.maxInFlight()) break;
      Thread.sleep(20); // polling the fleet's buffers with a deadline
    }
    long unsent = 0;
    for (Device d : devices) unsent += d.buffer.size();
    sum.unsent = unsent;
    sum.wallMillis = System.currentTimeMillis() - wall0;
    return sum;
  }

  private void send(Device d, Settings s, Semaphore inFlight, Summary sum) throws InterruptedException {
    if (d.inFlight) return;
    List<SimReading> pack;
    synchronized (d.buffer) {
      if (d.buffer.isEmpty()) return;
      pack = new ArrayList<>(d.buffer.subList(0, Math.min(d.buffer.size(), Math.max(s.packSize(), 1) * 4)));
    }
    inFlight.acquire();
    d.inFlight = true;
    sum.requests.incrementAndGet();
    d.client.post(pack).whenComplete((ack, err) -> {
      try {
        if (err == null && ack.success()) {
          sum.readingsAcked.addAndGet(pack.size());
          sum.ackLatencyMicros.recordValue(Math.max(1, ack.latencyNanos() / 1_000));
          if (trackAcknowledged) {
            Set<Long> seqs = sum.acknowledged.computeIfAbsent(d.client.deviceId(), k -> ConcurrentHashMap.newKeySet());
            for (SimReading r : pack) seqs.add(r.seq());
          }
          synchronized (d.buffer) {
            d.buffer.subList(0, pack.size()).clear();
          }
        } else if (err == null && ack.code() >= 128 && ack.code() < 160) { // 4.xx: the gateway refused it for good
          sum.readingsRejected.addAndGet(pack.size());
          sum.rejectsByCode.computeIfAbsent(codeName(ack.code()), k -> new AtomicLong()).incrementAndGet();
          synchronized (d.buffer) {
            d.buffer.subList(0, pack.size()).clear();
          }
        } else {
          sum.retries.incrementAndGet(); // 5.03 or no answer: keep the readings and send them again
        }
      } finally {
        d.inFlight = false;
        inFlight.release();
      }
    });
  }

  /** The sockets the fleet opened (each device shares one with a device per other gateway address). */
  public int sockets() {
    return links.size();
  }

  static String codeName(int code) {
    return (code >> 5) + "." + String.format("%02d", code & 0x1f);
  }

  @Override
  public void close() {
    for (Device d : devices) d.client.close();
    for (DeviceClient.Link l : links) l.close();
    executor.shutdownNow();
  }
}
