package io.onder.ingest.coap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.onder.ingest.BadInput;
import io.onder.ingest.commands.CommandBook;
import io.onder.ingest.metrics.Metrics;
import io.onder.ingest.registry.Device;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.server.resources.CoapExchange;

/**
 * {@code GET /commands} (observable, RFC 7641): the authenticated device's active dispatch commands as a JSON (or,
 * with Accept 60, CBOR) array. One resource serves every device; a change for a device notifies only the relations
 * whose request was authenticated as that device, so no device ever receives another's commands.
 */
public final class CommandsResource extends CoapResource {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

  private final DeviceAuth auth;
  private final CommandBook book;
  private final Metrics metrics;

  public CommandsResource(DeviceAuth auth, CommandBook book, Metrics metrics) {
    super("commands");
    this.auth = auth;
    this.book = book;
    this.metrics = metrics;
    setObservable(true);
    setObserveType(CoAP.Type.CON);
    getAttributes().setObservable();
    book.onChange(this::changedFor);
    metrics.gauge("onder_ingest_command_observers", "Devices observing /commands", this::getObserverCount);
    metrics.gauge("onder_ingest_commands_ended_on_arrival", "Commands, not releases, read after their end: too late for the device", book::endedOnArrival);
    metrics.gauge("onder_ingest_command_max_delay_ms", "Longest time from a command's issue to its arrival at the gateway", book::maxDelayMillis);
  }

  private void changedFor(String deviceId) {
    metrics.count("onder_ingest_command_changes");
    changed(relation -> {
      try {
        boolean its = deviceId.equals(auth.device(relation.getExchange().getRequest()).deviceId());
        if (its) metrics.count("onder_ingest_command_notifications");
        return its;
      } catch (BadInput e) {
        return false;
      }
    });
  }

  @Override
  public void handleGET(CoapExchange ex) {
    Device device;
    try {
      device = auth.device(ex.advanced().getRequest());
      String asked = ex.getQueryParameter("d");
      if (asked != null && !asked.equals(device.deviceId())) {
        throw new BadInput(BadInput.Kind.FORBIDDEN, "other_device", "a device reads only its own commands");
      }
    } catch (BadInput e) {
      Responses.refuse(ex, e.kind(), e.diagnostic());
      return;
    }
    boolean cbor = ex.getRequestOptions().hasAccept() && ex.getRequestOptions().getAccept() == MediaTypeRegistry.APPLICATION_CBOR;
    if (ex.getRequestOptions().hasAccept() && !cbor && ex.getRequestOptions().getAccept() != MediaTypeRegistry.APPLICATION_JSON) {
      ex.respond(ResponseCode.NOT_ACCEPTABLE);
      return;
    }
    try {
      byte[] body = (cbor ? CBOR : JSON).writeValueAsBytes(book.active(device.deviceId()));
      Response r = new Response(ResponseCode.CONTENT);
      r.setPayload(body);
      r.getOptions().setContentFormat(cbor ? MediaTypeRegistry.APPLICATION_CBOR : MediaTypeRegistry.APPLICATION_JSON);
      ex.respond(r);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      ex.respond(ResponseCode.INTERNAL_SERVER_ERROR);
    }
  }
}
