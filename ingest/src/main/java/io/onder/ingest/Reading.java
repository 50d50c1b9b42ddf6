package io.onder.ingest;

/**
 * One validated reading of one device at one time: what the gateway hands to Kafka. Registers are cumulative, in
 * milliwatt-hours; optional fields are null when the device did not send them.
 */
public record Reading(String deviceId, long seq, long timeMillis, Long importMilliWh, Long exportMilliWh,
    boolean meterReset, Double powerW, Double socPercent, Double voltageV, Double frequencyHz, String exportSource) {}
