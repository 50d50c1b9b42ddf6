package io.onder.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.bridge.contracts.ChannelHub;
import io.onder.bridge.contracts.DerToken;
import io.onder.bridge.contracts.DeviceRegistry;
import io.onder.bridge.contracts.ServiceMarket;
import io.onder.testkit.TestAnvil;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.RemoteFunctionCall;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.tx.Contract;
import org.web3j.tx.gas.ContractGasProvider;

/**
 * A fresh set of contracts on the shared real anvil, with named roles from the node's prefunded accounts
 * (derived from its mnemonic, which is never printed), and helpers to act as any role and to assert custom-error
 * reverts by name.
 */
final class Fixture implements AutoCloseable {
  final Chain chain;
  final Credentials admin;
  final Credentials hubKey;
  final Credentials operator;
  final Credentials alice;
  final Credentials bob;
  final Credentials carol;
  final Credentials manufacturer;
  final Credentials fund;
  final Deployment d;
  private final ContractGasProvider gas;

  private Fixture(TestAnvil anvil) throws Exception {
    String m = anvil.mnemonic();
    admin = GasBench.account(m, 0);
    hubKey = GasBench.account(m, 1);
    operator = GasBench.account(m, 2);
    alice = GasBench.account(m, 3);
    bob = GasBench.account(m, 4);
    carol = GasBench.account(m, 5);
    manufacturer = GasBench.account(m, 6);
    fund = GasBench.account(m, 7);
    chain = new Chain(anvil.rpcUrl(), anvil.chainId(), operator, 1, Duration.ofSeconds(30));
    gas = chain.gasProvider(Deployment.GAS_LIMIT);
    d = Deployment.deploy(chain, admin, hubKey.getAddress(), operator.getAddress(), fund.getAddress());
  }

  static Fixture deploy(TestAnvil anvil) throws Exception {
    return new Fixture(anvil);
  }

  ChannelHub hub(Credentials who) {
    return ChannelHub.load(d.hub().getContractAddress(), chain.web3j(), chain.txManager(who), gas);
  }

  ServiceMarket market(Credentials who) {
    return ServiceMarket.load(d.market().getContractAddress(), chain.web3j(), chain.txManager(who), gas);
  }

  DerToken der(Credentials who) {
    return DerToken.load(d.der().getContractAddress(), chain.web3j(), chain.txManager(who), gas);
  }

  DeviceRegistry registry(Credentials who) {
    return DeviceRegistry.load(d.registry().getContractAddress(), chain.web3j(), chain.txManager(who), gas);
  }

  VoucherSigner signer() {
    return new VoucherSigner(hubKey, chain.chainId(), d.hub().getContractAddress());
  }

  /** S* balance of an address. */
  long sstar(String who) throws Exception {
    return d.market().balanceOf(who).send().longValueExact();
  }

  /** Gives {@code who} {@code amount} S* minted from the admin's DER. */
  void giveSstar(Credentials who, long amount) throws Exception {
    var q = market(admin).quoteMint(BigInteger.valueOf(amount)).send();
    BigInteger pay = q.component1().add(q.component2());
    der(admin).approve(d.market().getContractAddress(), pay).send();
    market(admin).mint(BigInteger.valueOf(amount), pay).send();
    market(admin).transfer(who.getAddress(), BigInteger.valueOf(amount)).send();
  }

  /** Deposits {@code amount} S* into the hub (minted for the admin). */
  void fundHub(long amount) throws Exception {
    d.fundHub(chain, admin, amount);
  }

  /** The custom error {@code from} would hit calling {@code call} now, or "none". */
  String revertOf(Credentials from, Contract contract, RemoteFunctionCall<?> call) throws IOException {
    EthCall r = chain.web3j().ethCall(Transaction.createEthCallTransaction(from.getAddress(), contract.getContractAddress(),
        call.encodeFunctionCall()), DefaultBlockParameterName.LATEST).send();
    if (!r.hasError() && !r.isReverted()) return "none";
    String data = r.hasError() ? r.getError().getData() : r.getRevertReason();
    if (data != null && data.startsWith("\"")) data = data.replace("\"", "");
    return HubErrors.name(data);
  }

  void assertReverts(String error, Credentials from, Contract contract, RemoteFunctionCall<?> call) throws IOException {
    assertThat(revertOf(from, contract, call)).as("revert of the call").isEqualTo(error);
  }

  @Override
  public void close() {
    chain.close();
  }
}
