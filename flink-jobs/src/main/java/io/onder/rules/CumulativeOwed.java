package io.onder.rules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the ledger owes each payee in total, ever: the input of settlement batches and vouchers.
 *
 * <p>Rules: payees are owners, distributors and the creators fund (market and subsidy-pool accounts only fund).
 * Addresses are compared in lower case. A batch lists every payee with its cumulative amount, sorted by address, so
 * the bridge pays each only the difference from what it already paid. The cumulative amount never decreases and never
 * exceeds the balance: payee lines are never negative, so a lower balance than the last batch is a bug and fails.
 */
public final class CumulativeOwed {

    public record Owed(String owner, long cumulativeAmount) {}

    /** One settlement period's batch. */
    public record Batch(String batchId, long settlementPeriod, long periodEndMillis, String rulebookVersion,
                        List<Owed> owed, long totalCumulative) {}

    private final Map<String, Long> balance = new HashMap<>();
    private final Map<String, Long> lastSigned = new HashMap<>();

    public void apply(LedgerLine line) {
        if (!line.accountKind().isPayee()) return;
        balance.merge(line.account().toLowerCase(java.util.Locale.ROOT), line.amount(), Math::addExact);
    }

    public void applyAll(Iterable<LedgerLine> lines) {
        for (LedgerLine l : lines) apply(l);
    }

    public long balanceOf(String account) {
        return balance.getOrDefault(account.toLowerCase(java.util.Locale.ROOT), 0L);
    }

    /** The batch after a settlement period: every payee's cumulative amount owed. */
    public Batch batch(long settlementPeriod, SettlementPeriods periods, String rulebookVersion) {
        TreeMap<String, Long> sorted = new TreeMap<>(balance);
        List<Owed> owed = new ArrayList<>(sorted.size());
        long total = 0;
        for (Map.Entry<String, Long> e : sorted.entrySet()) {
            long amount = e.getValue();
            long before = lastSigned.getOrDefault(e.getKey(), 0L);
            if (amount < before) {
                throw new IllegalStateException("owed to " + e.getKey() + " fell from " + before + " to " + amount);
            }
            if (amount <= 0) continue;
            lastSigned.put(e.getKey(), amount);
            owed.add(new Owed(e.getKey(), amount));
            total = Math.addExact(total, amount);
        }
        return new Batch(settlementPeriod + "/" + rulebookVersion, settlementPeriod, periods.endOf(settlementPeriod),
                rulebookVersion, owed, total);
    }
}
