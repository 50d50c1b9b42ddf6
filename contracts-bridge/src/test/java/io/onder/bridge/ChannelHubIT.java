package io.onder.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.bridge.contracts.ChannelHub;
import io.onder.stack.Server;
import io.onder.testkit.RealServers;
import io.onder.testkit.TestAnvil;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.utils.Numeric;

@RealServers(Server.ANVIL)
class ChannelHubIT {
  private static final byte[] REF = new byte[32];
  private Fixture f;
  private ChannelHub op;

  @BeforeEach
  void deploy(TestAnvil anvil) throws Exception {
    f = Fixture.deploy(anvil);
    op = f.hub(f.operator);
    f.fundHub(10_000_000);
  }

  @AfterEach
  void close() {
    f.close();
  }

  private HubSettler settler() {
    return new HubSettler(f.chain, op, new BatchPlanner(f.chain, op, 1000, 1000));
  }

  private static BigInteger big(long v) {
    return BigInteger.valueOf(v);
  }

  private static byte[] entries(long... indexThenCumulative) {
    ByteBuffer b = ByteBuffer.allocate(indexThenCumulative.length / 2 * 12);
    for (int i = 0; i < indexThenCumulative.length; i += 2) b.putInt((int) indexThenCumulative[i]).putLong(indexThenCumulative[i + 1]);
    return b.array();
  }

  private void assertConservation(List<String> owners) throws Exception {
    long credited = 0;
    for (String o : owners) credited += op.balanceOf(o).send().longValueExact();
    long held = f.sstar(op.getContractAddress());
    assertThat(held).as("hub holds exactly the uncredited deposit plus every credited balance")
        .isEqualTo(op.unallocated().send().longValueExact() + credited);
  }

  @Test
  void deposit_adds_to_the_uncredited_pool_and_zero_is_refused() throws Exception {
    assertThat(op.unallocated().send()).isEqualTo(big(10_000_000));
    assertThat(f.sstar(op.getContractAddress())).isEqualTo(10_000_000);
    f.assertReverts("ChannelHubZeroAmount", f.admin, op, f.hub(f.admin).deposit(BigInteger.ZERO));
  }

  @Test
  void a_batch_registers_new_owners_credits_them_and_each_withdraws_without_the_operator() throws Exception {
    String a = f.alice.getAddress();
    String b = f.bob.getAddress();
    var results = settler().settle("p1", List.of(new Owed(a, 1_000), new Owed(b, 2_500)));
    assertThat(results).hasSize(1);
    assertThat(results.get(0).payees()).isEqualTo(2);
    assertThat(results.get(0).paidTotal()).isEqualTo(3_500);
    assertThat(op.ownerCount().send()).isEqualTo(big(2));
    assertThat(op.indexOf(a).send().component2()).isEqualTo(big(0));
    assertThat(op.paidOf(b).send()).isEqualTo(big(2_500));
    assertThat(op.balanceOf(a).send()).isEqualTo(big(1_000));
    assertThat(op.unallocated().send()).isEqualTo(big(10_000_000 - 3_500));
    assertConservation(List.of(a, b));

    // the owner takes its tokens itself; the operator is not involved
    var receipt = f.hub(f.alice).withdraw(a).send();
    assertThat(ChannelHub.getWithdrawnEvents(receipt).get(0).amount).isEqualTo(big(1_000));
    assertThat(f.sstar(a)).isEqualTo(1_000);
    assertThat(op.balanceOf(a).send()).isZero();
    assertThat(op.withdrawnOf(a).send()).isEqualTo(big(1_000));
    // anyone may push bob's balance to bob, never elsewhere
    f.hub(f.carol).withdraw(b).send();
    assertThat(f.sstar(b)).isEqualTo(2_500);
    assertThat(f.sstar(f.carol.getAddress())).isZero();
    f.assertReverts("ChannelHubNothingToWithdraw", f.alice, op, f.hub(f.alice).withdraw(a));
    f.assertReverts("ChannelHubUnknownOwner", f.carol, op, f.hub(f.carol).withdraw(f.carol.getAddress()));
    assertConservation(List.of(a, b));
  }

