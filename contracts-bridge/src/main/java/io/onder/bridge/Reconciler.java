package io.onder.bridge;

import io.onder.bridge.contracts.ChannelHub;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.web3j.abi.EventEncoder;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.DefaultBlockParameterNumber;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Owner by owner: what the ledger owes (Cassandra {@code owed}), what the latest voucher says (and whether its
 * signature is the hub signer's for this chain and hub), and what the chain paid ({@code paidOf}). Every owner the
 * hub ever registered is included, so a payout the ledger does not know about shows up too. Any difference is a
 * mismatch: after a completed settlement the three agree.
 */
public final class Reconciler {
  public enum Status { OK, UNSETTLED, CHAIN_OVERPAID, NOT_IN_LEDGER, VOUCHER_MISSING, VOUCHER_STALE, VOUCHER_AHEAD, VOUCHER_INVALID }

  public record Line(String owner, long owed, Long voucher, long paid, Status status) {}

  private final ChannelHub hub;
  private final org.web3j.protocol.Web3j web3j;
  private final long chainId;
  private final long fromBlock;

  public Reconciler(ChannelHub hub, org.web3j.protocol.Web3j web3j, long chainId, long fromBlock) {
    this.hub = hub;
    this.web3j = web3j;
    this.chainId = chainId;
    this.fromBlock = fromBlock;
  }

  public List<Line> reconcile(Map<String, Long> owed, Map<String, Voucher> vouchers) throws Exception {
    TreeSet<String> owners = new TreeSet<>(owed.keySet());
    owners.addAll(vouchers.keySet());
    owners.addAll(registeredOwners());
    List<String> list = new ArrayList<>(owners);
    Map<String, BatchPlanner.OnChain> chain = BatchPlanner.read(web3j, hub.getContractAddress(), list);
    String signer = hub.signer().send();
    byte[] domain = VoucherSigner.domainSeparator(VoucherSigner.DOMAIN_NAME, VoucherSigner.DOMAIN_VERSION, chainId, hub.getContractAddress());
    List<Line> out = new ArrayList<>();
    for (String o : list) {
      Long ledger = owed.get(o);
      Voucher v = vouchers.get(o);
      long paid = chain.get(o).paid();
      Status s;
      if (ledger == null) s = paid > 0 ? Status.NOT_IN_LEDGER : v == null ? Status.OK : Status.VOUCHER_AHEAD;
      else if (paid > ledger) s = Status.CHAIN_OVERPAID;
      else if (v == null) s = ledger == 0 ? Status.OK : Status.VOUCHER_MISSING;
      else if (!validSignature(v, domain, signer)) s = Status.VOUCHER_INVALID;
      else if (v.cumulativeAmount() < ledger) s = Status.VOUCHER_STALE;
      else if (v.cumulativeAmount() > ledger) s = Status.VOUCHER_AHEAD;
      else if (paid < ledger) s = Status.UNSETTLED;
      else s = Status.OK;
      out.add(new Line(o, ledger == null ? 0 : ledger, v == null ? null : v.cumulativeAmount(), paid, s));
    }
    return out;
  }

  public static boolean allOk(List<Line> lines) {
    return lines.stream().allMatch(l -> l.status() == Status.OK);
  }

  public static String table(List<Line> lines) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-42s %16s %16s %16s  %s%n", "owner", "ledger owes", "voucher", "chain paid", "status"));
    for (Line l : lines) {
      b.append(String.format(Locale.ROOT, "%-42s %16d %16s %16d  %s%n", l.owner(), l.owed(), l.voucher() == null ? "-" : l.voucher(), l.paid(), l.status()));
    }
    long bad = lines.stream().filter(l -> l.status() != Status.OK).count();
    b.append(lines.size()).append(" owner(s), ").append(bad).append(" mismatch(es)\n");
    return b.toString();
  }

  /**
   * {@code Reconciler [bridge.properties]}: prints the table and exits 1 on any mismatch. Reads the same settings as
   * the bridge; needs no key.
   */
  public static void main(String[] args) throws Exception {
    System.exit(run(BridgeMain.config(args.length > 0 ? java.nio.file.Path.of(args[0]) : null), System.out) ? 0 : 1);
  }

  /** Reconciles the ledger, the vouchers and the chain as the bridge's configuration names them; prints the table. */
  public static boolean run(java.util.Properties c, java.io.PrintStream out) throws Exception {
    long chainId = Long.parseLong(c.getProperty("onder.bridge.chain-id"));
    String[] cass = c.getProperty("onder.bridge.cassandra.contact-point").split(":");
    var web3j = org.web3j.protocol.Web3j.build(new org.web3j.protocol.http.HttpService(c.getProperty("onder.bridge.rpc-url")));
    boolean ok;
    try (var session = com.datastax.oss.driver.api.core.CqlSession.builder()
        .addContactPoint(new java.net.InetSocketAddress(cass[0], Integer.parseInt(cass[1])))
        .withLocalDatacenter(c.getProperty("onder.bridge.cassandra.datacenter"))
        .withKeyspace(c.getProperty("onder.bridge.cassandra.keyspace")).build()) {
      ChannelHub hub = ChannelHub.load(c.getProperty("onder.bridge.hub"), web3j,
          new org.web3j.tx.ReadonlyTransactionManager(web3j, "0x0000000000000000000000000000000000000000"),
          new org.web3j.tx.gas.StaticGasProvider(BigInteger.ZERO, BigInteger.ZERO));
      SettlementStore store = new SettlementStore(session);
      List<Line> lines = new Reconciler(hub, web3j, chainId, Long.parseLong(c.getProperty("onder.bridge.from-block")))
          .reconcile(store.owed(), store.vouchers());
      out.print(table(lines));
      ok = allOk(lines);
    } finally {
      web3j.shutdown();
    }
    return ok;
  }

  private boolean validSignature(Voucher v, byte[] domain, String signer) {
    if (v.chainId() != chainId || !v.hub().equalsIgnoreCase(hub.getContractAddress())) return false;
    byte[] sig = v.signature();
    byte[] r = java.util.Arrays.copyOfRange(sig, 0, 32);
    byte[] s = java.util.Arrays.copyOfRange(sig, 32, 64);
    try {
      BigInteger key = Sign.signedMessageHashToKey(VoucherSigner.digest(domain, v.owner(), v.cumulativeAmount()),
          new Sign.SignatureData(sig[64], r, s));
      return ("0x" + Keys.getAddress(key)).equalsIgnoreCase(signer);
    } catch (Exception e) {
      return false;
    }
  }

  private List<String> registeredOwners() throws Exception {
    EthFilter filter = new EthFilter(new DefaultBlockParameterNumber(fromBlock), DefaultBlockParameterName.LATEST, hub.getContractAddress());
    filter.addSingleTopic(EventEncoder.encode(ChannelHub.OWNERREGISTERED_EVENT));
    EthLog logs = web3j.ethGetLogs(filter).send();
    if (logs.hasError()) throw new Chain.ChainException("getLogs: " + logs.getError().getMessage(), null);
    List<String> out = new ArrayList<>();
    for (EthLog.LogResult<?> lr : logs.getLogs()) {
      Log log = (Log) lr.get();
      out.add(("0x" + log.getTopics().get(1).substring(26)).toLowerCase());
    }
    return out;
  }
}
