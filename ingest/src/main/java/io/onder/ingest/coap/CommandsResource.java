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
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.observe.ObserveRelation;
import org.eclipse.californium.core.observe.ObserveRelationFilter;
import org.eclipse.californium.core.server.resources.CoapExchange;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code GET /commands} (observable, RFC 7641): the authenticated device's active dispatch commands as a JSON (or,
 * with Accept 60, CBOR) array. One resource serves every device; a change for a device notifies only the relations
 * whose request was authenticated as that device, so no device ever receives another's commands.
 *
 * <p>The observe relations are kept here, by device, not in {@link CoapResource}'s own list: that list is copied on
 * every write, and a change is offered to every relation in it. With 100,000 observing devices each registration (and
 * each device's re-registration when its notification's Max-Age runs out) copied 100,000 entries, and each command
 * looked up the device of 100,000 relations. Here both cost what one device's relations cost.
 */
public final class CommandsResource extends CoapResource {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());

  private final DeviceAuth auth;
  private final CommandBook book;
  private final Metrics metrics;

  private final int maxAgeSeconds;

  /** @param maxAgeSeconds Max-Age of the answers: an observing device registers again when it runs out unnotified */
  public CommandsResource(DeviceAuth auth, CommandBook book, Metrics metrics, int maxAgeSeconds) {
    super("commands");
    if (maxAgeSeconds < 1) throw new IllegalArgumentException("the commands' Max-Age must be at least 1 s, got " + maxAgeSeconds);
    this.maxAgeSeconds = maxAgeSeconds;
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

  /** Observe relations by the device that made them, and the device of each relation. */
  private final ConcurrentHashMap<String, Set<ObserveRelation>> byDevice = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<ObserveRelation, String> deviceOf = new ConcurrentHashMap<>();

  /** Selects one device's relations (taken from {@link #byDevice}, not by a pass over every relation). */
  private record ForDevice(String deviceId) implements ObserveRelationFilter {
    @Override
    public boolean accept(ObserveRelation relation) {
      return true;
    }
  }

  private void changedFor(String deviceId) {
    metrics.count("onder_ingest_command_changes");
    changed(new ForDevice(deviceId));
  }

  @Override
  public void addObserveRelation(ObserveRelation relation) {
    String device;
    try {
      device = auth.device(relation.getExchange().getRequest()).deviceId();
    } catch (BadInput e) {
      return; // handleGET refused it: no relation is established
    }
    deviceOf.put(relation, device);
    byDevice.computeIfAbsent(device, k -> ConcurrentHashMap.newKeySet()).add(relation);
  }

  @Override
  public void removeObserveRelation(ObserveRelation relation) {
    super.removeObserveRelation(relation); // in its list only while being cleared; else a look at an empty list
    String device = deviceOf.remove(relation);
    if (device == null) return;
    byDevice.computeIfPresent(device, (k, set) -> {
      set.remove(relation);
      return set.isEmpty() ? null : set;
    });
  }

  @Override
  public int getObserverCount() {
    return deviceOf.size();
  }

  @Override
  protected void notifyObserverRelations(ObserveRelationFilter filter) {
    super.notifyObserverRelations(filter); // only for the resource's next observe number: its own list stays empty
    Iterable<ObserveRelation> chosen = filter instanceof ForDevice f ? byDevice.getOrDefault(f.deviceId(), Set.of()) : deviceOf.keySet();
    for (ObserveRelation r : chosen) {
      if (filter != null && !filter.accept(r)) continue;
      metrics.count("onder_ingest_command_notifications");
      handleRequest(r.getExchange());
    }
  }

  /**
   * Rare (a resource deleted; {@code clearObserveRelations} comes here too): the relations go to the resource's own
   * list and its own code clears them.
   */
  @Override
  public void clearAndNotifyObserveRelations(ObserveRelationFilter filter, ResponseCode code) {
    for (ObserveRelation r : List.copyOf(deviceOf.keySet())) super.addObserveRelation(r);
    super.clearAndNotifyObserveRelations(filter, code);
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
      r.getOptions().setMaxAge(maxAgeSeconds);
      ex.respond(r);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      ex.respond(ResponseCode.INTERNAL_SERVER_ERROR);
    }
  }
}
