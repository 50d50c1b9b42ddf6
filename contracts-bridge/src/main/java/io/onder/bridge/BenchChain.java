package io.onder.bridge;

import io.onder.bridge.contracts.ChannelHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.web3j.crypto.Credentials;

/**
 * What the chain benchmarks ({@link GasBench}, {@link SettleBench}) are told on their command line: {@code --rpc},
 * {@code --chain-id}, {@code --mnemonic-file} of the development node's accounts (account 0 deploys, funds and
 * operates; account 1 signs vouchers), and the bench's own options.
 */
record BenchChain(String rpc, long chainId, Credentials admin, Credentials hubKey, Map<String, String> options) {

  /** Parses {@code args}; options other than the chain's must be among {@code own}. */
  static BenchChain parse(String[] args, Set<String> own) throws IOException {
    String rpc = "http://127.0.0.1:18545";
    long chainId = 31337;
    Path mnemonicFile = null;
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--rpc" -> rpc = args[i + 1];
        case "--chain-id" -> chainId = Long.parseLong(args[i + 1]);
        case "--mnemonic-file" -> mnemonicFile = Path.of(args[i + 1]);
        default -> {
          if (!own.contains(args[i])) throw new IllegalArgumentException("unknown option " + args[i]);
          options.put(args[i], args[i + 1]);
        }
      }
    }
    if (mnemonicFile == null) throw new IllegalArgumentException("--mnemonic-file of the development node's accounts is required");
    String mnemonic = Files.readString(mnemonicFile).strip();
    return new BenchChain(rpc, chainId, GasBench.account(mnemonic, 0), GasBench.account(mnemonic, 1), options);
  }

  int intOption(String name, int otherwise) {
    return options.containsKey(name) ? Integer.parseInt(options.get(name)) : otherwise;
  }

  Chain open() {
    return new Chain(rpc, chainId, admin, 1, Duration.ofSeconds(60));
  }

  /** A fresh deployment with {@code fund} base units in its hub, the hub loaded to be operated by the admin. */
  ChannelHub deployFundedHub(Chain chain, long fund) throws Exception {
    Deployment d = Deployment.deploy(chain, admin, hubKey.getAddress(), admin.getAddress(), admin.getAddress());
    d.fundHub(chain, admin, fund);
    return ChannelHub.load(d.hub().getContractAddress(), chain.web3j(), chain.txManager(admin), chain.gasProvider(Deployment.GAS_LIMIT));
  }
}
