package io.onder.stack;

import java.util.ArrayList;
import java.util.List;
import org.web3j.crypto.Bip32ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.MnemonicUtils;

/**
 * The stack's Ethereum accounts, derived from its mnemonic as wallets do (BIP-32/44). A class of its own so that
 * {@link AnvilNode}, which every {@link LocalStack} makes, needs no web3j class to load: the Flink jobs' tests run the
 * launcher without web3j on their class path.
 */
final class StackAccounts {
  private StackAccounts() {}

  /** The checksummed addresses of accounts m/44'/60'/0'/0/0 to n-1 of {@code mnemonic}. */
  static List<String> addresses(String mnemonic, int n) {
    Bip32ECKeyPair master = Bip32ECKeyPair.generateKeyPair(MnemonicUtils.generateSeed(mnemonic, ""));
    int h = Bip32ECKeyPair.HARDENED_BIT;
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(Keys.toChecksumAddress(Keys.getAddress(Bip32ECKeyPair.deriveKeyPair(master, new int[] {44 | h, 60 | h, h, 0, i}))));
    }
    return out;
  }
}
