package io.onder.rules;

/**
 * The ledger's conservation check: everything credited equals everything funded, exactly.
 *
 * @param credits sum of positive amounts
 * @param funding sum of negative amounts, as a positive number
 */
public record Conservation(long credits, long funding, int lines) {

    public static Conservation of(Iterable<LedgerLine> ledger) {
        long credits = 0, funding = 0;
        int n = 0;
        for (LedgerLine l : ledger) {
            if (l.amount() >= 0) credits = Math.addExact(credits, l.amount());
            else funding = Math.addExact(funding, Math.negateExact(l.amount()));
            n++;
        }
        return new Conservation(credits, funding, n);
    }

    public boolean conserved() {
        return credits == funding;
    }

    /** Throws when the ledger does not conserve: a bug, never a rounding matter. */
    public static Conservation require(Iterable<LedgerLine> ledger) {
        Conservation c = of(ledger);
        if (!c.conserved()) {
            throw new IllegalStateException("ledger does not conserve: credits " + c.credits + " != funding " + c.funding);
        }
        return c;
    }
}
