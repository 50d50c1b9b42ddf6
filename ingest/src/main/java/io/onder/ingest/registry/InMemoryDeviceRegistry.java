package io.onder.ingest.registry;

import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A registry held in memory: for the benchmark, the simulator's self-contained mode and tests. */
public final class InMemoryDeviceRegistry implements DeviceRegistry {
  private final Map<String, Device> byId = new ConcurrentHashMap<>();
  private final Map<String, Device> byPsk = new ConcurrentHashMap<>();
  private final Map<String, Device> byKey = new ConcurrentHashMap<>();

  public InMemoryDeviceRegistry put(Device d) {
    byId.put(d.deviceId(), d);
    if (d.pskIdentity() != null) byPsk.put(d.pskIdentity(), d);
    if (d.publicKey() != null) byKey.put(Base64.getEncoder().encodeToString(d.publicKey()), d);
    return this;
  }

  @Override
  public Optional<Device> byId(String deviceId) {
    return Optional.ofNullable(byId.get(deviceId));
  }

  @Override
  public Optional<Device> byPskIdentity(String pskIdentity) {
    return Optional.ofNullable(byPsk.get(pskIdentity));
  }

  @Override
  public Optional<Device> byPublicKey(byte[] spki) {
    return Optional.ofNullable(byKey.get(Base64.getEncoder().encodeToString(spki)));
  }
}
