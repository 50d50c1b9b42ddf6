package io.onder.bridge;

import io.onder.bridge.contracts.ChannelHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.web3j.crypto.Credentials;

/**
 * How fast the bridge settles a settlement batch of first-time owners on a real node, step by step: signing every
 * owner's voucher, then paying them all on the hub (planning from chain state, estimating, sending, awaiting
 * receipts), then the same owners again with higher amounts. Run:
 * {@code SettleBench --rpc http://127.0.0.1:18545 --chain-id 31337 --mnemonic-file F [--owners 10000] [--max-owners-per-tx 400]}.
 */
public final class SettleBench {
  private SettleBench() {}

  public static void main(String[] args) throws Exception {
    String rpc = "http://127.0.0.1:18545";
    long chainId = 31337;
    Path mnemonicFile = null;
    int owners = 10_000;
    int perTx = 400;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--rpc" -> rpc = args[i + 1];
        case "--chain-id" -> chainId = Long.parseLong(args[i + 1]);
        case "--mnemonic-file" -> mnemonicFile = Path.of(args[i + 1]);
        case "--owners" -> owners = Integer.parseInt(args[i + 1]);
        case "--max-owners-per-tx" -> perTx = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (mnemonicFile == null) throw new IllegalArgumentException("--mnemonic-file of the development node's accounts is required");
    String mnemonic = Files.readString(mnemonicFile).strip();
    Credentials admin = GasBench.account(mnemonic, 0);
    Credentials hubKey = GasBench.account(mnemonic, 1);
    try (Chain chain = new Chain(rpc, chainId, admin, 1, Duration.ofSeconds(60))) {
      Deployment d = Deployment.deploy(chain, admin, hubKey.getAddress(), admin.getAddress(), admin.getAddress());
      d.fundHub(chain, admin, 1_000_000_000_000L);
      ChannelHub hub = ChannelHub.load(d.hub().getContractAddress(), chain.web3j(), chain.txManager(admin),
          chain.gasProvider(Deployment.GAS_LIMIT));
      VoucherSigner signer = new VoucherSigner(hubKey, chainId, hub.getContractAddress());
      HubSettler settler = new HubSettler(chain, hub, new BatchPlanner(chain, hub, perTx, Math.max(1, perTx / 2)));
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
