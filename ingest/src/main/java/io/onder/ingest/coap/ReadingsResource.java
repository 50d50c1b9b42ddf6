package io.onder.ingest.coap;

import io.onder.ingest.BadInput;
import io.onder.ingest.IngestService;
import io.onder.ingest.metrics.Metrics;
import io.onder.ingest.registry.Device;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * {@code POST /readings}: a SenML pack of the authenticated device. Parses nothing itself: checks who and how big,
 * hands the bytes to {@link IngestService}, and answers when the service has an outcome (after Kafka's ack).
 */
public final class ReadingsResource extends CoapResource {
  private final DeviceAuth auth;
  private final IngestService ingest;
  private final int maxPayloadBytes;
  private final int retryAfterSeconds;
  private final Metrics metrics;

  public ReadingsResource(DeviceAuth auth, IngestService ingest, int maxPayloadBytes, int retryAfterSeconds, Metrics metrics) {
    super("readings");
    this.auth = auth;
    this.ingest = ingest;
    this.maxPayloadBytes = maxPayloadBytes;
    this.retryAfterSeconds = retryAfterSeconds;
    this.metrics = metrics;
    getAttributes().addContentType(110);
    getAttributes().addContentType(112);
  }

  @Override
  public void handlePOST(CoapExchange ex) {
    Device device;
    try {
      device = auth.device(ex.advanced().getRequest());
    } catch (BadInput e) {
      metrics.count("onder_ingest_requests_total", "outcome", "refused", "reason", e.reason());
      Responses.refuse(ex, e.kind(), e.diagnostic());
      return;
    }
    if (ex.getRequestPayloadSize() > maxPayloadBytes) {
      metrics.count("onder_ingest_requests_total", "outcome", "refused", "reason", "too_large");
      org.eclipse.californium.core.coap.Response r = new org.eclipse.californium.core.coap.Response(ResponseCode.REQUEST_ENTITY_TOO_LARGE);
      r.getOptions().setSize1(maxPayloadBytes);
      r.setPayload("the payload has " + ex.getRequestPayloadSize() + " bytes; at most " + maxPayloadBytes + " are accepted");
      ex.respond(r);
      return;
    }
    int format = ex.getRequestOptions().getContentFormat();
    ingest.submit(device.deviceId(), format, ex.getRequestPayload()).thenAccept(o -> {
      switch (o.status()) {
        case ACCEPTED -> {
          ex.respond(ResponseCode.CHANGED, "accepted " + o.accepted() + " duplicates " + o.duplicates());
        }
        case REFUSED -> Responses.refuse(ex, o.refusal(), o.diagnostic());
        case OVERLOADED -> Responses.overloaded(ex, retryAfterSeconds, o.diagnostic());
      }
    });
  }
}
