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
 * (cheapest first), then by when they were last asked (longest ago, or never, first: the burden rotates), then by
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
        Candidate[] ranked = new Candidate[pool.size()];
        int n = 0;
        Set<String> excluded = exclude.isEmpty() ? Set.of() : new HashSet<>(exclude);
        for (Candidate c : pool) {
            if (c.availableW() <= 0 || c.reliabilityPpm() <= 0) continue;
            if (!excluded.isEmpty() && excluded.contains(c.deviceId())) continue;
            ranked[n++] = c;
        }
        long band = rules.reliabilityBandPpm();
        Arrays.sort(ranked, 0, n, (a, b) -> {
            long ba = Math.min(a.reliabilityPpm(), Money.PPM - 1) / band;
            long bb = Math.min(b.reliabilityPpm(), Money.PPM - 1) / band;
            if (ba != bb) return ba > bb ? -1 : 1;
            if (a.costPerKwh() != b.costPerKwh()) return a.costPerKwh() < b.costPerKwh() ? -1 : 1;
            if (a.lastAskedMillis() != b.lastAskedMillis()) return a.lastAskedMillis() < b.lastAskedMillis() ? -1 : 1;
            return a.deviceId().compareTo(b.deviceId());
        });

        DeviceCommand.Action action = event.direction() == DrDirection.REDUCE
                ? DeviceCommand.Action.REDUCE : DeviceCommand.Action.INCREASE;
        List<DeviceCommand> commands = new ArrayList<>();
        long remaining = goal, expected = 0, requested = 0;
        for (int i = 0; i < n && remaining > 0; i++) {
            Candidate c = ranked[i];
            long full = Money.mulDiv(c.availableW(), c.reliabilityPpm(), Money.PPM);
            if (full == 0) continue;
            long ask = full <= remaining ? c.availableW()
                    : Math.min(c.availableW(), ceilDiv(Math.multiplyExact(remaining, Money.PPM), c.reliabilityPpm()));
            long got = Money.mulDiv(ask, c.reliabilityPpm(), Money.PPM);
            remaining -= Math.min(remaining, got);
            expected += got;
            requested += ask;
            commands.add(new DeviceCommand(event.eventId() + "/" + c.deviceId() + "/" + round, event.eventId(),
                    c.deviceId(), action, ask, event.startMillis(), event.endMillis(), round, issuedAtMillis));
        }
        return new Plan(commands, goal, expected, requested);
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
