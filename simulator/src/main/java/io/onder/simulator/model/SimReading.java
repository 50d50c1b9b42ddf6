package io.onder.simulator.model;

/** What a simulated device posts: its cumulative registers at an instant, with its sequence number. */
public record SimReading(String deviceId, long seq, long timeMillis, long importMilliWh, long exportMilliWh, double powerW,
    double socPercent, String exportSource) {}
