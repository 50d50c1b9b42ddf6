package io.onder.bridge;

import java.util.Arrays;
import org.web3j.utils.Numeric;

/**
 * The hub signer's promise that {@code owner} is owed {@code cumulativeAmount} S* base units in total, redeemable on
 * the hub at {@code hub} on chain {@code chainId} only (both are in the EIP-712 domain).
 */
public record Voucher(String owner, long cumulativeAmount, long chainId, String hub, byte[] signature) {
  public Voucher {
    if (cumulativeAmount < 0) throw new IllegalArgumentException("negative cumulative amount");
    if (signature.length != 65) throw new IllegalArgumentException("signature must be 65 bytes (r, s, v)");
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  public String signatureHex() {
    return Numeric.toHexString(signature);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Voucher v && v.owner.equalsIgnoreCase(owner) && v.cumulativeAmount == cumulativeAmount
        && v.chainId == chainId && v.hub.equalsIgnoreCase(hub) && Arrays.equals(v.signature, signature);
  }

  @Override
  public int hashCode() {
    return owner.toLowerCase().hashCode() * 31 + Long.hashCode(cumulativeAmount);
  }

  @Override
  public String toString() {
    return "Voucher[" + owner + " cumulative " + cumulativeAmount + " on " + chainId + "/" + hub + "]";
  }
}