  @Test
  void the_batch_event_records_every_payout() throws Exception {
    String a = f.alice.getAddress();
    String b = f.bob.getAddress();
    settler().settle("p1", List.of(new Owed(a, 1_000), new Owed(b, 2_500)));
    var r = op.settleBatch(big(2), List.of(), entries(0, 1_700, 1, 2_500), REF).send();
    var e = ChannelHub.getBatchSettledEvents(r).get(0);
    assertThat(e.payees).isEqualTo(big(1));
    assertThat(e.total).isEqualTo(big(700));
    ByteBuffer p = ByteBuffer.wrap(e.payouts);
    assertThat(e.payouts).hasSize(12);
    assertThat(p.getInt()).isEqualTo(0);
    assertThat(p.getLong()).isEqualTo(700);
    assertThat(ChannelHub.getOwnerRegisteredEvents(op.settleBatch(big(2), List.of(f.carol.getAddress()),
        entries(2, 5), REF).send()).get(0).owner).isEqualToIgnoringCase(f.carol.getAddress());
  }

  @Test
  void settling_the_same_batch_again_pays_nothing_twice() throws Exception {
    List<Owed> owed = List.of(new Owed(f.alice.getAddress(), 1_000), new Owed(f.bob.getAddress(), 2_000));
    settler().settle("p1", owed);
    assertThat(settler().settle("p1", owed)).as("nothing left to pay: no transaction").isEmpty();
    // even the operator resubmitting the raw entries pays nothing
    var r = op.settleBatch(big(2), List.of(), entries(0, 1_000, 1, 2_000, 0, 1_000), REF).send();
    assertThat(ChannelHub.getBatchSettledEvents(r).get(0).total).isZero();
    assertThat(op.paidOf(f.alice.getAddress()).send()).isEqualTo(big(1_000));
    assertThat(op.unallocated().send()).isEqualTo(big(10_000_000 - 3_000));
  }

  @Test
  void a_lower_cumulative_amount_pays_nothing_and_a_higher_one_pays_only_the_difference() throws Exception {
    settler().settle("p1", List.of(new Owed(f.alice.getAddress(), 1_000)));
    var r = op.settleBatch(big(1), List.of(), entries(0, 400), REF).send();
    assertThat(ChannelHub.getBatchSettledEvents(r).get(0).payees).isZero();
    assertThat(op.paidOf(f.alice.getAddress()).send()).isEqualTo(big(1_000));
    op.settleBatch(big(1), List.of(), entries(0, 1_250), REF).send();
    assertThat(op.balanceOf(f.alice.getAddress()).send()).isEqualTo(big(1_250));
  }

  @Test
  void only_the_operator_settles_and_only_the_admin_changes_it() throws Exception {
    ChannelHub asAlice = f.hub(f.alice);
    f.assertReverts("ChannelHubNotOperator", f.alice, op, asAlice.settleBatch(big(0), List.of(f.alice.getAddress()), entries(0, 1), REF));
    f.assertReverts("OwnableUnauthorizedAccount", f.operator, op, op.setOperator(f.alice.getAddress()));
    f.assertReverts("ChannelHubZeroAddress", f.admin, op, f.hub(f.admin).setOperator("0x0000000000000000000000000000000000000000"));
    f.hub(f.admin).setOperator(f.alice.getAddress()).send();
    assertThat(op.operator().send()).isEqualToIgnoringCase(f.alice.getAddress());
    f.assertReverts("none", f.alice, op, asAlice.settleBatch(big(0), List.of(f.alice.getAddress()), entries(0, 1), REF));
    f.assertReverts("ChannelHubNotOperator", f.operator, op, op.settleBatch(big(0), List.of(f.alice.getAddress()), entries(0, 1), REF));
  }

