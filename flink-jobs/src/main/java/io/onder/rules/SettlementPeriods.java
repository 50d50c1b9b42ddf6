package io.onder.rules;

/**
 * Settlement periods: fixed-length, numbered from an origin instant. An entry at instant t falls in period
 * floor((t − origin) / length); the period's vouchers are signed once its end has passed.
 */
public record SettlementPeriods(long originMillis, long lengthMillis) {

    public SettlementPeriods {
        if (lengthMillis <= 0) throw new IllegalArgumentException("settlement period length must be positive");
    }

    public long indexOf(long timeMillis) {
        return Math.floorDiv(Math.subtractExact(timeMillis, originMillis), lengthMillis);
    }

    public long startOf(long index) {
        return Math.addExact(originMillis, Math.multiplyExact(index, lengthMillis));
    }

    /** Exclusive end of the period. */
    public long endOf(long index) {
        return startOf(index + 1);
    }
}
