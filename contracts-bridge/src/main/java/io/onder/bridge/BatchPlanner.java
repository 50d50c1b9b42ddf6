package io.onder.bridge;

import io.onder.bridge.contracts.ChannelHub;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the next settleBatch call from what the ledger owes and what the chain has paid: an owner is included
 * only if its cumulative amount is above the chain's, so planning again after any crash or partial run pays
 * exactly what is still due. At most {@code maxEntries} owners (of which at most {@code maxNewOwners} first-time)
 * per call, to stay well under the block gas limit.
 */
public final class BatchPlanner {
  private static final BigInteger NO_INDEX = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);
  private static final int READ_CHUNK = 500;

  private final ChannelHub hub;
  private final int maxEntries;
  private final int maxNewOwners;

  public BatchPlanner(ChannelHub hub, int maxEntries, int maxNewOwners) {
    this.hub = hub;
    this.maxEntries = maxEntries;
    this.maxNewOwners = maxNewOwners;
  }

  /** What the chain says about each owner: index (-1 if none) and cumulative amount paid. */
  public record OnChain(long index, long paid) {}

  public Map<String, OnChain> read(List<String> owners) throws Exception {
    Map<String, OnChain> out = new LinkedHashMap<>();
    for (int from = 0; from < owners.size(); from += READ_CHUNK) {
      List<String> chunk = owners.subList(from, Math.min(owners.size(), from + READ_CHUNK));
      var r = hub.accountsOf(chunk).send();
      for (int i = 0; i < chunk.size(); i++) {
        BigInteger idx = r.component1().get(i);
        out.put(chunk.get(i).toLowerCase(), new OnChain(idx.equals(NO_INDEX) ? -1 : idx.longValueExact(),
            r.component2().get(i).longValueExact()));
      }
    }
    return out;
  }

  public BatchPlan plan(List<Owed> owed) throws Exception {
    Map<String, Long> due = new LinkedHashMap<>();
    for (Owed o : owed) due.merge(o.owner(), o.cumulativeAmount(), Math::max);
    long count = hub.ownerCount().send().longValueExact();
    Map<String, OnChain> chain = read(new ArrayList<>(due.keySet()));
    List<String> newOwners = new ArrayList<>();
    List<BatchPlan.Entry> entries = new ArrayList<>();
    List<String> overpaid = new ArrayList<>();
    long total = 0;
    for (var e : due.entrySet()) {
      if (entries.size() >= maxEntries) break;
      OnChain c = chain.get(e.getKey());
      long cumulative = e.getValue();
      if (c.index() < 0) {
        if (cumulative == 0 || newOwners.size() >= maxNewOwners) continue;
        entries.add(new BatchPlan.Entry(count + newOwners.size(), cumulative));
        newOwners.add(e.getKey());
        total = Math.addExact(total, cumulative);
      } else if (cumulative > c.paid()) {
        entries.add(new BatchPlan.Entry(c.index(), cumulative));
        total = Math.addExact(total, cumulative - c.paid());
      } else if (cumulative < c.paid()) {
        overpaid.add(e.getKey()); // the chain paid more than the ledger owes: reconcile will flag it
      }
    }
    entries.sort(Comparator.comparingLong(BatchPlan.Entry::index));
    return new BatchPlan(count, List.copyOf(newOwners), List.copyOf(entries), total, List.copyOf(overpaid));
  }
}
