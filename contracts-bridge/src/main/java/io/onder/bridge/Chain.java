package io.onder.bridge;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticEIP1559GasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * One JSON-RPC endpoint and one sending key: EIP-1559 fees from the node (base fee of the latest block and the
 * node's suggested tip), explicit nonces, receipts polled from 10 ms on instead of web3j's every 15 s, and a
 * configurable number of confirmations.
 */
public final class Chain implements AutoCloseable {
  /** Receipt polling of generated wrappers' transactions (deployments, funding). */
  private static final long POLL_MS = 100;
  private static final long FIRST_RECEIPT_POLL_MS = 10;
  private static final long MAX_RECEIPT_POLL_MS = 1_000;

  private final Web3j web3j;
  private final long chainId;
  private final Credentials sender;
  private final int confirmations;
  private final Duration receiptTimeout;

  public Chain(String rpcUrl, long chainId, Credentials sender, int confirmations, Duration receiptTimeout) {
    this.web3j = Web3j.build(new HttpService(rpcUrl));
    this.chainId = chainId;
    this.sender = sender;
    this.confirmations = Math.max(1, confirmations);
    this.receiptTimeout = receiptTimeout;
  }

  public Web3j web3j() {
    return web3j;
  }

  public long chainId() {
    return chainId;
  }

  public String senderAddress() {
    return sender.getAddress();
  }

  /** A transaction manager for generated wrappers: short receipt polling, chain id bound. */
  public TransactionManager txManager() {
    return txManager(sender);
  }

  public TransactionManager txManager(Credentials who) {
    int attempts = (int) Math.max(1, receiptTimeout.toMillis() / POLL_MS);
    return new RawTransactionManager(web3j, who, chainId, new PollingTransactionReceiptProcessor(web3j, POLL_MS, attempts));
  }

  /** EIP-1559 gas for generated wrappers, with a fixed gas limit (calls are estimated by {@link #send}). */
  public ContractGasProvider gasProvider(long gasLimit) throws IOException {
    Fees f = fees();
    return new StaticEIP1559GasProvider(chainId, f.maxFeePerGas(), f.maxPriorityFeePerGas(), BigInteger.valueOf(gasLimit));
  }

  /** Fees for the next block: tip as the node suggests, max fee = 2 × latest base fee + tip. */
  public Fees fees() throws IOException {
    BigInteger tip = web3j.ethMaxPriorityFeePerGas().send().getMaxPriorityFeePerGas();
    BigInteger base = web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock().getBaseFeePerGas();
    if (base == null) base = BigInteger.ZERO;
    return new Fees(base.shiftLeft(1).add(tip), tip);
  }

  public record Fees(BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas) {}

  /** The latest block's gas limit: no transaction may ask for more. */
  public BigInteger blockGasLimit() throws IOException {
    return web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock().getGasLimit();
  }

  /** The nonce of the sender's next transaction, counting those already in the node's pool. */
  public BigInteger pendingNonce() throws IOException {
    return web3j.ethGetTransactionCount(sender.getAddress(), DefaultBlockParameterName.PENDING).send().getTransactionCount();
  }

  /** Gas the call would use, or the node's revert reason as an exception. */
  public BigInteger estimateGas(String to, String data) throws IOException {
    var r = web3j.ethEstimateGas(Transaction.createEthCallTransaction(sender.getAddress(), to, data)).send();
    if (r.hasError()) throw new ChainException("estimate: " + r.getError().getMessage(), r.getError().getData());
    return r.getAmountUsed();
  }

  /** eth_call at the latest block; reverts come back as {@link ChainException} with the raw revert data. */
  public String call(String to, String data) throws IOException {
    var r = web3j.ethCall(Transaction.createEthCallTransaction(sender.getAddress(), to, data), DefaultBlockParameterName.LATEST).send();
    if (r.hasError()) throw new ChainException("call: " + r.getError().getMessage(), r.getError().getData());
    if (r.isReverted()) throw new ChainException("call reverted", r.getRevertReason());
    return r.getValue();
  }

  /** Signs and sends a type-2 transaction with the given nonce; returns its hash (the node may reject it). */
  public String send(BigInteger nonce, String to, String data, BigInteger gasLimit, Fees fees) throws IOException {
    RawTransaction tx = RawTransaction.createTransaction(chainId, nonce, gasLimit, to, BigInteger.ZERO, data,
        fees.maxPriorityFeePerGas(), fees.maxFeePerGas());
    String signed = Numeric.toHexString(TransactionEncoder.signMessage(tx, sender));
    EthSendTransaction r = web3j.ethSendRawTransaction(signed).send();
    if (r.hasError()) throw new ChainException("send: " + r.getError().getMessage(), r.getError().getData());
    return r.getTransactionHash();
  }

  /**
   * Polls for the receipt, then for {@code confirmations} blocks on top of it (itself included): after 10 ms, then
   * twice as long each time up to one second (a local node mines in milliseconds, a public chain in seconds).
   */
  public TransactionReceipt awaitReceipt(String txHash) throws IOException {
    long deadline = System.nanoTime() + receiptTimeout.toNanos();
    long wait = FIRST_RECEIPT_POLL_MS;
    while (true) {
      Optional<TransactionReceipt> r = receipt(txHash);
      if (r.isPresent()) {
        BigInteger needed = r.get().getBlockNumber().add(BigInteger.valueOf(confirmations - 1));
        if (web3j.ethBlockNumber().send().getBlockNumber().compareTo(needed) >= 0) {
          // re-read: a reorg may have moved or dropped it
          Optional<TransactionReceipt> again = receipt(txHash);
          if (again.isPresent() && again.get().getBlockHash().equals(r.get().getBlockHash())) return again.get();
        }
      }
      if (System.nanoTime() > deadline) throw new ChainException("no receipt for " + txHash + " within " + receiptTimeout, null);
      pause(wait);
      wait = Math.min(MAX_RECEIPT_POLL_MS, wait * 2);
    }
  }

  public Optional<TransactionReceipt> receipt(String txHash) throws IOException {
    return web3j.ethGetTransactionReceipt(txHash).send().getTransactionReceipt();
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChainException("interrupted", null);
    }
  }

  /** A node error or revert; {@link #revertData()} holds the raw ABI-encoded custom error if there is one. */
  public static final class ChainException extends RuntimeException {
    private final String revertData;

    public ChainException(String message, String revertData) {
      super(revertData == null ? message : message + " [" + revertData + "]");
      this.revertData = revertData;
    }

    public String revertData() {
      return revertData;
    }

    /** Whether the revert is the custom error with this 4-byte selector (e.g. {@link HubErrors#OWNER_COUNT_MISMATCH}). */
    public boolean is(String selector) {
      return revertData != null && revertData.toLowerCase().startsWith(selector);
    }
  }

  @Override
  public void close() {
    web3j.shutdown();
  }

}
