package io.onder.ingest.coap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.onder.ingest.BadInput;
import io.onder.ingest.commands.CommandAcks;
import io.onder.ingest.registry.Device;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * {@code POST /commands/ack}: {@code {"commandId": "...", "status": "ACCEPTED|REJECTED|COMPLETED", "reason": "..."}}
 * in JSON (50) or CBOR (60). Only a command of the authenticated device can be acknowledged.
 */
public final class CommandAckResource extends CoapResource {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

  private final DeviceAuth auth;
  private final CommandAcks acks;
  private final int retryAfterSeconds;

  public CommandAckResource(DeviceAuth auth, CommandAcks acks, int retryAfterSeconds) {
    super("ack");
    this.auth = auth;
    this.acks = acks;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  @Override
  public void handlePOST(CoapExchange ex) {
    try {
      Device device = auth.device(ex.advanced().getRequest());
      int cf = ex.getRequestOptions().getContentFormat();
      ObjectMapper m = cf == MediaTypeRegistry.APPLICATION_JSON ? JSON : cf == MediaTypeRegistry.APPLICATION_CBOR ? CBOR : null;
      if (m == null) throw new BadInput(BadInput.Kind.UNSUPPORTED_FORMAT, "format", "an ack is application/json (50) or application/cbor (60)");
      if (ex.getRequestPayloadSize() > 1024) throw new BadInput(BadInput.Kind.TOO_LARGE, "too_large", "an ack is at most 1024 bytes");
      JsonNode n;
      try {
        n = m.readTree(ex.getRequestPayload());
      } catch (java.io.IOException e) {
        throw BadInput.bad("syntax", "malformed ack");
      }
      if (n == null || !n.isObject() || !n.path("commandId").isTextual() || !n.path("status").isTextual()) {
        throw BadInput.bad("syntax", "an ack has a string commandId and status");
      }
      String reason = n.path("reason").isTextual() ? n.get("reason").textValue() : null;
      acks.ack(device.deviceId(), n.get("commandId").textValue(), n.get("status").textValue(), reason)
          .whenComplete((ok, err) -> {
            if (err == null) ex.respond(ResponseCode.CHANGED);
            else Responses.overloaded(ex, retryAfterSeconds, "Kafka did not acknowledge");
          });
    } catch (BadInput e) {
      Responses.refuse(ex, e.kind(), e.diagnostic());
    }
  }
}
