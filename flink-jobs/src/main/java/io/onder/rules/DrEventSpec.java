package io.onder.rules;

/**
 * A utility's demand-response event, as the rules need it.
 *
 * @param utilityAccount the ledger account that funds the event's payments
 * @param targetW requested change of load, W, positive
 * @param ratePerKwh S* base units per verified kWh
 * @param announcedAtMillis when the event was posted (intervals after it are kept out of baselines)
 */
public record DrEventSpec(String eventId, String utilityAccount, DrDirection direction, long targetW,
                          long startMillis, long endMillis, long ratePerKwh, long announcedAtMillis) {
    public DrEventSpec {
        if (targetW <= 0) throw new IllegalArgumentException("targetW must be positive");
        if (endMillis <= startMillis) throw new IllegalArgumentException("event ends before it starts");
        if (ratePerKwh < 0) throw new IllegalArgumentException("negative rate");
    }

    public long durationMillis() {
        return endMillis - startMillis;
    }
}
