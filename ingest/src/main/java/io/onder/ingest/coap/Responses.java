package io.onder.ingest.coap;

import io.onder.ingest.BadInput;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;

/** The mapping from domain refusals to CoAP responses, in one place. */
final class Responses {
  private Responses() {}

  static ResponseCode code(BadInput.Kind kind) {
    return switch (kind) {
      case BAD_REQUEST -> ResponseCode.BAD_REQUEST;
      case TOO_LARGE -> ResponseCode.REQUEST_ENTITY_TOO_LARGE;
      case UNSUPPORTED_FORMAT -> ResponseCode.UNSUPPORTED_CONTENT_FORMAT;
      case UNAUTHORIZED -> ResponseCode.UNAUTHORIZED;
      case FORBIDDEN -> ResponseCode.FORBIDDEN;
      case NOT_FOUND -> ResponseCode.NOT_FOUND;
    };
  }

  static void refuse(CoapExchange ex, BadInput.Kind kind, String diagnostic) {
    Response r = new Response(code(kind));
    r.setPayload(diagnostic);
    r.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
    ex.respond(r);
  }

  static void overloaded(CoapExchange ex, int maxAgeSeconds, String diagnostic) {
    Response r = new Response(ResponseCode.SERVICE_UNAVAILABLE);
    r.getOptions().setMaxAge(maxAgeSeconds);
    r.setPayload(diagnostic);
    r.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
    ex.respond(r);
  }
}
