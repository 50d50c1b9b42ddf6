package io.onder.simulator;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Registers a fleet as an operator would: feeders and devices in the registry tables, each device with a fresh
 * random pre-shared key. The keys go to a secrets file readable by its owner only (the registry holds a reference,
 * {@code file:<path>#<deviceId>}, never the key); the simulator keeps them in memory to act as the devices.
 */
public final class Provisioner {
  private Provisioner() {}

  public static Map<String, byte[]> provision(CqlSession session, String keyspace, FleetPlan plan, Path secretsFile) throws IOException {
    PreparedStatement feeder = session.prepare("INSERT INTO " + keyspace + ".feeders (feeder_id, substation_id, region_id, capacity_w, "
        + "reverse_flow_limit_w, distributor) VALUES (?,?,?,?,?,?)");
    for (FleetPlan.Feeder f : plan.feederList()) {
      session.execute(feeder.bind(f.feederId(), f.substationId(), plan.region(), f.capacityW(), f.reverseFlowLimitW(), f.distributor()));
    }
    SecureRandom random = new SecureRandom();
    Map<String, byte[]> keys = new HashMap<>();
    Properties secrets = new Properties();
    PreparedStatement device = session.prepare("INSERT INTO " + keyspace + ".devices (device_id, feeder_id, substation_id, region_id, kind, "
        + "owner_address, max_import_w, max_export_w, flexible_w, storage_milli_wh, psk_identity, psk_secret_ref, revoked, registered_at) "
        + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,false,?)");
    String ref = "file:" + secretsFile.toAbsolutePath() + "#";
    Instant now = Instant.now();
    java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(64);
    java.util.List<java.util.concurrent.CompletableFuture<?>> writes = new java.util.ArrayList<>();
    for (FleetPlan.Device d : plan.deviceList()) {
      byte[] key = new byte[16];
      random.nextBytes(key);
      keys.put(d.deviceId(), key);
      secrets.setProperty(d.deviceId(), Base64.getEncoder().encodeToString(key));
      inFlight.acquireUninterruptibly();
      writes.add(session.executeAsync(device.bind(d.deviceId(), d.feederId(), d.substationId(), plan.region(), d.kind().registryName, d.owner(),
          d.maxImportW(), d.maxExportW(), d.flexibleW(), d.storageMilliWh(), "psk-" + d.deviceId(), ref + d.deviceId(), now))
          .toCompletableFuture().whenComplete((r, e) -> inFlight.release()));
    }
    java.util.concurrent.CompletableFuture.allOf(writes.toArray(new java.util.concurrent.CompletableFuture[0])).join();
    Files.createDirectories(secretsFile.toAbsolutePath().getParent());
    if (!Files.exists(secretsFile)) {
      Files.createFile(secretsFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    try (OutputStream out = Files.newOutputStream(secretsFile, StandardOpenOption.TRUNCATE_EXISTING)) {
      secrets.store(out, "Onder device pre-shared keys (base64). Readable by the gateway's user only.");
    }
    return keys;
  }
}
