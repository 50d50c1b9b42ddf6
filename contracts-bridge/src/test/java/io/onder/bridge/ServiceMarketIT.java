package io.onder.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onder.bridge.contracts.DerToken;
import io.onder.bridge.contracts.ServiceMarket;
import io.onder.stack.Server;
import io.onder.testkit.RealServers;
import io.onder.testkit.TestAnvil;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;

@RealServers(Server.ANVIL)
class ServiceMarketIT {
  private static final BigInteger MAX = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);
  private static final Deployment.Curves C = Deployment.Curves.defaults();
  private Fixture f;
  private ServiceMarket market;

  @BeforeEach
  void deploy(TestAnvil anvil) throws Exception {
    f = Fixture.deploy(anvil);
    market = f.d.market();
  }

  @AfterEach
  void close() {
    f.close();
  }

  // ---- the exact integer model the contract must match
  private static BigInteger twiceArea(BigInteger s, BigInteger n) {
    return BigInteger.TWO.multiply(C.basePrice()).multiply(C.slopeDen()).multiply(n)
        .add(C.slopeNum().multiply(n).multiply(s.shiftLeft(1).add(n)));
  }

  private static BigInteger ceilDiv(BigInteger a, BigInteger b) {
    return a.add(b).subtract(BigInteger.ONE).divide(b);
  }

  static BigInteger modelCost(BigInteger s, BigInteger n) {
    return ceilDiv(twiceArea(s, n), C.slopeDen().shiftLeft(1));
  }

  static BigInteger modelFee(BigInteger cost) {
    return ceilDiv(cost.multiply(C.feeBps()), BigInteger.valueOf(10_000));
  }

  static BigInteger modelRefund(BigInteger s, BigInteger n) {
    return twiceArea(s.subtract(n), n).multiply(C.outNum()).divide(C.slopeDen().shiftLeft(1).multiply(C.outDen()));
  }

  private ServiceMarket as(Credentials who) throws Exception {
    f.der(f.admin).transfer(who.getAddress(), BigInteger.TEN.pow(18 + 7)).send();
    f.der(who).approve(market.getContractAddress(), MAX).send();
    return f.market(who);
  }

  private static BigInteger big(long v) {
    return BigInteger.valueOf(v);
  }

  @Test
  void s_star_has_six_decimals_and_knows_its_curves() throws Exception {
    assertThat(market.decimals().send()).isEqualTo(big(6));
    assertThat(market.symbol().send()).isEqualTo("SFLEX");
    assertThat(market.der().send()).isEqualToIgnoringCase(f.d.der().getContractAddress());
    assertThat(market.outNum().send()).isLessThan(market.outDen().send());
    assertThat(market.totalSupply().send()).isZero();
  }

  @Test
  void a_market_with_an_out_curve_not_below_the_in_curve_cannot_be_deployed() {
    assertThatThrownBy(() -> ServiceMarket.deploy(f.chain.web3j(), f.chain.txManager(f.admin), f.chain.gasProvider(5_000_000),
        f.d.der().getContractAddress(), C.basePrice(), C.slopeNum(), C.slopeDen(), big(10), big(10), C.feeBps(),
        f.fund.getAddress(), f.admin.getAddress()).send()).isInstanceOf(Exception.class);
    assertThatThrownBy(() -> ServiceMarket.deploy(f.chain.web3j(), f.chain.txManager(f.admin), f.chain.gasProvider(5_000_000),
        f.d.der().getContractAddress(), C.basePrice(), C.slopeNum(), C.slopeDen(), C.outNum(), C.outDen(), C.feeBps(),
        "0x0000000000000000000000000000000000000000", f.admin.getAddress()).send()).isInstanceOf(Exception.class);
  }

  @Test
  void mint_stakes_der_pays_the_fee_to_the_creators_fund_and_redeem_pays_the_lower_out_curve() throws Exception {
    ServiceMarket alice = as(f.alice);
    DerToken der = f.d.der();
    BigInteger n = big(5_000_000_000L); // 5,000 S*
    BigInteger cost = modelCost(BigInteger.ZERO, n);
    BigInteger fee = modelFee(cost);
    var q = market.quoteMint(n).send();
    assertThat(q.component1()).isEqualTo(cost);
    assertThat(q.component2()).isEqualTo(fee);
    BigInteger fundBefore = der.balanceOf(f.fund.getAddress()).send();
    BigInteger aliceBefore = der.balanceOf(f.alice.getAddress()).send();
    var r = alice.mint(n, cost.add(fee)).send();
    assertThat(ServiceMarket.getMintedEvents(r).get(0).cost).isEqualTo(cost);
    assertThat(market.balanceOf(f.alice.getAddress()).send()).isEqualTo(n);
    assertThat(der.balanceOf(f.fund.getAddress()).send().subtract(fundBefore)).isEqualTo(fee);
    assertThat(aliceBefore.subtract(der.balanceOf(f.alice.getAddress()).send())).isEqualTo(cost.add(fee));
    assertThat(market.reserve().send()).isEqualTo(cost).isEqualTo(der.balanceOf(market.getContractAddress()).send());

    BigInteger refund = modelRefund(n, n);
    assertThat(market.quoteRedeem(n).send()).isEqualTo(refund);
    assertThat(refund).isLessThan(cost);
    var rr = alice.redeem(n, refund).send();
    assertThat(ServiceMarket.getRedeemedEvents(rr).get(0).refund).isEqualTo(refund);
    assertThat(market.totalSupply().send()).isZero();
    assertThat(market.reserve().send()).isEqualTo(cost.subtract(refund));
  }

  @Test
  void mint_and_redeem_refuse_bad_requests() throws Exception {
    ServiceMarket alice = as(f.alice);
    f.assertReverts("ServiceMarketZeroAmount", f.alice, market, alice.mint(BigInteger.ZERO, MAX));
    BigInteger n = big(1_000_000);
    var q = market.quoteMint(n).send();
    f.assertReverts("ServiceMarketSlippage", f.alice, market, alice.mint(n, q.component1().add(q.component2()).subtract(BigInteger.ONE)));
    f.assertReverts("ServiceMarketSupplyCap", f.alice, market, alice.mint(BigInteger.TWO.pow(63), MAX));
    f.assertReverts("ERC20InsufficientAllowance", f.bob, market, f.market(f.bob).mint(n, MAX));
    alice.mint(n, MAX).send();
    f.assertReverts("ServiceMarketZeroAmount", f.alice, market, alice.redeem(BigInteger.ZERO, BigInteger.ZERO));
    f.assertReverts("ServiceMarketSupplyCap", f.alice, market, alice.redeem(n.add(BigInteger.ONE), BigInteger.ZERO));
    f.assertReverts("ServiceMarketRefundTooLow", f.alice, market, alice.redeem(n, MAX));
    f.assertReverts("ERC20InsufficientBalance", f.bob, market, f.market(f.bob).redeem(n, BigInteger.ZERO));
  }

  @Test
  void only_the_admin_moves_the_creators_fund() throws Exception {
    f.assertReverts("OwnableUnauthorizedAccount", f.alice, market, f.market(f.alice).setCreatorsFund(f.alice.getAddress()));
    f.assertReverts("ServiceMarketZeroFund", f.admin, market, f.market(f.admin).setCreatorsFund("0x0000000000000000000000000000000000000000"));
    f.market(f.admin).setCreatorsFund(f.bob.getAddress()).send();
    assertThat(market.creatorsFund().send()).isEqualToIgnoringCase(f.bob.getAddress());
  }

  /**
   * Property: over seeded random sequences of mints and redemptions by several holders (amounts from one base unit
   * to 10^12, to probe rounding and large values), the contract's quotes equal the exact model, the reserve always
   * covers redeeming the whole supply, and the DER taken out never exceeds the DER staked.
   */
  @Test
  void no_sequence_of_mints_and_redemptions_extracts_more_der_than_was_staked() throws Exception {
    Credentials[] people = {f.alice, f.bob, f.carol};
    ServiceMarket[] as = {as(f.alice), as(f.bob), as(f.carol)};
    Random rnd = new Random(20261121L);
    BigInteger staked = BigInteger.ZERO;
    BigInteger out = BigInteger.ZERO;
    for (int step = 0; step < 120; step++) {
      int who = rnd.nextInt(people.length);
      BigInteger supply = market.totalSupply().send();
      BigInteger holding = market.balanceOf(people[who].getAddress()).send();
      boolean mint = holding.signum() == 0 || rnd.nextInt(5) < 3;
      if (mint) {
        BigInteger n = randomAmount(rnd);
        BigInteger cost = modelCost(supply, n);
        var q = market.quoteMint(n).send();
        assertThat(q.component1()).as("mint cost at supply %s for %s", supply, n).isEqualTo(cost);
        assertThat(q.component2()).isEqualTo(modelFee(cost));
        as[who].mint(n, MAX).send();
        staked = staked.add(cost);
      } else {
        BigInteger n = rnd.nextInt(4) == 0 ? holding : BigInteger.ONE.max(holding.multiply(big(rnd.nextInt(1000))).divide(big(1000)));
        BigInteger refund = modelRefund(supply, n);
        assertThat(market.quoteRedeem(n).send()).as("refund at supply %s for %s", supply, n).isEqualTo(refund);
        as[who].redeem(n, BigInteger.ZERO).send();
        out = out.add(refund);
      }
      BigInteger s = market.totalSupply().send();
      BigInteger reserve = market.reserve().send();
      assertThat(reserve).isEqualTo(f.d.der().balanceOf(market.getContractAddress()).send());
      assertThat(reserve).as("reserve covers redeeming everything").isGreaterThanOrEqualTo(modelRefund(s, s));
      assertThat(out).isLessThanOrEqualTo(staked);
    }
    // everyone leaves
    for (int i = 0; i < people.length; i++) {
      BigInteger h = market.balanceOf(people[i].getAddress()).send();
      if (h.signum() > 0) {
        out = out.add(market.quoteRedeem(h).send());
        as[i].redeem(h, BigInteger.ZERO).send();
      }
    }
    assertThat(market.totalSupply().send()).isZero();
    assertThat(out).isLessThanOrEqualTo(staked);
    assertThat(market.reserve().send()).isEqualTo(staked.subtract(out));
  }

  @Test
  void one_unit_round_trips_never_gain() throws Exception {
    ServiceMarket alice = as(f.alice);
    alice.mint(big(123_456_789), MAX).send(); // some supply so the slope matters
    Random rnd = new Random(7);
    for (int i = 0; i < 40; i++) {
      BigInteger n = i % 2 == 0 ? BigInteger.ONE : big(1 + rnd.nextInt(1000));
      BigInteger before = f.d.der().balanceOf(f.alice.getAddress()).send();
      alice.mint(n, MAX).send();
      alice.redeem(n, BigInteger.ZERO).send();
      assertThat(f.d.der().balanceOf(f.alice.getAddress()).send()).as("round trip of %s", n).isLessThan(before);
    }
  }

  private static BigInteger randomAmount(Random rnd) {
    return switch (rnd.nextInt(4)) {
      case 0 -> big(1 + rnd.nextInt(10));
      case 1 -> big(1 + rnd.nextInt(1_000_000));
      case 2 -> big(1 + (rnd.nextLong() >>> 1) % 1_000_000_000L);
      default -> big(1 + (rnd.nextLong() >>> 1) % 1_000_000_000_000L);
    };
  }
}
