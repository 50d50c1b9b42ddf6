package io.onder.rules;

/** Who holds a ledger account; mirrors the Avro enum of the same name. */
public enum AccountKind {
    OWNER, DISTRIBUTOR, CREATORS_FUND, SUBSIDY_POOL, MARKET;

    /** Payees are paid out on chain; MARKET and SUBSIDY_POOL only fund. */
    public boolean isPayee() {
        return this == OWNER || this == DISTRIBUTOR || this == CREATORS_FUND;
    }
}
