package io.onder.bridge;

/** What the ledger owes one owner in total, ever, in S* base units. */
public record Owed(String owner, long cumulativeAmount) {
  public Owed {
    owner = owner.toLowerCase();
    if (cumulativeAmount < 0) throw new IllegalArgumentException("negative cumulative amount for " + owner);
  }
}
