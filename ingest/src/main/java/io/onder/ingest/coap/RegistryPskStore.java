package io.onder.ingest.coap;

import io.onder.ingest.registry.Device;
import io.onder.ingest.registry.DeviceRegistry;
import io.onder.ingest.registry.SecretResolver;
import java.net.InetSocketAddress;
import java.util.Optional;
import javax.crypto.SecretKey;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.PskPublicInformation;
import org.eclipse.californium.scandium.dtls.PskSecretResult;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedPskStore;
import org.eclipse.californium.scandium.util.SecretUtil;
import org.eclipse.californium.scandium.util.ServerNames;

/**
 * Gives Scandium the PSK of a device named by its PSK identity, from the registry. An unknown or revoked device
 * gets no secret, so its handshake fails.
 */
public final class RegistryPskStore implements AdvancedPskStore {
  private final DeviceRegistry registry;
  private final SecretResolver secrets;

  public RegistryPskStore(DeviceRegistry registry, SecretResolver secrets) {
    this.registry = registry;
    this.secrets = secrets;
  }

  @Override
  public boolean hasEcdhePskSupported() {
    return true;
  }

  @Override
  public PskSecretResult requestPskSecretResult(ConnectionId cid, ServerNames serverName, PskPublicInformation identity,
      String hmacAlgorithm, SecretKey otherSecret, byte[] seed, boolean useExtendedMasterSecret) {
    Optional<byte[]> key = registry.byPskIdentity(identity.getPublicInfoAsString())
        .filter(d -> !d.revoked())
        .map(Device::pskSecretRef)
        .flatMap(secrets::resolve);
    if (key.isEmpty()) return new PskSecretResult(cid, identity, null);
    SecretKey secret = SecretUtil.create(key.get(), "PSK");
    java.util.Arrays.fill(key.get(), (byte) 0);
    return new PskSecretResult(cid, identity, secret);
  }

  @Override
  public PskPublicInformation getIdentity(InetSocketAddress peerAddress, ServerNames virtualHost) {
    return null; // server side only
  }

  @Override
  public void setResultHandler(HandshakeResultHandler resultHandler) {
    // answers synchronously
  }
}
