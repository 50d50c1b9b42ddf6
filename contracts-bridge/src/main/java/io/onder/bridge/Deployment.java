package io.onder.bridge;

import io.onder.bridge.contracts.ChannelHub;
import io.onder.bridge.contracts.DerToken;
import io.onder.bridge.contracts.DeviceRegistry;
import io.onder.bridge.contracts.ServiceMarket;
import java.math.BigInteger;
import org.web3j.crypto.Credentials;
import org.web3j.tx.gas.ContractGasProvider;

/**
 * The four contracts, deployed and wired: DER to {@code admin}, a service market with the default curves, a channel
 * hub whose vouchers are signed by {@code hubSigner} and batches sent by {@code operator}, a device registry.
 */
public record Deployment(DerToken der, ServiceMarket market, ChannelHub hub, DeviceRegistry registry) {

  /** Default market curves: 0.01 DER per S* at supply 0, doubling at 10^9 S*; Out curve 90 % of In; 1 % fee. */
  public record Curves(BigInteger basePrice, BigInteger slopeNum, BigInteger slopeDen, BigInteger outNum,
      BigInteger outDen, BigInteger feeBps) {
    public static Curves defaults() {
      return new Curves(BigInteger.TEN.pow(10), BigInteger.ONE, BigInteger.valueOf(100_000), BigInteger.valueOf(9),
          BigInteger.TEN, BigInteger.valueOf(100));
    }
  }

  public static final long GAS_LIMIT = 29_000_000L;

  public static Deployment deploy(Chain chain, Credentials admin, String hubSigner, String operator, String creatorsFund)
      throws Exception {
    ContractGasProvider gas = chain.gasProvider(GAS_LIMIT);
    var tm = chain.txManager(admin);
    var web3j = chain.web3j();
    DerToken der = DerToken.deploy(web3j, tm, gas, admin.getAddress()).send();
    Curves c = Curves.defaults();
    ServiceMarket market = ServiceMarket.deploy(web3j, tm, gas, der.getContractAddress(), c.basePrice(), c.slopeNum(),
        c.slopeDen(), c.outNum(), c.outDen(), c.feeBps(), creatorsFund, admin.getAddress()).send();
    ChannelHub hub = ChannelHub.deploy(web3j, tm, gas, market.getContractAddress(), hubSigner, operator, admin.getAddress()).send();
    DeviceRegistry registry = DeviceRegistry.deploy(web3j, tm, gas, admin.getAddress()).send();
    return new Deployment(der, market, hub, registry);
  }

  /** Stakes DER from {@code admin} for {@code amount} S* and deposits it all into the hub. */
  public void fundHub(Chain chain, Credentials admin, long amount) throws Exception {
    ContractGasProvider gas = chain.gasProvider(GAS_LIMIT);
    var tm = chain.txManager(admin);
    ServiceMarket m = ServiceMarket.load(market.getContractAddress(), chain.web3j(), tm, gas);
    DerToken d = DerToken.load(der.getContractAddress(), chain.web3j(), tm, gas);
    ChannelHub h = ChannelHub.load(hub.getContractAddress(), chain.web3j(), tm, gas);
    BigInteger amt = BigInteger.valueOf(amount);
    var quote = m.quoteMint(amt).send();
    BigInteger pay = quote.component1().add(quote.component2());
    d.approve(m.getContractAddress(), pay).send();
    m.mint(amt, pay).send();
    m.approve(h.getContractAddress(), amt).send();
    h.deposit(amt).send();
  }
}
