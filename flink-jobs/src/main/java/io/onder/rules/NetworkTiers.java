package io.onder.rules;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which tiers of the distributor's network the pool's exported energy crosses, per feeder and interval.
 *
 * <p>Energy consumed on its own feeder crosses no tier and pays no network fee. Export that leaves its feeder and is
 * consumed by another feeder of the same substation crosses the SUBSTATION tier; what the substation as a whole
 * sends up crosses the REGION tier. Within a substation the energy that stays there is shared among the exporting
 * feeders pro rata to what each sent, rounding down; the remainder counts as region-tier (deterministic and never
 * more than was sent). Energy imported from outside is the grid's ordinary supply, not the pool's: no fee here.
 */
public final class NetworkTiers {

    /** What left one feeder in one interval, split by the highest tier it crossed. */
    public record Crossing(String feederId, String distributorId, long intervalStart, long substationMilliWh,
                           long regionMilliWh) {
        public long totalMilliWh() {
            return substationMilliWh + regionMilliWh;
        }
    }

    private NetworkTiers() {}

    /** Splits the feeders of one substation in one interval. */
    public static List<Crossing> split(List<FeederQuality.FeederInterval> feedersOfOneSubstation) {
        long leaving = 0, entering = 0;
        for (FeederQuality.FeederInterval f : feedersOfOneSubstation) {
            leaving = Math.addExact(leaving, f.leavingMilliWh());
            entering = Math.addExact(entering, f.enteringMilliWh());
        }
        long staysInSubstation = Math.min(leaving, entering);
        List<Crossing> out = new ArrayList<>();
        for (FeederQuality.FeederInterval f : feedersOfOneSubstation) {
            if (f.leavingMilliWh() == 0) continue;
            long sub = Money.mulDiv(f.leavingMilliWh(), staysInSubstation, leaving);
            out.add(new Crossing(f.feeder().feederId(), f.feeder().distributorId(), f.startMillis(), sub,
                    f.leavingMilliWh() - sub));
        }
        out.sort(Comparator.comparing(Crossing::feederId));
        return out;
    }

    /**
     * When only one feeder is known: what left it is taken to cross the substation tier only, the lower fee (the
     * substation-level split corrects it when the feeders of the substation are aggregated).
     */
    public static Crossing feederOnly(FeederQuality.FeederInterval f) {
        return new Crossing(f.feeder().feederId(), f.feeder().distributorId(), f.startMillis(), f.leavingMilliWh(), 0);
    }
}
