package io.onder.rules;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Picks devices to cover a DR event's target with a margin.
 *
 * <p>Rules: the goal is target × (1 + margin) of <em>expected</em> delivery, where a device's expected delivery is
 * what it is asked × its reliability. Devices are ranked by reliability band (most reliable first), then by cost
 * (cheapest first), then by when they were last asked (longest ago, or never, first: the burden rotates), then by a
 * hash of (event, device) so that among otherwise equal devices a different one goes first in each event, then by
 * device id (so the plan never depends on input order). Each is asked for all it can give, the last only for what
 * is still missing. A device with nothing to give or no reliability left is not asked. Re-dispatch on shortfall asks
 * devices not yet commanded in the event, for the shortfall with the same margin, in the next round. O(n log n) in
 * the pool size.
 */
public final class Dispatcher {

    /** A device the dispatcher may ask, with what it can give in the event's direction. */
    public record Candidate(String deviceId, long availableW, long reliabilityPpm, long costPerKwh,
                            long lastAskedMillis) {
        /** For a device never asked. */
        public static final long NEVER = Long.MIN_VALUE;
    }

    /**
     * @param goalExpectedW expected delivery the plan aims at (target or shortfall, with margin)
     * @param expectedW expected delivery of the commands
     * @param requestedW sum of what the commands ask
     */
    public record Plan(List<DeviceCommand> commands, long goalExpectedW, long expectedW, long requestedW) {
        public long shortfallW() {
            return Math.max(0, goalExpectedW - expectedW);
        }
    }

    private final Rulebook.DrRules rules;

    public Dispatcher(Rulebook.DrRules rules) {
        this.rules = rules;
    }

    /** The first round of an event. */
    public Plan dispatch(DrEventSpec event, Collection<Candidate> pool, long issuedAtMillis) {
        return plan(event, pool, event.targetW(), Set.of(), 0, issuedAtMillis);
    }

    /**
     * Another round when the pool delivers less than the target.
     *
     * @param measuredDeliveryW what the pool delivers now (from verification of the last interval)
     * @param alreadyCommanded devices that have a command in this event
     */
    public Plan redispatch(DrEventSpec event, Collection<Candidate> pool, long measuredDeliveryW,
                           Set<String> alreadyCommanded, int round, long issuedAtMillis) {
        long shortfall = event.targetW() - measuredDeliveryW;
        if (shortfall <= 0) return new Plan(List.of(), 0, 0, 0);
        return plan(event, pool, shortfall, alreadyCommanded, round, issuedAtMillis);
    }

    /** Releases every commanded device at the end or cancellation of an event. */
    public static List<DeviceCommand> release(DrEventSpec event, Collection<String> commandedDevices,
                                              long issuedAtMillis) {
        String[] ids = commandedDevices.toArray(new String[0]);
        Arrays.sort(ids);
        List<DeviceCommand> out = new ArrayList<>(ids.length);
        for (String id : ids) {
            out.add(new DeviceCommand(event.eventId() + "/" + id + "/release", event.eventId(), id,
                    DeviceCommand.Action.RELEASE, 0, event.startMillis(), event.endMillis(), 0, issuedAtMillis));
        }
        return out;
    }

    private Plan plan(DrEventSpec event, Collection<Candidate> pool, long neededW, Set<String> exclude, int round,
                      long issuedAtMillis) {
        long goal = ceilDiv(Math.multiplyExact(neededW, Money.PPM + rules.marginPpm()), Money.PPM);
        Candidate[] eligible = new Candidate[pool.size()];
        int n = 0;
        Set<String> excluded = exclude.isEmpty() ? Set.of() : new HashSet<>(exclude);
        for (Candidate c : pool) {
            if (c.availableW() <= 0 || c.reliabilityPpm() <= 0) continue;
            if (!excluded.isEmpty() && excluded.contains(c.deviceId())) continue;
            eligible[n++] = c;
        }
        DeviceCommand.Action action = event.direction() == DrDirection.REDUCE
                ? DeviceCommand.Action.REDUCE : DeviceCommand.Action.INCREASE;
        Greedy greedy = new Greedy(event, action, goal, round, issuedAtMillis);
        new Ranking(eligible, n, rules.reliabilityBandPpm(), event.eventId()).visitInOrder(greedy);
        return new Plan(greedy.commands, goal, greedy.expected, greedy.requested);
    }

    /** Asks devices in rank order until the goal is expected to be met. */
    private static final class Greedy {
        final DrEventSpec event;
        final DeviceCommand.Action action;
        final int round;
        final long issuedAt;
        final List<DeviceCommand> commands = new ArrayList<>();
        long remaining, expected, requested;

        Greedy(DrEventSpec event, DeviceCommand.Action action, long goal, int round, long issuedAt) {
            this.event = event;
            this.action = action;
            this.remaining = goal;
            this.round = round;
            this.issuedAt = issuedAt;
        }

        boolean done() {
            return remaining <= 0;
        }

        void ask(Candidate c) {
            long full = Money.mulDiv(c.availableW(), c.reliabilityPpm(), Money.PPM);
            if (full == 0) return;
            long ask = full <= remaining ? c.availableW()
                    : Math.min(c.availableW(), ceilDiv(Math.multiplyExact(remaining, Money.PPM), c.reliabilityPpm()));
            long got = Money.mulDiv(ask, c.reliabilityPpm(), Money.PPM);
            remaining -= Math.min(remaining, got);
            expected += got;
            requested += ask;
            commands.add(new DeviceCommand(event.eventId() + "/" + c.deviceId() + "/" + round, event.eventId(),
                    c.deviceId(), action, ask, event.startMillis(), event.endMillis(), round, issuedAt));
        }
    }

