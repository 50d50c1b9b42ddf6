package io.onder.bridge;

import io.onder.bridge.contracts.ChannelHub;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.web3j.crypto.Bip32ECKeyPair;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.MnemonicUtils;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Gas per owner of batch settlement on a real node, beside the EVM's lower bound for the hub's storage layout.
 *
 * <p>Lower bound of one settleBatch transaction, for this layout (owner index -> 64-bit lane of a 4-lane slot):
 * <pre>
 *   21,000 intrinsic
 * + calldata: 4 gas per zero byte, 16 per non-zero byte (exact, from the transaction's input)
 * + per packed slot rewritten: 2,100 cold access + 2,900 SSTORE nonzero->nonzero (existing) or 20,000 zero->nonzero
 * + per first-time owner: 22,100 for its account word (cold, zero->nonzero)
 * + per transaction: 2,100 + 2,900 for the one slot holding operator, owner count and uncredited deposit
 * </pre>
 * The measured figure adds the payout event (375 + 2 x 375 + 8 gas per logged byte, 12 bytes per owner paid), the
 * registration event of each first-time owner, memory and execution. Run: {@code GasBench --rpc http://127.0.0.1:18545 --chain-id 31337 --mnemonic-file F}.
 */
public final class GasBench {
  public static final int[] SIZES = {1, 10, 100, 500};

  /** One measured batch. Gas figures are per owner. */
  public record Row(int owners, String kind, long gasUsed, double gasPerOwner, double lowerBoundPerOwner,
      double ownersPerSecond) {}

  public record Result(List<Row> rows, long redeemFirstGas, long redeemExistingGas, long withdrawGas) {
    public Row row(int owners, String kind) {
      return rows.stream().filter(r -> r.owners() == owners && r.kind().equals(kind)).findFirst().orElseThrow();
    }

    public String table() {
      StringBuilder b = new StringBuilder();
      b.append(String.format(Locale.ROOT, "%-8s %-20s %12s %14s %16s %14s%n", "owners", "kind", "gas (tx)", "gas/owner",
          "EVM bound/owner", "owners/s"));
      for (Row r : rows) {
        b.append(String.format(Locale.ROOT, "%-8d %-20s %12d %14.0f %16.0f %14.0f%n", r.owners(), r.kind(), r.gasUsed(),
            r.gasPerOwner(), r.lowerBoundPerOwner(), r.ownersPerSecond()));
      }
      b.append(String.format(Locale.ROOT, "single voucher redemption: %d gas (first-time owner), %d gas (existing owner)%n",
          redeemFirstGas, redeemExistingGas));
      b.append(String.format(Locale.ROOT, "withdraw of a credited balance: %d gas%n", withdrawGas));
      b.append("existing dense = every owner of each 4-lane slot in the batch; existing sparse = one owner per slot (worst case)\n");
      return b.toString();
    }
  }

  private final Chain chain;
  private final BenchChain bench;

  public GasBench(Chain chain, BenchChain bench) {
    this.chain = chain;
    this.bench = bench;
  }

  public Result run() throws Exception {
    ChannelHub hub = bench.deployFundedHub(chain, 100_000_000_000L);
    BatchPlanner planner = new BatchPlanner(chain, hub, Integer.MAX_VALUE, Integer.MAX_VALUE);
    List<Row> rows = new ArrayList<>();
    int seed = 0;
    for (int n : SIZES) {
      // Pad to a slot boundary so a batch of n fresh owners starts a fresh slot, as it would in steady state.
      long count = hub.ownerCount().send().longValueExact();
      if (count % 4 != 0) measure(planner, hub, owed(owners(seed++, (int) (4 - count % 4)), 1), 1, "pad");
      List<String> owners = owners(seed++, n);
      rows.add(measure(planner, hub, owed(owners, 1), n, "first-time"));
      rows.add(measure(planner, hub, owed(owners, 2), n, "existing dense"));
      if (n >= 4) {
        // n owners, one per slot: register 4n fresh owners, then settle every 4th of them
        List<String> more = owners(seed++, 4 * n);
        for (int from = 0; from < more.size(); from += 250) {
          List<String> part = more.subList(from, Math.min(more.size(), from + 250));
          measure(planner, hub, owed(part, 1), part.size(), "pad");
        }
        List<String> sparse = new ArrayList<>();
        for (int i = 0; i < more.size(); i += 4) sparse.add(more.get(i));
        rows.add(measure(planner, hub, owed(sparse, 3), n, "existing sparse"));
      }
    }
    // single redemptions
    VoucherSigner signer = new VoucherSigner(bench.hubKey(), chain.chainId(), hub.getContractAddress());
    String fresh = owners(seed++, 1).get(0);
    Voucher v1 = signer.sign(fresh, 5_000_000);
    long redeemFirst = hub.redeem(fresh, BigInteger.valueOf(v1.cumulativeAmount()), v1.signature()).send().getGasUsed().longValueExact();
    Voucher v2 = signer.sign(fresh, 9_000_000);
    long redeemExisting = hub.redeem(fresh, BigInteger.valueOf(v2.cumulativeAmount()), v2.signature()).send().getGasUsed().longValueExact();
    String credited = owners(0, 1).get(0);
    long withdraw = hub.withdraw(credited).send().getGasUsed().longValueExact();
    return new Result(rows, redeemFirst, redeemExisting, withdraw);
  }

  private Row measure(BatchPlanner planner, ChannelHub hub, List<Owed> owed, int n, String kind) throws Exception {
    BatchPlan plan = planner.plan(owed);
    if (plan.entries().size() != owed.size()) throw new IllegalStateException("plan covers " + plan.entries().size() + " of " + owed.size());
    String data = plan.callData(Hash.sha3(("bench-" + kind + "-" + n).getBytes()));
    long start = System.nanoTime();
    BigInteger gas = chain.estimateGas(hub.getContractAddress(), data);
    BigInteger limit = gas.multiply(BigInteger.valueOf(6)).divide(BigInteger.valueOf(5)).min(chain.blockGasLimit());
    String tx = chain.send(chain.pendingNonce(), hub.getContractAddress(), data, limit, chain.fees());
    TransactionReceipt r = chain.awaitReceipt(tx);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (!r.isStatusOK()) throw new IllegalStateException(kind + " batch of " + n + " reverted");
    long used = r.getGasUsed().longValueExact();
    return new Row(n, kind, used, (double) used / n, (double) lowerBound(plan, data) / n, n / seconds);
  }

  /** The EVM's lower bound for this transaction under the hub's storage layout (see the class comment). */
  public static long lowerBound(BatchPlan plan, String callData) {
    long gas = 21_000 + calldataGas(Numeric.hexStringToByteArray(callData));
    Set<Long> slots = new HashSet<>();
    Set<Long> freshSlots = new HashSet<>();
    long firstNew = plan.expectedOwnerCount();
    for (BatchPlan.Entry e : plan.entries()) {
      long slot = e.index() >> 2;
      slots.add(slot);
      // a slot whose lowest index is new was never written: zero -> nonzero
      if ((slot << 2) >= firstNew) freshSlots.add(slot);
    }
    gas += (slots.size() - freshSlots.size()) * (2_100L + 2_900L) + freshSlots.size() * (2_100L + 20_000L);
    gas += plan.newOwners().size() * 22_100L;
    gas += 2_100 + 2_900;
    return gas;
  }

  static long calldataGas(byte[] data) {
    long g = 0;
    for (byte b : data) g += b == 0 ? 4 : 16;
    return g;
  }

  static List<String> owners(int seed, int n) {
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] h = Hash.sha3(ByteBuffer.allocate(8).putInt(seed).putInt(i).array());
      out.add(Numeric.toHexString(h, 12, 20, true));
    }
    return out;
  }

  static List<Owed> owed(List<String> owners, int round) {
    List<Owed> out = new ArrayList<>(owners.size());
    for (int i = 0; i < owners.size(); i++) out.add(new Owed(owners.get(i), round * 1_000_000L + i * 7_919L));
    return out;
  }

  /** Derives account {@code i} of a BIP-39 mnemonic at m/44'/60'/0'/0/i, as anvil does. */
  public static Credentials account(String mnemonic, int i) {
    Bip32ECKeyPair master = Bip32ECKeyPair.generateKeyPair(MnemonicUtils.generateSeed(mnemonic, ""));
    int h = Bip32ECKeyPair.HARDENED_BIT;
    return Credentials.create(Bip32ECKeyPair.deriveKeyPair(master, new int[] {44 | h, 60 | h, h, 0, i}));
  }

  public static void main(String[] args) throws Exception {
    BenchChain bench = BenchChain.parse(args, Set.of());
    try (Chain chain = bench.open()) {
      System.out.print(new GasBench(chain, bench).run().table());
    }
  }
}
