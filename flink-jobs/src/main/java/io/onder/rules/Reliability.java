package io.onder.rules;

/**
 * A device's reliability history: an exponential moving average of delivered / requested over the events it was
 * asked in, in ppm. A device never asked starts at the rulebook's prior. Over-delivery counts as 1.
 */
public final class Reliability {

    private Reliability() {}

    /** The reliability after one event in which the device delivered {@code delivered} of {@code requested} mWh. */
    public static long update(long currentPpm, long deliveredMilliWh, long requestedMilliWh, Rulebook.DrRules rules) {
        if (requestedMilliWh <= 0) return currentPpm;
        long ratio = Math.min(Money.PPM, Money.sharePpm(Math.max(0, deliveredMilliWh), requestedMilliWh));
        long alpha = rules.reliabilityAlphaPpm();
        return (currentPpm * (Money.PPM - alpha) + ratio * alpha) / Money.PPM;
    }
}
