package io.onder.ingest.registry;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The device registry in Cassandra's {@code devices} table, cached: the whole table is loaded at start and
 * reloaded every {@code refresh}, in the background: lookups go on answering from the snapshot they have until the new
 * one is in (a reload of 100,000 devices takes seconds, and on the lookup's thread it held every DTLS handshake). A
 * miss between reloads reads the one row (PSK identity misses are remembered briefly, so a stranger hammering the
 * handshake does not hammer Cassandra).
 */
public final class CassandraDeviceRegistry implements DeviceRegistry, AutoCloseable {
  private static final String COLUMNS = "device_id, feeder_id, kind, owner_address, psk_identity, psk_secret_ref, public_key, revoked";

  private final CqlSession session;
  private final PreparedStatement byId;
  private final Clock clock;
  private final Duration refresh;
  private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), Map.of(), 0);
  private final Map<String, Long> misses = new ConcurrentHashMap<>();

  private record Snapshot(Map<String, Device> byId, Map<String, Device> byPsk, Map<String, Device> byKey, long loadedAt) {}

  /**
   * The registry's refresh, its memory of misses and its retry run on the wall clock, whatever clock the gateway
   * answers on: they are the cache's own timing (on a simulated clock at 15x, a 30 s refresh reloaded every device
   * every 2 s of wall time).
   */
  public CassandraDeviceRegistry(CqlSession session, String keyspace, Duration refresh) {
    this.session = session;
    this.clock = Clock.systemUTC();
    this.refresh = refresh;
    this.byId = session.prepare("SELECT " + COLUMNS + " FROM " + keyspace + ".devices WHERE device_id = ?");
    this.allStatement = "SELECT " + COLUMNS + " FROM " + keyspace + ".devices";
    reload();
  }

  private final String allStatement;

  /** Reads the whole table again (also called by the periodic refresh). */
  public synchronized void reload() {
    Map<String, Device> id = new ConcurrentHashMap<>();
    Map<String, Device> psk = new ConcurrentHashMap<>();
    Map<String, Device> key = new ConcurrentHashMap<>();
    for (Row r : session.execute(allStatement)) put(map(r), id, psk, key);
    snapshot = new Snapshot(id, psk, key, clock.millis());
    misses.clear();
  }

  private static void put(Device d, Map<String, Device> id, Map<String, Device> psk, Map<String, Device> key) {
    id.put(d.deviceId(), d);
    if (d.pskIdentity() != null) psk.put(d.pskIdentity(), d);
    if (d.publicKey() != null) key.put(Base64.getEncoder().encodeToString(d.publicKey()), d);
  }

  private static Device map(Row r) {
    ByteBuffer pk = r.getByteBuffer("public_key");
    byte[] key = null;
    if (pk != null) {
      key = new byte[pk.remaining()];
      pk.duplicate().get(key);
    }
    return new Device(r.getString("device_id"), r.getString("feeder_id"), r.getString("kind"), r.getString("owner_address"),
        r.getString("psk_identity"), r.getString("psk_secret_ref"), key, r.getBoolean("revoked"));
  }

  /** The snapshot now; one past its refresh starts a reload in the background (a failed one is tried again 5 s later). */
  private Snapshot current() {
    Snapshot s = snapshot;
    long now = clock.millis();
    if (now - s.loadedAt > refresh.toMillis() && now >= retryAt && reloading.compareAndSet(false, true)) {
      Thread t = new Thread(() -> {
        try {
          reload();
        } catch (RuntimeException e) {
          retryAt = clock.millis() + 5_000;
          LOG.warn("device registry reload failed, answering from the snapshot of {} ms ago: {}", clock.millis() - snapshot.loadedAt, e.toString());
        } finally {
          reloading.set(false);
        }
      }, "onder-registry-reload");
      t.setDaemon(true);
      t.start();
    }
    return s;
  }

  private final java.util.concurrent.atomic.AtomicBoolean reloading = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile long retryAt;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CassandraDeviceRegistry.class);

  @Override
  public Optional<Device> byId(String deviceId) {
    Snapshot s = current();
    Device d = s.byId.get(deviceId);
    if (d != null) return Optional.of(d);
    if (recentMiss("id:" + deviceId)) return Optional.empty();
    Row r = session.execute(byId.bind(deviceId)).one();
    if (r == null) {
      misses.put("id:" + deviceId, clock.millis());
      return Optional.empty();
    }
    Device found = map(r);
    put(found, s.byId, s.byPsk, s.byKey);
    return Optional.of(found);
  }

  @Override
  public Optional<Device> byPskIdentity(String pskIdentity) {
    Snapshot s = current();
    Device d = s.byPsk.get(pskIdentity);
    if (d != null) return Optional.of(d);
    // Devices are provisioned with psk_identity = device_id unless the registry says otherwise.
    if (recentMiss("psk:" + pskIdentity)) return Optional.empty();
    Optional<Device> byDeviceId = byId(pskIdentity).filter(x -> pskIdentity.equals(x.pskIdentity()));
    if (byDeviceId.isEmpty()) misses.put("psk:" + pskIdentity, clock.millis());
    return byDeviceId;
  }

  @Override
  public Optional<Device> byPublicKey(byte[] subjectPublicKeyInfo) {
    String key = Base64.getEncoder().encodeToString(subjectPublicKeyInfo);
    Snapshot s = current();
    Device d = s.byKey.get(key);
    if (d == null && clock.millis() - s.loadedAt > 1000) { // a device registered a moment ago; at most one reload a second
      reload();
      d = snapshot.byKey.get(key);
    }
    return Optional.ofNullable(d);
  }

  private boolean recentMiss(String key) {
    Long at = misses.get(key);
    return at != null && clock.millis() - at < 5_000;
  }

  @Override
  public void close() {
    // the session belongs to the caller
  }
}
