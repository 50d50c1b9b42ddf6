package io.onder.rules;

import java.util.OptionalLong;

/**
 * Measurement and verification of one device's DR delivery in one interval.
 *
 * <p>Rules: only the part of the interval inside the event window counts; for an interval the window covers only
 * partly, the baseline-minus-actual difference is pro-rated to the covered time. Delivery = baseline − actual for a
 * reduce event (actual − baseline for increase), clamped to [0, requested over the covered time]. Without a baseline
 * nothing is verified and nothing paid.
 */
public final class Verification {

    /**
     * Mirrors the DrDelivery record's measurements (all mWh).
     *
     * @param verifiable false when the device had no baseline
     */
    public record Delivery(long intervalStart, long intervalEnd, long baselineMilliWh, long actualMilliWh,
                           long requestedMilliWh, long deliveredMilliWh, boolean verifiable) {}

    private Verification() {}

    /**
     * @param baselineMilliWh baseline net import per interval, or empty when there is none
     * @param actualMilliWh measured net import in the interval
     * @param requestedW what the device's command asked
     */
    public static Delivery verify(DrEventSpec event, long intervalStart, long intervalEnd, OptionalLong baselineMilliWh,
                                  long actualMilliWh, long requestedW) {
        long covered = Math.max(0, Math.min(event.endMillis(), intervalEnd) - Math.max(event.startMillis(), intervalStart));
        long length = intervalEnd - intervalStart;
        long requested = Math.floorDiv(Math.multiplyExact(requestedW, covered), 3_600L);
        long baseline = baselineMilliWh.orElse(actualMilliWh);
        if (covered == 0 || baselineMilliWh.isEmpty()) {
            return new Delivery(intervalStart, intervalEnd, baseline, actualMilliWh, covered == 0 ? 0 : requested, 0,
                    baselineMilliWh.isPresent());
        }
        long difference = event.direction() == DrDirection.REDUCE ? baseline - actualMilliWh : actualMilliWh - baseline;
        long inWindow = covered == length ? difference : Math.floorDiv(Math.multiplyExact(difference, covered), length);
        long delivered = Math.max(0, Math.min(requested, inWindow));
        return new Delivery(intervalStart, intervalEnd, baseline, actualMilliWh, requested, delivered, true);
    }
}
