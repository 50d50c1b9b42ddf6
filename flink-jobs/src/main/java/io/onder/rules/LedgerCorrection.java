package io.onder.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Corrections after late readings: when an interval is recomputed (a higher revision), the ledger receives the
 * difference between the lines already written for it and the recomputed ones, never the recomputed lines again.
 *
 * <p>Each side of a cause sums to zero, so the difference does too and conservation holds. A difference line has the
 * original entryId with {@code /r<revision>} appended, so a replay of the same correction writes the same ids. A
 * difference may debit a payee; the settlement job must therefore hold a period's batch until the period's
 * intervals are past the allowed lateness ({@link CumulativeOwed} refuses an owed amount that would fall).
 */
public final class LedgerCorrection {

    private LedgerCorrection() {}

    public static List<LedgerLine> delta(List<LedgerLine> written, List<LedgerLine> recomputed, int revision) {
        if (revision <= 0) throw new IllegalArgumentException("a correction has a revision above 0");
        Map<String, LedgerLine> template = new LinkedHashMap<>();
        Map<String, Long> difference = new LinkedHashMap<>();
        for (LedgerLine l : written) {
            template.putIfAbsent(l.entryId(), l);
            difference.merge(l.entryId(), Math.negateExact(l.amount()), Math::addExact);
        }
        for (LedgerLine l : recomputed) {
            template.put(l.entryId(), l);
            difference.merge(l.entryId(), l.amount(), Math::addExact);
        }
        List<LedgerLine> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : difference.entrySet()) {
            if (e.getValue() == 0) continue;
            LedgerLine t = template.get(e.getKey());
            out.add(new LedgerLine(e.getKey() + "/r" + revision, t.account(), t.accountKind(), t.deviceId(),
                    t.reason(), e.getValue(), t.energyMilliWh(), t.intervalStart(), t.settlementPeriod(),
                    t.rulebookVersion()));
        }
        return out;
    }
}
