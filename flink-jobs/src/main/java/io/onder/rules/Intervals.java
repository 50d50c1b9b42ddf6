package io.onder.rules;

/** Fixed-length event-time intervals aligned to the epoch (default one minute). */
public record Intervals(long lengthMillis) {

    public static final Intervals ONE_MINUTE = new Intervals(60_000L);

    public Intervals {
        if (lengthMillis <= 0) throw new IllegalArgumentException("interval length must be positive");
    }

    /** Start of the interval holding the instant; floor, so instants before the epoch work too. */
    public long startOf(long timeMillis) {
        return Math.floorDiv(timeMillis, lengthMillis) * lengthMillis;
    }

    public long endOf(long timeMillis) {
        return startOf(timeMillis) + lengthMillis;
    }

    /** Milliwatt-hours of a steady power over one interval: W × ms / 3600. */
    public long milliWhAt(long watts) {
        return Math.floorDiv(Math.multiplyExact(watts, lengthMillis), 3_600L);
    }

    /** Average power over one interval from its energy: mWh × 3600 / ms, rounded toward negative infinity. */
    public long wattsOf(long milliWh) {
        return Math.floorDiv(Math.multiplyExact(milliWh, 3_600L), lengthMillis);
    }
}
