package io.onder.ingest.registry;

import java.util.Optional;

/** Looks devices up by what the DTLS handshake knows about them. */
public interface DeviceRegistry {
  Optional<Device> byId(String deviceId);

  Optional<Device> byPskIdentity(String pskIdentity);

  /** By the SubjectPublicKeyInfo (DER) of a raw public key. */
  Optional<Device> byPublicKey(byte[] subjectPublicKeyInfo);
}
