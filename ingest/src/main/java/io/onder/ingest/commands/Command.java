package io.onder.ingest.commands;

/** A dispatch command for one device, as the device sees it on its {@code /commands} resource. */
public record Command(String commandId, String eventId, String deviceId, String action, long requestedW, long start,
    long end, int round, long issuedAt) {}
