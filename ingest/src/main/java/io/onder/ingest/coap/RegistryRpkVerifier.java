package io.onder.ingest.coap;

import io.onder.ingest.registry.DeviceRegistry;
import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.eclipse.californium.scandium.dtls.AlertMessage;
import org.eclipse.californium.scandium.dtls.CertificateMessage;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.CertificateVerificationResult;
import org.eclipse.californium.scandium.dtls.ConnectionId;
import org.eclipse.californium.scandium.dtls.HandshakeException;
import org.eclipse.californium.scandium.dtls.HandshakeResultHandler;
import org.eclipse.californium.scandium.dtls.x509.NewAdvancedCertificateVerifier;
import org.eclipse.californium.scandium.util.ServerNames;

/**
 * Accepts a device's raw public key (RFC 7250) only when the registry holds it for a device that is not revoked;
 * anything else (unknown key, X.509 chain) fails the handshake with bad_certificate.
 */
public final class RegistryRpkVerifier implements NewAdvancedCertificateVerifier {
  private final DeviceRegistry registry;

  public RegistryRpkVerifier(DeviceRegistry registry) {
    this.registry = registry;
  }

  @Override
  public List<CertificateType> getSupportedCertificateTypes() {
    return List.of(CertificateType.RAW_PUBLIC_KEY);
  }

  @Override
  public CertificateVerificationResult verifyCertificate(ConnectionId cid, ServerNames serverName, InetSocketAddress remotePeer,
      boolean clientUsage, boolean verifySubject, boolean truncateCertificatePath, CertificateMessage message) {
    PublicKey key = message.getPublicKey();
    boolean known = key != null && message.getCertificateChain() == null
        && registry.byPublicKey(key.getEncoded()).filter(d -> !d.revoked()).isPresent();
    if (known) return new CertificateVerificationResult(cid, key, null);
    return new CertificateVerificationResult(cid,
        new HandshakeException("raw public key not registered", new AlertMessage(AlertMessage.AlertLevel.FATAL,
            AlertMessage.AlertDescription.BAD_CERTIFICATE)), null);
  }

  @Override
  public List<X500Principal> getAcceptedIssuers() {
    return List.of();
  }

  @Override
  public void setResultHandler(HandshakeResultHandler resultHandler) {
    // answers synchronously
  }
}
