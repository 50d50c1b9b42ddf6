package io.onder.rules;

/**
 * A command to one device for one event; mirrors the DispatchCommand record.
 *
 * @param commandId deterministic: eventId/deviceId/round (eventId/deviceId/release for a release)
 * @param requestedW change of load asked, W, positive (0 for a release)
 */
public record DeviceCommand(String commandId, String eventId, String deviceId, Action action, long requestedW,
                            long startMillis, long endMillis, int round, long issuedAtMillis) {

    /** Mirrors the Avro CommandAction. */
    public enum Action { REDUCE, INCREASE, RELEASE }
}
