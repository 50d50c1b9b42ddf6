package io.onder.ingest.registry;

/**
 * A registered device as the gateway needs it. The PSK itself is not here: {@code pskSecretRef} says where it is
 * (see {@link SecretResolver}), so the registry table never holds a secret.
 */
public record Device(String deviceId, String feederId, String kind, String ownerAddress, String pskIdentity,
    String pskSecretRef, byte[] publicKey, boolean revoked) {

  @Override
  public String toString() { // no key material, even public, in logs
    return "Device[" + deviceId + ", feeder " + feederId + ", " + kind + (revoked ? ", revoked" : "") + "]";
  }
}
