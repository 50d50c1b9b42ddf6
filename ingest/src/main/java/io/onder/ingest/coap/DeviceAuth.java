package io.onder.ingest.coap;

import io.onder.ingest.BadInput;
import io.onder.ingest.registry.Device;
import io.onder.ingest.registry.DeviceRegistry;
import java.security.Principal;
import java.util.Optional;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.elements.auth.PreSharedKeyIdentity;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;

/**
 * Who is asking: the device the DTLS handshake authenticated (PSK identity or raw public key), looked up in the
 * registry. Only with the unsafe development flag does a plain-CoAP request name itself with {@code ?d=<id>}.
 */
public final class DeviceAuth {
  private final DeviceRegistry registry;
  private final boolean unsafePlainCoap;

  public DeviceAuth(DeviceRegistry registry, boolean unsafePlainCoap) {
    this.registry = registry;
    this.unsafePlainCoap = unsafePlainCoap;
  }

  public Device device(Request request) throws BadInput {
    Principal p = request.getSourceContext() == null ? null : request.getSourceContext().getPeerIdentity();
    Optional<Device> d;
    if (p instanceof PreSharedKeyIdentity psk) {
      d = registry.byPskIdentity(psk.getIdentity());
    } else if (p instanceof RawPublicKeyIdentity rpk) {
      d = registry.byPublicKey(rpk.getSubjectInfo());
    } else if (p == null && unsafePlainCoap) {
      String claimed = request.getOptions().getUriQueryParameter().getArgument("d", null);
      if (claimed == null) throw new BadInput(BadInput.Kind.UNAUTHORIZED, "no_identity", "plain CoAP needs ?d=<device id> (development only)");
      d = registry.byId(claimed);
    } else {
      throw new BadInput(BadInput.Kind.UNAUTHORIZED, "no_identity", "a device authenticates with DTLS");
    }
    Device device = d.orElseThrow(() -> new BadInput(BadInput.Kind.UNAUTHORIZED, "unknown_device", "unknown device"));
    if (device.revoked()) throw new BadInput(BadInput.Kind.FORBIDDEN, "revoked", "this device is revoked");
    return device;
  }
}
