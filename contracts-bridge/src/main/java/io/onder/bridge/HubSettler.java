package io.onder.bridge;

import io.onder.bridge.contracts.ChannelHub;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.EventEncoder;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.DefaultBlockParameterNumber;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Settles a ledger batch on the hub: plan from chain state, send, await the receipt, plan again, until a pass over
 * every owner finds nothing due. Every round reads the chain for the owners it plans (after a confirmed
 * transaction, from where the last plan stopped; at the end, all of them once more), so a retry, a restart after kill -9, or a transaction someone else got in
 * first never pays an owner twice and never skips one: the contract pays only cumulative minus already paid, and
 * a plan built on a stale owner count reverts instead of mis-assigning indices.
 */
public final class HubSettler {
  private static final Logger LOG = LoggerFactory.getLogger(HubSettler.class);
  private static final int MAX_ROUNDS = 1000;
  private static final int MAX_REVERTS = 5;

  private final Chain chain;
  private final ChannelHub hub;
  private final BatchPlanner planner;

  public HubSettler(Chain chain, ChannelHub hub, BatchPlanner planner) {
    this.chain = chain;
    this.hub = hub;
    this.planner = planner;
  }

  /** One settlement transaction's outcome. */
  public record TxResult(String txHash, long blockNumber, long gasUsed, int payees, long paidTotal, boolean confirmed,
      int entries, int newOwners) {}

  public static byte[] batchRef(String batchId) {
    return Hash.sha3(batchId.getBytes(StandardCharsets.UTF_8));
  }

  /** Pays everything still due on {@code owed}; returns the transactions this call sent (none if all was paid). */
  public List<TxResult> settle(String batchId, List<Owed> owed) throws Exception {
    byte[] ref = batchRef(batchId);
    List<Owed> due = BatchPlanner.distinct(owed);
    List<TxResult> results = new ArrayList<>();
    int reverts = 0;
    int from = 0; // owners before this position were paid by this call's confirmed transactions or needed nothing
    for (int round = 0; round < MAX_ROUNDS; round++) {
      BatchPlan plan = planner.plan(due, from);
      if (!plan.overpaid().isEmpty()) LOG.warn("batch {}: chain paid more than the ledger owes to {} owner(s)", batchId, plan.overpaid().size());
      if (plan.isEmpty()) {
        if (from == 0) return results; // a whole pass over the chain found nothing due
        from = 0;
        continue;
      }
      String data = plan.callData(ref);
      BigInteger gas;
      try {
        gas = chain.estimateGas(hub.getContractAddress(), data);
      } catch (Chain.ChainException e) {
        if (e.is(HubErrors.OWNER_COUNT_MISMATCH) && ++reverts <= MAX_REVERTS) continue; // someone registered: replan
        throw new IllegalStateException("batch " + batchId + " would revert: " + HubErrors.name(e.revertData()), e);
      }
      TxResult r = submit(data, gas, plan);
      results.add(r);
      if (r.confirmed()) from = plan.scannedTo();
      if (!r.confirmed() && ++reverts > MAX_REVERTS) throw new IllegalStateException("batch " + batchId + ": too many reverted transactions");
      LOG.info("batch {}: tx {} block {} paid {} owner(s) {} S* units, gas {}", batchId, r.txHash(), r.blockNumber(),
          r.payees(), r.paidTotal(), r.gasUsed());
    }
    throw new IllegalStateException("batch " + batchId + " still has amounts due after " + MAX_ROUNDS + " transactions");
  }

  private TxResult submit(String data, BigInteger gasEstimate, BatchPlan plan) throws IOException {
    BigInteger gasLimit = gasEstimate.multiply(BigInteger.valueOf(6)).divide(BigInteger.valueOf(5)).add(BigInteger.valueOf(20_000))
        .min(chain.blockGasLimit());
    String txHash = chain.send(chain.pendingNonce(), hub.getContractAddress(), data, gasLimit, chain.fees());
    return result(chain.awaitReceipt(txHash), plan.entries().size(), plan.newOwners().size());
  }

  static TxResult result(TransactionReceipt receipt, int entries, int newOwners) {
    int payees = 0;
    long paid = 0;
    if (receipt.isStatusOK()) {
      for (var e : ChannelHub.getBatchSettledEvents(receipt)) {
        payees += e.payees.intValueExact();
        paid += e.total.longValueExact();
      }
    }
    return new TxResult(receipt.getTransactionHash(), receipt.getBlockNumber().longValueExact(),
        receipt.getGasUsed().longValueExact(), payees, paid, receipt.isStatusOK(), entries, newOwners);
  }

  /** Settlement transactions already on chain for this batch (found by its indexed batch reference). */
  public List<TxResult> onChain(String batchId, long fromBlock) throws IOException {
    EthFilter filter = new EthFilter(new DefaultBlockParameterNumber(fromBlock), DefaultBlockParameterName.LATEST,
        hub.getContractAddress());
    filter.addSingleTopic(EventEncoder.encode(ChannelHub.BATCHSETTLED_EVENT));
    filter.addSingleTopic(Numeric.toHexString(batchRef(batchId)));
    EthLog logs = chain.web3j().ethGetLogs(filter).send();
    if (logs.hasError()) throw new Chain.ChainException("getLogs: " + logs.getError().getMessage(), null);
    List<TxResult> out = new ArrayList<>();
    for (EthLog.LogResult<?> lr : logs.getLogs()) {
      Log log = (Log) lr.get();
      var receipt = chain.receipt(log.getTransactionHash()).orElseThrow();
      out.add(result(receipt, -1, -1));
    }
    return out;
  }
}