  @Test
  void malformed_batches_revert() throws Exception {
    String a = f.alice.getAddress();
    f.assertReverts("ChannelHubOwnerCountMismatch", f.operator, op, op.settleBatch(big(1), List.of(a), entries(0, 1), REF));
    f.assertReverts("ChannelHubZeroAddress", f.operator, op,
        op.settleBatch(big(0), List.of("0x0000000000000000000000000000000000000000"), entries(), REF));
    f.assertReverts("ChannelHubOwnerExists", f.operator, op, op.settleBatch(big(0), List.of(a, a), entries(), REF));
    f.assertReverts("ChannelHubMalformedEntries", f.operator, op, op.settleBatch(big(0), List.of(a), new byte[13], REF));
    f.assertReverts("ChannelHubUnknownIndex", f.operator, op, op.settleBatch(big(0), List.of(a), entries(0, 5, 1, 5), REF));
    f.assertReverts("ChannelHubInsufficientDeposit", f.operator, op, op.settleBatch(big(0), List.of(a), entries(0, 10_000_001), REF));
    op.settleBatch(big(0), List.of(a), entries(0, 5), REF).send();
    f.assertReverts("ChannelHubOwnerExists", f.operator, op, op.settleBatch(big(1), List.of(a), entries(), REF));
    f.assertReverts("ChannelHubOwnerCountMismatch", f.operator, op, op.settleBatch(big(0), List.of(f.bob.getAddress()), entries(), REF));
  }

  @Test
  void unsorted_and_repeated_entries_pay_each_owner_once() throws Exception {
    List<String> owners = new ArrayList<>();
    for (int i = 0; i < 9; i++) owners.add(Keys.toChecksumAddress(Numeric.toHexStringWithPrefixZeroPadded(BigInteger.valueOf(1000 + i), 40)));
    op.settleBatch(big(0), owners, entries(), REF).send();
    var r = op.settleBatch(big(9), List.of(), entries(8, 80, 0, 10, 5, 50, 0, 10, 4, 40, 8, 85, 1, 11), REF).send();
    var e = ChannelHub.getBatchSettledEvents(r).get(0);
    assertThat(e.total).isEqualTo(big(85 + 10 + 50 + 40 + 11));
    long[] expected = {10, 11, 0, 0, 40, 50, 0, 0, 85};
    for (int i = 0; i < 9; i++) assertThat(op.paidOfIndex(big(i)).send()).as("index " + i).isEqualTo(big(expected[i]));
    assertConservation(owners);
  }

  @Test
  void a_batch_larger_than_a_transaction_pays_every_owner_exactly_what_is_due_across_transactions() throws Exception {
    List<String> owners = new ArrayList<>();
    for (int i = 0; i < 23; i++) owners.add(Numeric.toHexStringWithPrefixZeroPadded(BigInteger.valueOf(5000 + i), 40));
    // some owners were paid before: two in full, one in part
    settler().settle("earlier", List.of(new Owed(owners.get(3), 30), new Owed(owners.get(10), 1_000), new Owed(owners.get(17), 170)));
    List<Owed> owed = new ArrayList<>();
    for (int i = 0; i < owners.size(); i++) owed.add(new Owed(owners.get(i), i == 10 ? 1_500 : i == 20 ? 0 : i * 10L));
    owed.add(new Owed(owners.get(5), 55)); // a repeat: the larger amount counts
    // at most 4 owners a transaction, of which at most 2 first-time: the plan must go on from where the last one stopped
    HubSettler small = new HubSettler(f.chain, op, new BatchPlanner(f.chain, op, 4, 2));
    var txs = small.settle("big", owed);
    assertThat(txs).allMatch(HubSettler.TxResult::confirmed);
    assertThat(txs.size()).as("18 first-time owners (two are owed nothing), 2 a transaction").isBetween(9, 10);
    for (int i = 0; i < owners.size(); i++) {
      long expected = i == 10 ? 1_500 : i == 20 ? 0 : i == 5 ? 55 : i * 10L;
      assertThat(op.paidOf(owners.get(i)).send()).as("owner " + i).isEqualTo(big(expected));
    }
    long paidNow = txs.stream().mapToLong(HubSettler.TxResult::paidTotal).sum();
    long dueNow = 0;
    for (int i = 0; i < owners.size(); i++) dueNow += i == 10 ? 500 : i == 20 || i == 3 ? 0 : i == 17 ? 0 : i == 5 ? 55 : i * 10L;
    assertThat(paidNow).as("only what was still due").isEqualTo(dueNow);
    assertThat(small.settle("big", owed)).as("a whole pass finds nothing due").isEmpty();
    assertConservation(owners);
  }

