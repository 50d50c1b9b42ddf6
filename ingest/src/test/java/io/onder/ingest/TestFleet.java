package io.onder.ingest;

import com.datastax.oss.driver.api.core.CqlSession;
import io.onder.ingest.client.DeviceClient;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

/**
 * Devices registered in the test's real Cassandra keyspace, each with a fresh random PSK kept in a secrets file
 * in the test's temp dir (never printed). Closes every client it made.
 */
final class TestFleet implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final CqlSession session;
  private final String keyspace;
  private final Path secrets;
  private final Properties keys = new Properties();
  private final List<DeviceClient> clients = new ArrayList<>();

  TestFleet(CqlSession session, String keyspace, Path dir) {
    this.session = session;
    this.keyspace = keyspace;
    this.secrets = dir.resolve("psk.properties");
  }

  /** A device with its key; {@link #client} connects as it. */
  record Dev(String id, byte[] key) {
    @Override
    public String toString() {
      return id;
    }
  }

  synchronized Dev add(String id) {
    byte[] key = new byte[16];
    RANDOM.nextBytes(key);
    keys.setProperty(id, Base64.getEncoder().encodeToString(key));
    try (OutputStream out = Files.newOutputStream(secrets)) {
      keys.store(out, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    session.execute("INSERT INTO " + keyspace + ".devices (device_id, feeder_id, substation_id, region_id, kind, owner_address,"
        + " psk_identity, psk_secret_ref, revoked, registered_at) VALUES (?, 'feeder-1', 'sub-1', 'region-1', 'meter',"
        + " '0x00000000000000000000000000000000000000aa', ?, ?, false, toTimestamp(now()))", id, id, "file:" + secrets + "#" + id);
    return new Dev(id, key);
  }

  /** A device known by its raw public key only (no PSK). */
  java.security.KeyPair addRpk(String id) throws java.security.GeneralSecurityException {
    java.security.KeyPair kp = ecKeyPair();
    session.execute("INSERT INTO " + keyspace + ".devices (device_id, feeder_id, kind, owner_address, public_key, revoked)"
        + " VALUES (?, 'feeder-1', 'battery', '0x00000000000000000000000000000000000000bb', ?, false)", id,
        java.nio.ByteBuffer.wrap(kp.getPublic().getEncoded()));
    return kp;
  }

  static java.security.KeyPair ecKeyPair() throws java.security.GeneralSecurityException {
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  void revoke(String id) {
    session.execute("UPDATE " + keyspace + ".devices SET revoked = true WHERE device_id = ?", id);
  }

  synchronized DeviceClient client(Dev d, int port) {
    return client(d.id(), d.key(), port);
  }

  synchronized DeviceClient client(String identity, byte[] key, int port) {
    return client(identity, key, port, 15_000);
  }

  synchronized DeviceClient client(String identity, byte[] key, int port, long timeoutMillis) {
    DeviceClient c = DeviceClient.dtls("127.0.0.1", port, identity, key, timeoutMillis);
    clients.add(c);
    return c;
  }

  @Override
  public synchronized void close() {
    clients.forEach(DeviceClient::close);
  }
}
