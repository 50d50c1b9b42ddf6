package io.onder.testkit;

import io.onder.stack.AnvilNode;

/** The real Ethereum node. Its prefunded accounts derive from {@link #mnemonic()} at m/44'/60'/0'/0/i; never print it. */
public final class TestAnvil {
  private final AnvilNode node;

  TestAnvil(AnvilNode node) {
    this.node = node;
  }

  public String rpcUrl() {
    return node.rpcUrl();
  }

  public long chainId() {
    return node.chainId();
  }

  public String mnemonic() {
    return node.mnemonic();
  }

  public AnvilNode node() {
    return node;
  }
}