  @Test
  void a_voucher_is_redeemed_by_its_owner_without_the_hub_and_only_once() throws Exception {
    Voucher v = f.signer().sign(f.alice.getAddress(), 3_000);
    assertThat(op.voucherDigest(f.alice.getAddress(), big(3_000)).send())
        .isEqualTo(VoucherSigner.digest(VoucherSigner.domainSeparator("Onder ChannelHub", "1", f.chain.chainId(),
            op.getContractAddress()), f.alice.getAddress(), 3_000));
    ChannelHub asAlice = f.hub(f.alice);
    var r = asAlice.redeem(f.alice.getAddress(), big(3_000), v.signature()).send();
    assertThat(ChannelHub.getVoucherRedeemedEvents(r).get(0).amount).isEqualTo(big(3_000));
    assertThat(f.sstar(f.alice.getAddress())).isEqualTo(3_000);
    f.assertReverts("ChannelHubStaleVoucher", f.alice, op, asAlice.redeem(f.alice.getAddress(), big(3_000), v.signature()));
    // a newer voucher pays only the difference
    Voucher v2 = f.signer().sign(f.alice.getAddress(), 4_200);
    f.hub(f.bob).redeem(f.alice.getAddress(), big(4_200), v2.signature()).send(); // relayed by someone else
    assertThat(f.sstar(f.alice.getAddress())).isEqualTo(4_200);
    assertThat(f.sstar(f.bob.getAddress())).isZero();
    assertThat(op.unallocated().send()).isEqualTo(big(10_000_000 - 4_200));
  }

  @Test
  void replayed_or_forged_vouchers_are_refused() throws Exception {
    String a = f.alice.getAddress();
    ChannelHub asAlice = f.hub(f.alice);
    Voucher newer = f.signer().sign(a, 2_000);
    asAlice.redeem(a, big(2_000), newer.signature()).send();

    Voucher older = f.signer().sign(a, 1_500);
    f.assertReverts("ChannelHubStaleVoucher", f.alice, op, asAlice.redeem(a, big(1_500), older.signature()));

    Voucher otherChain = new VoucherSigner(f.hubKey, f.chain.chainId() + 1, op.getContractAddress()).sign(a, 9_000);
    f.assertReverts("ChannelHubBadSignature", f.alice, op, asAlice.redeem(a, big(9_000), otherChain.signature()));

    Voucher otherHub = new VoucherSigner(f.hubKey, f.chain.chainId(), f.d.registry().getContractAddress()).sign(a, 9_000);
    f.assertReverts("ChannelHubBadSignature", f.alice, op, asAlice.redeem(a, big(9_000), otherHub.signature()));
    // the same voucher on a second hub, deployed with the same signer
    Deployment second = Deployment.deploy(f.chain, f.admin, f.hubKey.getAddress(), f.operator.getAddress(), f.fund.getAddress());
    ChannelHub secondHub = ChannelHub.load(second.hub().getContractAddress(), f.chain.web3j(), f.chain.txManager(f.alice),
        f.chain.gasProvider(Deployment.GAS_LIMIT));
    f.assertReverts("ChannelHubBadSignature", f.alice, secondHub, secondHub.redeem(a, big(2_000), newer.signature()));

    Voucher forged = new VoucherSigner(f.alice, f.chain.chainId(), op.getContractAddress()).sign(a, 9_000);
    f.assertReverts("ChannelHubBadSignature", f.alice, op, asAlice.redeem(a, big(9_000), forged.signature()));
    // a genuine voucher for alice does not pay bob, nor alice more than it says
    Voucher forAlice = f.signer().sign(a, 9_000);
    f.assertReverts("ChannelHubBadSignature", f.bob, op, f.hub(f.bob).redeem(f.bob.getAddress(), big(9_000), forAlice.signature()));
    f.assertReverts("ChannelHubBadSignature", f.alice, op, asAlice.redeem(a, big(9_001), forAlice.signature()));
    // malformed signatures
    f.assertReverts("ChannelHubBadSignature", f.alice, op, asAlice.redeem(a, big(9_000), new byte[64]));
    byte[] badV = forAlice.signature();
    badV[64] = 29;
    f.assertReverts("ChannelHubBadSignature", f.alice, op, asAlice.redeem(a, big(9_000), badV));
    f.assertReverts("ChannelHubAmountTooLarge", f.alice, op, asAlice.redeem(a, BigInteger.TWO.pow(64), forAlice.signature()));

    assertThat(f.sstar(a)).isEqualTo(2_000);
    asAlice.redeem(a, big(9_000), forAlice.signature()).send();
    assertThat(f.sstar(a)).isEqualTo(9_000);
  }

