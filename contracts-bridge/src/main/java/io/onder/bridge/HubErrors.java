package io.onder.bridge;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/** The contracts' custom errors by 4-byte selector: web3j hands reverts back as raw data, this names them. */
public final class HubErrors {
  public static final String OWNER_COUNT_MISMATCH = selector("ChannelHubOwnerCountMismatch(uint256,uint256)");
  public static final String INSUFFICIENT_DEPOSIT = selector("ChannelHubInsufficientDeposit(uint256,uint256)");

  private static final Map<String, String> NAMES = new LinkedHashMap<>();

  static {
    for (String sig : new String[] {
        "ChannelHubNotOperator(address)", "ChannelHubZeroAddress()", "ChannelHubOwnerCountMismatch(uint256,uint256)",
        "ChannelHubOwnerExists(address)", "ChannelHubMalformedEntries(uint256)", "ChannelHubUnknownIndex(uint256)",
        "ChannelHubInsufficientDeposit(uint256,uint256)", "ChannelHubBadSignature()",
        "ChannelHubStaleVoucher(uint256,uint256)", "ChannelHubAmountTooLarge(uint256)", "ChannelHubUnknownOwner(address)",
        "ChannelHubNothingToWithdraw(address)", "ChannelHubZeroAmount()",
        "ServiceMarketBadParameters()", "ServiceMarketZeroAmount()", "ServiceMarketSupplyCap(uint256)",
        "ServiceMarketSlippage(uint256,uint256)", "ServiceMarketRefundTooLow(uint256,uint256)", "ServiceMarketZeroFund()",
        "DeviceRegistryZeroAddress()", "DeviceRegistryNotManufacturer(address)", "DeviceRegistryAlreadyAttested(address)",
        "DeviceRegistryNotAttested(address)", "DeviceRegistryAlreadyClaimed(address,address)",
        "DeviceRegistryBadSignature(address)", "DeviceRegistryNotOwner(address)", "DerTokenZeroHolder()",
        "OwnableUnauthorizedAccount(address)", "ERC20InsufficientBalance(address,uint256,uint256)",
        "ERC20InsufficientAllowance(address,uint256,uint256)", "ECDSAInvalidSignature()",
        "ECDSAInvalidSignatureLength(uint256)", "ECDSAInvalidSignatureS(bytes32)"}) {
      NAMES.put(selector(sig), sig.substring(0, sig.indexOf('(')));
    }
  }

  private HubErrors() {}

  public static String selector(String signature) {
    return Numeric.toHexString(Hash.sha3(signature.getBytes(StandardCharsets.UTF_8))).substring(0, 10);
  }

  /** The error's name for revert data such as "0x1234abcd…", or "unknown". */
  public static String name(String revertData) {
    if (revertData == null || revertData.length() < 10) return "unknown";
    return NAMES.getOrDefault(revertData.substring(0, 10).toLowerCase(), "unknown");
  }
}
