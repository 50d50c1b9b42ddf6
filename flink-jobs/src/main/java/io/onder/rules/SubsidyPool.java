package io.onder.rules;

/**
 * The subsidy pool: capital contributors' credits, paid out as top-ups to designated beneficiaries and never beyond
 * what it holds. Its balance is the sum of its own ledger lines, kept here so a top-up can be capped before it is
 * written.
 */
public final class SubsidyPool {

    private final String account;
    private long balance;

    public SubsidyPool(String account, long balance) {
        if (balance < 0) throw new IllegalArgumentException("negative pool balance");
        this.account = account;
        this.balance = balance;
    }

    public String account() {
        return account;
    }

    public long balance() {
        return balance;
    }

    void credit(long amount) {
        balance = Math.addExact(balance, amount);
    }

    void debit(long amount) {
        if (amount > balance) throw new IllegalStateException("pool " + account + " cannot pay " + amount + " of " + balance);
        balance -= amount;
    }
}
