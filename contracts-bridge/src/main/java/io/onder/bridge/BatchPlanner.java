package io.onder.bridge;

import io.onder.bridge.contracts.ChannelHub;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Function;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.utils.Numeric;

/**
 * Builds the next settleBatch call from what the ledger owes and what the chain has paid: an owner is included
 * only if its cumulative amount is above the chain's, so planning again after any crash or partial run pays
 * exactly what is still due. At most {@code maxEntries} owners (of which at most {@code maxNewOwners} first-time)
 * per call, to stay well under the block gas limit.
 *
 * <p>A plan reads the chain only as far down the list of owners as it needs to fill one call ({@link #plan(List, int)}
 * from a position), so settling a batch of n owners reads each about once instead of once per transaction.
 */
public final class BatchPlanner {
  /** Owners per accountsOf call: its answer is 64 bytes an owner. */
  static final int READ_CHUNK = 1_000;

  private final Chain chain;
  private final ChannelHub hub;
  private final int maxEntries;
  private final int maxNewOwners;

  /**
   * The planner the bridge settles with: at most {@code maxOwnersPerTx} owners a transaction, of which at most half
   * first-time (a first-time owner's fresh account word costs about ten times an existing owner's gas, so the half
   * bounds a transaction's gas).
   */
  public static BatchPlanner forSettlement(Chain chain, ChannelHub hub, int maxOwnersPerTx) {
    return new BatchPlanner(chain, hub, maxOwnersPerTx, Math.max(1, maxOwnersPerTx / 2));
  }

  public BatchPlanner(Chain chain, ChannelHub hub, int maxEntries, int maxNewOwners) {
    this.chain = chain;
    this.hub = hub;
    this.maxEntries = maxEntries;
    this.maxNewOwners = maxNewOwners;
  }

  /** What the chain says about each owner: index (-1 if none) and cumulative amount paid. */
  public record OnChain(long index, long paid) {}

  public Map<String, OnChain> read(List<String> owners) throws IOException {
    return read(chain.web3j(), hub.getContractAddress(), owners);
  }

  /**
   * The hub's {@code accountsOf} for every owner, {@link #READ_CHUNK} at a time, keyed by lower-case address. The
   * answer (two uint256 arrays) is decoded here word by word: web3j's generic decoder takes time quadratic in the
   * array's length (a 10,000-owner batch spent most of its two and a half minutes there).
   */
  public static Map<String, OnChain> read(Web3j web3j, String hub, List<String> owners) throws IOException {
    Map<String, OnChain> out = new LinkedHashMap<>();
    for (int from = 0; from < owners.size(); from += READ_CHUNK) {
      List<String> chunk = owners.subList(from, Math.min(owners.size(), from + READ_CHUNK));
      Function f = new Function("accountsOf",
          List.of(new DynamicArray<>(Address.class, chunk.stream().map(Address::new).toList())), List.of());
      var r = web3j.ethCall(Transaction.createEthCallTransaction(null, hub, FunctionEncoder.encode(f)),
          DefaultBlockParameterName.LATEST).send();
      if (r.hasError()) throw new Chain.ChainException("accountsOf: " + r.getError().getMessage(), r.getError().getData());
      long[][] words = decodeTwoArrays(Numeric.hexStringToByteArray(r.getValue()), chunk.size());
      for (int i = 0; i < chunk.size(); i++) out.put(chunk.get(i).toLowerCase(), new OnChain(words[0][i], words[1][i]));
    }
    return out;
  }

  /**
   * Decodes ABI {@code (uint256[], uint256[])} of {@code n} elements each: indices (all ones = none, as -1) and
   * amounts. Any value that does not fit 63 bits other than the "none" index is refused.
   */
  static long[][] decodeTwoArrays(byte[] abi, int n) {
    long[][] out = new long[2][n];
    for (int a = 0; a < 2; a++) {
      int at = (int) word(abi, a * 32, false);
      if (word(abi, at, false) != n) throw new IllegalStateException("accountsOf answered " + word(abi, at, false) + " values for " + n + " owners");
      for (int i = 0; i < n; i++) out[a][i] = word(abi, at + 32 + i * 32, a == 0);
    }
    return out;
  }

  private static long word(byte[] abi, int offset, boolean allOnesIsNone) {
    if (offset < 0 || offset + 32 > abi.length) throw new IllegalStateException("accountsOf answer too short: " + abi.length + " bytes");
    boolean allOnes = true;
    for (int i = 0; i < 32; i++) allOnes &= abi[offset + i] == (byte) 0xff;
    if (allOnes && allOnesIsNone) return -1;
    for (int i = 0; i < 24; i++) if (abi[offset + i] != 0) throw new IllegalStateException("accountsOf value too large at byte " + offset);
    long v = 0;
    for (int i = 24; i < 32; i++) v = (v << 8) | (abi[offset + i] & 0xff);
    if (v < 0) throw new IllegalStateException("accountsOf value too large at byte " + offset);
    return v;
  }

  /** The owed list with each owner once (its largest cumulative amount), in first-seen order. */
  public static List<Owed> distinct(List<Owed> owed) {
    Map<String, Long> due = new LinkedHashMap<>();
    for (Owed o : owed) due.merge(o.owner(), o.cumulativeAmount(), Math::max);
    List<Owed> out = new ArrayList<>(due.size());
    due.forEach((owner, amount) -> out.add(new Owed(owner, amount)));
    return out;
  }

  /** The next call for the whole list. */
  public BatchPlan plan(List<Owed> owed) throws Exception {
    return plan(distinct(owed), 0);
  }

  /**
   * The next call for the owners of {@code distinct} (each owner once, see {@link #distinct}) from position
   * {@code from} on: the chain is read a chunk at a time until the call is full. {@link BatchPlan#scannedTo()} says
   * how far it looked: every owner before it that is not in the plan needs nothing now.
   */
  public BatchPlan plan(List<Owed> distinct, int from) throws Exception {
    long count = hub.ownerCount().send().longValueExact();
    List<String> newOwners = new ArrayList<>();
    List<BatchPlan.Entry> entries = new ArrayList<>();
    List<String> overpaid = new ArrayList<>();
    long total = 0;
    int at = from;
    scan:
    while (at < distinct.size()) {
      List<Owed> chunk = distinct.subList(at, Math.min(distinct.size(), at + READ_CHUNK));
      Map<String, OnChain> chain = read(chunk.stream().map(Owed::owner).toList());
      for (Owed o : chunk) {
        if (entries.size() >= maxEntries || newOwners.size() >= maxNewOwners) break scan;
        at++;
        OnChain c = chain.get(o.owner().toLowerCase());
        long cumulative = o.cumulativeAmount();
        if (c.index() < 0) {
          if (cumulative == 0) continue;
          entries.add(new BatchPlan.Entry(count + newOwners.size(), cumulative));
          newOwners.add(o.owner());
          total = Math.addExact(total, cumulative);
        } else if (cumulative > c.paid()) {
          entries.add(new BatchPlan.Entry(c.index(), cumulative));
          total = Math.addExact(total, cumulative - c.paid());
        } else if (cumulative < c.paid()) {
          overpaid.add(o.owner()); // the chain paid more than the ledger owes: reconcile will flag it
        }
      }
    }
    entries.sort(Comparator.comparingLong(BatchPlan.Entry::index));
    return new BatchPlan(count, List.copyOf(newOwners), List.copyOf(entries), total, List.copyOf(overpaid), at);
  }
}