    /**
     * The rank order without sorting objects: reliability band, cost and last-asked are turned into dense ranks and
     * packed with the candidate's index into one {@code long}, so a primitive sort orders the pool. Devices equal on
     * all three are then ordered by a hash of (event, device) — so among equals the first asked changes from event
     * to event — and, on a hash collision, by device id. Only the runs of equals the greedy walk reaches are ordered.
     */
    private static final class Ranking {
        private final Candidate[] c;
        private final int n;
        private final long bandWidth;
        private final int eventHash;

        Ranking(Candidate[] c, int n, long bandWidth, String eventId) {
            this.c = c;
            this.n = n;
            this.bandWidth = bandWidth;
            this.eventHash = eventId.hashCode();
        }

        void visitInOrder(Greedy greedy) {
            if (n == 0) return;
            int indexBits = Math.max(1, 64 - Long.numberOfLeadingZeros(n));
            long bands = (Money.PPM - 1) / bandWidth + 1;
            int bandBits = 64 - Long.numberOfLeadingZeros(bands);
            if (bandBits + 3 * indexBits > 63) {
                visitByComparator(greedy);
                return;
            }
            long[] cost = new long[n], last = new long[n];
            for (int i = 0; i < n; i++) {
                cost[i] = c[i].costPerKwh();
                last[i] = c[i].lastAskedMillis();
            }
            long[] costs = distinctSorted(cost), lasts = distinctSorted(last);
            long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                long bandFromTop = bands - 1 - band(c[i]);
                long costRank = Arrays.binarySearch(costs, cost[i]);
                long lastRank = Arrays.binarySearch(lasts, last[i]);
                keys[i] = (((bandFromTop << indexBits | costRank) << indexBits | lastRank) << indexBits) | i;
            }
            Arrays.sort(keys);
            long mask = (1L << indexBits) - 1;
            int i = 0;
            while (i < n && !greedy.done()) {
                long group = keys[i] >>> indexBits;
                int j = i + 1;
                while (j < n && keys[j] >>> indexBits == group) j++;
                if (j - i == 1) {
                    greedy.ask(c[(int) (keys[i] & mask)]);
                } else {
                    visitEquals(keys, i, j, mask, indexBits, greedy);
                }
                i = j;
            }
        }

        private void visitEquals(long[] keys, int from, int to, long mask, int indexBits, Greedy greedy) {
            long[] tie = new long[to - from];
            for (int k = from; k < to; k++) {
                int idx = (int) (keys[k] & mask);
                tie[k - from] = (tieHash(c[idx]) << indexBits) | idx;
            }
            Arrays.sort(tie);
            int k = 0;
            while (k < tie.length && !greedy.done()) {
                int m = k + 1;
                while (m < tie.length && tie[m] >>> indexBits == tie[k] >>> indexBits) m++;
                if (m - k == 1) {
                    greedy.ask(c[(int) (tie[k] & mask)]);
                } else {
                    Candidate[] same = new Candidate[m - k];
                    for (int q = k; q < m; q++) same[q - k] = c[(int) (tie[q] & mask)];
                    Arrays.sort(same, (a, b) -> a.deviceId().compareTo(b.deviceId()));
                    for (Candidate s : same) {
                        if (greedy.done()) break;
                        greedy.ask(s);
                    }
                }
                k = m;
            }
        }

        /** The same order by a comparator, for pools too large to pack (over about a million devices). */
        private void visitByComparator(Greedy greedy) {
            Candidate[] sorted = Arrays.copyOf(c, n);
            Arrays.sort(sorted, (a, b) -> {
                long ba = band(a), bb = band(b);
                if (ba != bb) return ba > bb ? -1 : 1;
                if (a.costPerKwh() != b.costPerKwh()) return a.costPerKwh() < b.costPerKwh() ? -1 : 1;
                if (a.lastAskedMillis() != b.lastAskedMillis()) return a.lastAskedMillis() < b.lastAskedMillis() ? -1 : 1;
                long ha = tieHash(a), hb = tieHash(b);
                if (ha != hb) return ha < hb ? -1 : 1;
                return a.deviceId().compareTo(b.deviceId());
            });
            for (Candidate s : sorted) {
                if (greedy.done()) break;
                greedy.ask(s);
            }
        }

        private long band(Candidate x) {
            return Math.min(x.reliabilityPpm(), Money.PPM - 1) / bandWidth;
        }

        /** An unsigned 32-bit mix of the event and device ids (murmur3's finaliser). */
        private long tieHash(Candidate x) {
            int h = x.deviceId().hashCode() * 0x9E3779B9 + eventHash;
            h ^= h >>> 16;
            h *= 0x85EBCA6B;
            h ^= h >>> 13;
            h *= 0xC2B2AE35;
            h ^= h >>> 16;
            return h & 0xFFFFFFFFL;
        }

        private static long[] distinctSorted(long[] values) {
            long[] sorted = values.clone();
            Arrays.sort(sorted);
            int d = 0;
            for (int i = 0; i < sorted.length; i++) {
                if (i == 0 || sorted[i] != sorted[i - 1]) sorted[d++] = sorted[i];
            }
            return Arrays.copyOf(sorted, d);
        }
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
