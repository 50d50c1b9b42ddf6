package io.onder.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times the work between a DR event and its last dispatch command for a 100,000-device pool: flexibility of every
 * device from its profile and latest reading, then the dispatch plan. Plain main, no JMH: the first (cold) run and
 * the median of warmed runs.
 *
 * <p>{@code java -cp flink-jobs/target/classes io.onder.rules.DispatchBench [devices] [runs]}
 */
public final class DispatchBench {

    private DispatchBench() {}

    public static void main(String[] args) {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Rulebook rulebook = Rulebook.defaults();
        Pool pool = Pool.random(devices, 42L);
        // A target about a third of what the pool can give, so most of the pool is ranked and thousands are asked.
        DrEventSpec event = new DrEventSpec("bench", "utility:bench", DrDirection.REDUCE, pool.totalLoadW / 3,
                3_600_000L, 7_200_000L, 100_000L, 0L);
        long[] nanos = new long[runs];
        Dispatcher.Plan plan = null;
        for (int r = 0; r < runs; r++) {
            long t0 = System.nanoTime();
            plan = once(rulebook, pool, event);
            nanos[r] = System.nanoTime() - t0;
        }
        long cold = nanos[0];
        long[] warm = java.util.Arrays.copyOfRange(nanos, Math.min(1, runs - 1), runs);
        java.util.Arrays.sort(warm);
        System.out.printf("dispatch bench: %,d devices, target %,d W, %,d commands, expected %,d W of goal %,d W%n",
                devices, event.targetW(), plan.commands().size(), plan.expectedW(), plan.goalExpectedW());
        System.out.printf("event -> last command: cold %.1f ms, warm median %.1f ms (max %.1f ms) over %d runs%n",
                cold / 1e6, warm[warm.length / 2] / 1e6, warm[warm.length - 1] / 1e6, warm.length);
    }

    static Dispatcher.Plan once(Rulebook rulebook, Pool pool, DrEventSpec event) {
        Rulebook.DrRules rules = rulebook.dr();
        List<Dispatcher.Candidate> candidates = new ArrayList<>(pool.profiles.length);
        for (int i = 0; i < pool.profiles.length; i++) {
            Flexibility f = Flexibility.of(pool.profiles[i], pool.powerW[i], pool.socPpm[i], event.durationMillis(), rules);
            long available = f.in(event.direction());
            if (available > 0) {
                candidates.add(new Dispatcher.Candidate(f.deviceId(), available, pool.reliabilityPpm[i],
                        pool.profiles[i].costPerKwh(), pool.lastAsked[i]));
            }
        }
        return new Dispatcher(rules).dispatch(event, candidates, event.startMillis());
    }

    /** A seeded synthetic pool: a mix of EV chargers, batteries, heat pumps, loads and PV. */
    static final class Pool {
        final DeviceProfile[] profiles;
        final long[] powerW;
        final Long[] socPpm;
        final long[] reliabilityPpm;
        final long[] lastAsked;
        long totalLoadW;

        private Pool(int n) {
            profiles = new DeviceProfile[n];
            powerW = new long[n];
            socPpm = new Long[n];
            reliabilityPpm = new long[n];
            lastAsked = new long[n];
        }

        static Pool random(int n, long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            Pool p = new Pool(n);
            DeviceKind[] kinds = {DeviceKind.EV_CHARGER, DeviceKind.BATTERY, DeviceKind.HEAT_PUMP, DeviceKind.LOAD, DeviceKind.PV};
            for (int i = 0; i < n; i++) {
                DeviceKind kind = kinds[rnd.nextInt(kinds.length)];
                long max = 2_000 + rnd.nextInt(9_000);
                p.profiles[i] = new DeviceProfile(String.format("dev-%06d", i), "0xowner" + (i % 5_000), kind,
                        "feeder-" + (i % 200), max, kind == DeviceKind.BATTERY ? max : 0, 10_000 + rnd.nextInt(20_000),
                        100_000, 950_000, rnd.nextInt(4) == 0 ? rnd.nextInt(50_000) : 0, rnd.nextInt(20) != 0);
                p.powerW[i] = kind == DeviceKind.PV ? -rnd.nextInt((int) max) : rnd.nextInt((int) max);
                p.socPpm[i] = kind == DeviceKind.BATTERY || kind == DeviceKind.EV_CHARGER ? (long) rnd.nextInt(1_000_001) : null;
                p.reliabilityPpm[i] = 300_000 + rnd.nextInt(700_001);
                p.lastAsked[i] = rnd.nextInt(3) == 0 ? Dispatcher.Candidate.NEVER : rnd.nextLong(1_000_000_000L);
                p.totalLoadW += Math.max(0, p.powerW[i]);
            }
            return p;
        }
    }
}
