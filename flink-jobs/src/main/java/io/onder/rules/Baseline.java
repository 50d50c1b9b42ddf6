package io.onder.rules;

import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A device's baseline for a DR event: the net import per interval it would have had without the event.
 *
 * <p>Rules: the average net import of the device's intervals in the window of N intervals just before the event's
 * start. For a short-notice event (announced inside that window) the intervals starting at or after the announcement
 * are left out, so load raised after hearing of the event cannot inflate the baseline; an event announced earlier
 * uses the whole window, and the adjustment cap bounds what raising load before it could gain. Adjusted for the same day: the average of the last A intervals kept minus
 * the window average, capped at ±cap × |window average|. Fewer than the minimum number of intervals with readings:
 * no baseline, so the delivery cannot be verified and is not paid. Averages round toward negative infinity.
 */
public final class Baseline {

    private final Rulebook.DrRules rules;
    private final Intervals intervals;

    public Baseline(Rulebook.DrRules rules, Intervals intervals) {
        this.rules = rules;
        this.intervals = intervals;
    }

    /**
     * @param netImportByIntervalStart the device's net import (import − export, mWh) per interval start; may hold
     *                                 intervals outside the window, which are ignored
     * @return baseline net import per interval, mWh
     */
    public OptionalLong of(DrEventSpec event, Map<Long, Long> netImportByIntervalStart) {
        long windowEnd = intervals.startOf(event.startMillis());
        long windowStart = windowEnd - rules.baselineWindowIntervals() * intervals.lengthMillis();
        boolean announcedInWindow = event.announcedAtMillis() > windowStart;
        TreeMap<Long, Long> kept = new TreeMap<>();
        for (Map.Entry<Long, Long> e : netImportByIntervalStart.entrySet()) {
            long start = e.getKey();
            if (start < windowStart || start >= windowEnd) continue;
            if (announcedInWindow && start >= event.announcedAtMillis()) continue;
            kept.put(start, e.getValue());
        }
        if (kept.isEmpty() || kept.size() < rules.baselineMinIntervals()) return OptionalLong.empty();
        long average = Math.floorDiv(sum(kept.values()), kept.size());
        int recentCount = Math.min(rules.baselineAdjustIntervals(), kept.size());
        if (recentCount == 0) return OptionalLong.of(average);
        long recentSum = 0;
        int taken = 0;
        for (long v : kept.descendingMap().values()) {
            if (taken++ == recentCount) break;
            recentSum = Math.addExact(recentSum, v);
        }
        long adjustment = Math.floorDiv(recentSum, recentCount) - average;
        long cap = Money.ofPpm(Math.abs(average), rules.baselineAdjustCapPpm());
        adjustment = Math.max(-cap, Math.min(cap, adjustment));
        return OptionalLong.of(average + adjustment);
    }

    private static long sum(Iterable<Long> values) {
        long s = 0;
        for (long v : values) s = Math.addExact(s, v);
        return s;
    }
}
