package io.onder.bridge;

import io.onder.bridge.contracts.ChannelHub;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How fast the bridge settles a settlement batch of first-time owners on a real node, step by step: signing every
 * owner's voucher, then paying them all on the hub (planning from chain state, estimating, sending, awaiting
 * receipts), then the same owners again with higher amounts. Run:
 * {@code SettleBench --rpc http://127.0.0.1:18545 --chain-id 31337 --mnemonic-file F [--owners 10000] [--max-owners-per-tx 400]}.
 */
public final class SettleBench {
  private SettleBench() {}

  public static void main(String[] args) throws Exception {
    BenchChain bench = BenchChain.parse(args, Set.of("--owners", "--max-owners-per-tx"));
    int owners = bench.intOption("--owners", 10_000);
    int perTx = bench.intOption("--max-owners-per-tx", 400);
    try (Chain chain = bench.open()) {
      ChannelHub hub = bench.deployFundedHub(chain, 1_000_000_000_000L);
      VoucherSigner signer = new VoucherSigner(bench.hubKey(), bench.chainId(), hub.getContractAddress());
      HubSettler settler = new HubSettler(chain, hub, BatchPlanner.forSettlement(chain, hub, perTx));
      List<String> who = GasBench.owners(424242, owners);
      System.out.printf(Locale.ROOT, "%-28s %10s %8s %12s %14s%n", "batch", "seconds", "txs", "gas", "owners/s");
      for (int round = 1; round <= 2; round++) {
        List<Owed> owed = GasBench.owed(who, round);
        long t0 = System.nanoTime();
        List<Voucher> vouchers = signer.signAll(owed);
        if (vouchers.size() != owners) throw new IllegalStateException("signed " + vouchers.size() + " of " + owners);
        long t1 = System.nanoTime();
        List<HubSettler.TxResult> txs = settler.settle("bench/" + round, owed);
        long t2 = System.nanoTime();
        long gas = txs.stream().mapToLong(HubSettler.TxResult::gasUsed).sum();
        int paid = txs.stream().mapToInt(HubSettler.TxResult::payees).sum();
        if (paid != owners) throw new IllegalStateException("paid " + paid + " of " + owners + " owners");
        String kind = round == 1 ? "first-time" : "existing";
        System.out.printf(Locale.ROOT, "%-28s %10.2f %8s %12s %14.0f%n", "sign " + kind, (t1 - t0) / 1e9, "", "", owners / ((t1 - t0) / 1e9));
        System.out.printf(Locale.ROOT, "%-28s %10.2f %8d %12d %14.0f%n", "settle " + kind, (t2 - t1) / 1e9, txs.size(), gas, owners / ((t2 - t1) / 1e9));
        System.out.printf(Locale.ROOT, "%-28s %10.2f %8d %12d %14.0f%n", "batch of " + owners + " " + kind, (t2 - t0) / 1e9, txs.size(), gas, owners / ((t2 - t0) / 1e9));
      }
    }
  }
}
