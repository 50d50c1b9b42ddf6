package io.onder.bridge;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;

/**
 * Signs EIP-712 vouchers {@code Voucher(address owner,uint256 cumulativeAmount)} for one hub, exactly as the
 * ChannelHub contract verifies them (domain: name "Onder ChannelHub", version "1", chain id, hub address).
 * Holds the hub key; never prints it.
 */
public final class VoucherSigner {
  public static final String DOMAIN_NAME = "Onder ChannelHub";
  public static final String DOMAIN_VERSION = "1";
  private static final byte[] DOMAIN_TYPEHASH = keccak(
      "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
  private static final byte[] VOUCHER_TYPEHASH = keccak("Voucher(address owner,uint256 cumulativeAmount)");

  private final Credentials hubKey;
  private final long chainId;
  private final String hub;
  private final byte[] domainSeparator;

  public VoucherSigner(Credentials hubKey, long chainId, String hub) {
    this.hubKey = hubKey;
    this.chainId = chainId;
    this.hub = hub;
    this.domainSeparator = domainSeparator(DOMAIN_NAME, DOMAIN_VERSION, chainId, hub);
  }

  /** The address vouchers are signed by (the hub contract's immutable {@code signer}). */
  public String signerAddress() {
    return hubKey.getAddress();
  }

  public Voucher sign(String owner, long cumulativeAmount) {
    byte[] digest = digest(domainSeparator, owner, cumulativeAmount);
    Sign.SignatureData sig = Sign.signMessage(digest, hubKey.getEcKeyPair(), false);
    byte[] rsv = new byte[65];
    System.arraycopy(sig.getR(), 0, rsv, 0, 32);
    System.arraycopy(sig.getS(), 0, rsv, 32, 32);
    rsv[64] = sig.getV()[0];
    return new Voucher(owner.toLowerCase(), cumulativeAmount, chainId, hub.toLowerCase(), rsv);
  }

  /** Every owner's voucher, in order; signed on all cores (a secp256k1 signature takes about half a millisecond). */
  public java.util.List<Voucher> signAll(java.util.List<Owed> owed) {
    return owed.parallelStream().map(o -> sign(o.owner(), o.cumulativeAmount())).toList();
  }

  /** EIP-712 domain separator of a contract using OpenZeppelin's EIP712(name, version). */
  public static byte[] domainSeparator(String name, String version, long chainId, String contract) {
    return keccak(concat(DOMAIN_TYPEHASH, keccak(name), keccak(version), word(new Uint256(chainId)),
        word(new Address(contract))));
  }

  /** keccak256("\x19\x01" ‖ domainSeparator ‖ hashStruct(Voucher(owner, cumulativeAmount))). */
  public static byte[] digest(byte[] domainSeparator, String owner, long cumulativeAmount) {
    byte[] structHash = keccak(concat(VOUCHER_TYPEHASH, word(new Address(owner)),
        word(new Uint256(BigInteger.valueOf(cumulativeAmount)))));
    return Hash.sha3(concat(new byte[] {0x19, 0x01}, domainSeparator, structHash));
  }

  private static byte[] keccak(String s) {
    return Hash.sha3(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] keccak(byte[] b) {
    return Hash.sha3(b);
  }

  private static byte[] word(org.web3j.abi.datatypes.Type<?> t) {
    return org.web3j.utils.Numeric.hexStringToByteArray(TypeEncoder.encode(t));
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  @Override
  public String toString() {
    return "VoucherSigner[" + hubKey.getAddress() + " for " + chainId + "/" + hub + "]";
  }
}
