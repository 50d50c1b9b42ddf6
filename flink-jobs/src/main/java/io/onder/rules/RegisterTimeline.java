package io.onder.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;

/**
 * The history of one cumulative register (import or export) of one device, turned into a continuous, never
 * decreasing "continued" register so energy between any two instants is a difference.
 *
 * <p>Rules: readings are kept sorted by event time whatever order they arrive in. A reading flagged as a meter
 * reset, or whose raw value is below its predecessor's (an unflagged reset), counts its whole raw value as energy
 * since the previous reading: the reset is taken to have happened just after that reading, so nothing is lost.
 * Between readings the register is interpolated linearly, rounding down; since every interval is the difference of
 * two interpolated values, consecutive intervals add up exactly to the register's total change. Two readings at the
 * same instant: the higher sequence number wins, whatever order they came in. A reading older than the horizon (the
 * oldest reading kept after {@link #forgetBefore}) is refused as too late, and so is one that would change the
 * register's value at an instant already closed ({@code closedAt} of {@link #add(long, long, long, boolean, long)}:
 * an interval ending there was emitted): the readings around that instant are fixed, so intervals on either side of it
 * still add up to the register's total change.
 */
public final class RegisterTimeline {

    /** A stored reading of this register with its continued value. */
    public record Point(long timeMillis, long seq, long raw, boolean reset, long continued) {}

    public enum Accept { ACCEPTED, DUPLICATE, TOO_LATE }

    private final ArrayList<Point> points;
    private boolean pruned;
    /** At least the highest sequence number kept: a reading above it cannot repeat one (no scan of the points). */
    private long maxSeq = Long.MIN_VALUE;

    public RegisterTimeline() {
        this.points = new ArrayList<>();
    }

    /** Restores a timeline from its stored points (for instance from operator state). */
    public static RegisterTimeline restore(List<Point> points, boolean pruned) {
        RegisterTimeline t = new RegisterTimeline();
        t.points.addAll(points);
        t.pruned = pruned;
        for (Point p : points) t.maxSeq = Math.max(t.maxSeq, p.seq());
        return t;
    }

    public List<Point> points() {
        return Collections.unmodifiableList(points);
    }

    public boolean pruned() {
        return pruned;
    }

    public boolean isEmpty() {
        return points.isEmpty();
    }

    public Accept add(long seq, long timeMillis, long raw, boolean reset) {
        return add(seq, timeMillis, raw, reset, Long.MIN_VALUE);
    }

    /**
     * Takes a reading unless it would move the value at {@code closedAt} (Long.MIN_VALUE: no instant closed), which is
     * interpolated between the last reading at or before it and the first at or after it: a reading up to that first
     * one is too late.
     */
    public Accept add(long seq, long timeMillis, long raw, boolean reset, long closedAt) {
        // The closed instant's fixing reading is looked up only for a reading that lands among the kept ones: one after
        // the last of them, a device's usual next reading, comes after that fixing reading.
        int i = search(timeMillis);
        if (i >= 0) {
            Point existing = points.get(i);
            if (seq <= existing.seq()) return Accept.DUPLICATE;
            if ((i == 0 && pruned) || timeMillis <= firstTimeAtOrAfter(closedAt)) return Accept.TOO_LATE;
            points.set(i, new Point(timeMillis, seq, raw, reset, 0));
            maxSeq = Math.max(maxSeq, seq);
            recomputeFrom(i);
            return Accept.ACCEPTED;
        }
        int at = -i - 1;
        if ((at == 0 && pruned) || (at < points.size() && timeMillis < firstTimeAtOrAfter(closedAt))) return Accept.TOO_LATE;
        if (seq <= maxSeq) {
            for (Point p : points) {
                if (p.seq() == seq) return Accept.DUPLICATE;
            }
        }
        points.add(at, new Point(timeMillis, seq, raw, reset, 0));
        maxSeq = Math.max(maxSeq, seq);
        recomputeFrom(at);
        return Accept.ACCEPTED;
    }

    /** The continued register at an instant, interpolated; empty outside the span of the readings. */
    public OptionalLong valueAt(long timeMillis) {
        if (points.isEmpty()) return OptionalLong.empty();
        int i = search(timeMillis);
        if (i >= 0) return OptionalLong.of(points.get(i).continued());
        int after = -i - 1;
        if (after == 0 || after == points.size()) return OptionalLong.empty();
        Point a = points.get(after - 1);
        Point b = points.get(after);
        long rise = b.continued() - a.continued();
        long part = Money.mulDiv(rise, timeMillis - a.timeMillis(), b.timeMillis() - a.timeMillis());
        return OptionalLong.of(a.continued() + part);
    }

    /** Energy between two instants, or empty when the readings do not yet bracket both. */
    public OptionalLong energy(long fromMillis, long toMillis) {
        if (toMillis < fromMillis) throw new IllegalArgumentException("interval ends before it starts");
        OptionalLong from = valueAt(fromMillis);
        OptionalLong to = valueAt(toMillis);
        if (from.isEmpty() || to.isEmpty()) return OptionalLong.empty();
        return OptionalLong.of(to.getAsLong() - from.getAsLong());
    }

    /** The time of the first reading at or after the instant; Long.MIN_VALUE for Long.MIN_VALUE or none. */
    private long firstTimeAtOrAfter(long instant) {
        if (instant == Long.MIN_VALUE) return Long.MIN_VALUE;
        int i = search(instant);
        int at = i >= 0 ? i : -i - 1;
        return at < points.size() ? points.get(at).timeMillis() : Long.MIN_VALUE;
    }

    public OptionalLong firstTime() {
        return points.isEmpty() ? OptionalLong.empty() : OptionalLong.of(points.get(0).timeMillis());
    }

    public OptionalLong lastTime() {
        return points.isEmpty() ? OptionalLong.empty() : OptionalLong.of(points.get(points.size() - 1).timeMillis());
    }

    /** Drops readings no longer needed to answer for instants at or after the given one; keeps one at or before. */
    public void forgetBefore(long timeMillis) {
        int drop = 0;
        while (drop + 1 < points.size() && points.get(drop + 1).timeMillis() <= timeMillis) drop++;
        if (drop > 0) {
            points.subList(0, drop).clear();
            pruned = true;
        }
    }

    private void recomputeFrom(int index) {
        for (int k = index; k < points.size(); k++) {
            Point p = points.get(k);
            long continued;
            if (k == 0) {
                // The first reading anchors the continued register; after pruning it keeps its stored value.
                continued = pruned ? p.continued() : p.raw();
            } else {
                Point prev = points.get(k - 1);
                boolean restarted = p.reset() || p.raw() < prev.raw();
                continued = Math.addExact(prev.continued(), restarted ? p.raw() : p.raw() - prev.raw());
            }
            points.set(k, new Point(p.timeMillis(), p.seq(), p.raw(), p.reset(), continued));
        }
    }

    private int search(long timeMillis) {
        int lo = 0, hi = points.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long t = points.get(mid).timeMillis();
            if (t < timeMillis) lo = mid + 1;
            else if (t > timeMillis) hi = mid - 1;
            else return mid;
        }
        return -(lo + 1);
    }
}