  @Test
  void a_voucher_after_a_batch_pays_the_difference_plus_the_unwithdrawn_credit() throws Exception {
    String a = f.alice.getAddress();
    settler().settle("p1", List.of(new Owed(a, 1_000)));
    Voucher v = f.signer().sign(a, 1_600);
    f.hub(f.alice).redeem(a, big(1_600), v.signature()).send();
    assertThat(f.sstar(a)).as("600 new + 1,000 credited, never withdrawn").isEqualTo(1_600);
    assertThat(op.balanceOf(a).send()).isZero();
    // a later batch with the same cumulative amount pays nothing
    var r = op.settleBatch(big(1), List.of(), entries(0, 1_600), REF).send();
    assertThat(ChannelHub.getBatchSettledEvents(r).get(0).total).isZero();
    f.assertReverts("ChannelHubStaleVoucher", f.alice, op, f.hub(f.alice).redeem(a, big(1_600), v.signature()));
    assertConservation(List.of(a));
  }

  @Test
  void a_voucher_beyond_the_deposit_is_refused() throws Exception {
    Voucher v = f.signer().sign(f.alice.getAddress(), 10_000_001);
    f.assertReverts("ChannelHubInsufficientDeposit", f.alice, op, f.hub(f.alice).redeem(f.alice.getAddress(), big(10_000_001), v.signature()));
  }

  @Test
  void the_admin_reclaims_only_uncredited_deposit() throws Exception {
    settler().settle("p1", List.of(new Owed(f.alice.getAddress(), 9_000_000)));
    ChannelHub asAdmin = f.hub(f.admin);
    f.assertReverts("OwnableUnauthorizedAccount", f.operator, op, op.reclaim(f.operator.getAddress(), big(1)));
    f.assertReverts("ChannelHubInsufficientDeposit", f.admin, op, asAdmin.reclaim(f.admin.getAddress(), big(1_000_001)));
    f.assertReverts("ChannelHubZeroAddress", f.admin, op, asAdmin.reclaim("0x0000000000000000000000000000000000000000", big(1)));
    long before = f.sstar(f.carol.getAddress());
    asAdmin.reclaim(f.carol.getAddress(), big(1_000_000)).send();
    assertThat(f.sstar(f.carol.getAddress()) - before).isEqualTo(1_000_000);
    assertThat(op.unallocated().send()).isZero();
    f.hub(f.alice).withdraw(f.alice.getAddress()).send();
    assertThat(f.sstar(f.alice.getAddress())).isEqualTo(9_000_000);
  }

  @Test
  void random_batches_and_vouchers_never_pay_more_than_the_largest_cumulative_amount() throws Exception {
    Random rnd = new Random(42);
    Credentials[] people = {f.alice, f.bob, f.carol};
    long[] owed = new long[3];
    for (int round = 0; round < 30; round++) {
      int who = rnd.nextInt(3);
      owed[who] += rnd.nextInt(5_000);
      String addr = people[who].getAddress();
      switch (rnd.nextInt(3)) {
        case 0 -> settler().settle("r" + round, List.of(new Owed(addr, owed[who])));
        case 1 -> {
          if (owed[who] > op.paidOf(addr).send().longValueExact()) {
            f.hub(people[who]).redeem(addr, big(owed[who]), f.signer().sign(addr, owed[who]).signature()).send();
          }
        }
        default -> {
          if (op.balanceOf(addr).send().signum() > 0) f.hub(people[who]).withdraw(addr).send();
        }
      }
    }
    long out = 0;
    for (int i = 0; i < 3; i++) {
      String addr = people[i].getAddress();
      long paid = op.paidOf(addr).send().longValueExact();
      assertThat(paid).isLessThanOrEqualTo(owed[i]);
      assertThat(f.sstar(addr) + op.balanceOf(addr).send().longValueExact()).isEqualTo(paid);
      out += paid;
    }
    assertThat(op.unallocated().send()).isEqualTo(big(10_000_000 - out));
    assertConservation(List.of(f.alice.getAddress(), f.bob.getAddress(), f.carol.getAddress()));
  }
}
