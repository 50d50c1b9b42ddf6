package io.onder.bridge;

import io.onder.avro.OwedAmount;
import io.onder.avro.ReceiptStatus;
import io.onder.avro.SettlementBatch;
import io.onder.avro.SettlementReceipt;
import io.onder.bridge.contracts.ChannelHub;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.DefaultBlockParameterNumber;

/**
 * Settlement batches in, tokens to owners out. For each {@link SettlementBatch}: check it, sign every owner's
 * cumulative voucher and store it (so each owner can exit on its own even if the next step never happens), settle
 * what is still due on chain, then publish a {@link SettlementReceipt} per transaction to Kafka and Cassandra, and
 * only then commit the batch's offset.
 *
 * <p>Crash safety: every step is safe to repeat. Vouchers are re-signed identically; what to pay is planned from
 * the chain's own "already paid", so a batch handled again after kill -9 pays only what is still due (nothing if
 * its transaction was mined), and its receipts are then rebuilt from the hub's BatchSettled events. A chain that
 * forgets blocks the bridge saw (a node restarted from an older state, a reorg) is noticed by the hash of the
 * newest block seen, and everything signed is settled again: only what the chain no longer shows as paid is paid.
 */
public final class SettlementBridge {
  private static final Logger LOG = LoggerFactory.getLogger(SettlementBridge.class);

  private final Chain chain;
  private final ChannelHub hub;
  private final VoucherSigner signer;
  private final HubSettler settler;
  private final SettlementStore store;
  private final Producer<String, SettlementReceipt> receipts;
  private final String receiptsTopic;
  private final long fromBlock;
  private final Clock clock;
  /** The newest block seen after settling, and its hash: if the chain later forgets it, settlements may be lost. */
  private long seenBlock = -1;
  private String seenHash;
  private long lastChainCheck;

  public SettlementBridge(Chain chain, ChannelHub hub, VoucherSigner signer, SettlementStore store,
      Producer<String, SettlementReceipt> receipts, String receiptsTopic, long fromBlock, int maxOwnersPerTx, Clock clock) {
    this.chain = chain;
    this.hub = hub;
    this.signer = signer;
    this.settler = new HubSettler(chain, hub, BatchPlanner.forSettlement(chain, hub, maxOwnersPerTx));
    this.store = store;
    this.receipts = receipts;
    this.receiptsTopic = receiptsTopic;
    this.fromBlock = fromBlock;
    this.clock = clock;
  }

  /** Handles one batch end to end. Safe to call again for the same batch at any point. */
  public List<SettlementReceipt> handle(SettlementBatch batch) throws Exception {
    String batchId = batch.getBatchId();
    List<Owed> owed = new ArrayList<>(batch.getOwed().size());
    long sum = 0;
    for (OwedAmount o : batch.getOwed()) {
      owed.add(new Owed(o.getOwner(), o.getCumulativeAmount()));
      sum = Math.addExact(sum, o.getCumulativeAmount());
    }
    if (sum != batch.getTotalCumulative()) {
      throw new IllegalArgumentException("batch " + batchId + ": owed amounts sum to " + sum + ", batch says " + batch.getTotalCumulative());
    }
    List<Voucher> vouchers = signer.signAll(owed);
    store.putVouchers(vouchers, batchId, clock.instant());

    List<HubSettler.TxResult> txs = settler.settle(batchId, owed);
    if (txs.isEmpty()) txs = settler.onChain(batchId, fromBlock); // settled before a crash: rebuild its receipts
    List<SettlementReceipt> out = publish(batchId, txs);
    rememberHead();
    LOG.info("batch {}: {} owner(s), {} voucher(s) stored, {} transaction(s)", batchId, owed.size(), vouchers.size(), out.size());
    return out;
  }

  /**
   * Whether the chain has forgotten the newest block this bridge saw after settling (a node restarted from an older
   * state, or a reorg): transactions it had receipts for may be gone.
   */
  public boolean chainRewound() throws java.io.IOException {
    if (seenBlock < 0) return false;
    var block = chain.web3j().ethGetBlockByNumber(new DefaultBlockParameterNumber(seenBlock), false).send().getBlock();
    return block == null || !block.getHash().equalsIgnoreCase(seenHash);
  }

  /**
   * After a rewind: settles again, from the vouchers this bridge has signed (every owner's latest cumulative
   * amount), whatever the chain no longer shows as paid. The hub pays only cumulative minus already paid, so owners
   * whose payments survived get nothing twice.
   */
  public List<SettlementReceipt> settleAgainAfterRewind() throws Exception {
    String batchId = "rewind/" + seenBlock + "/" + clock.millis();
    List<Owed> owed = new ArrayList<>();
    for (Voucher v : store.vouchers().values()) owed.add(new Owed(v.owner(), v.cumulativeAmount()));
    LOG.warn("the chain no longer has block {} seen after settling: settling again what it does not show as paid ({} owner(s))",
        seenBlock, owed.size());
    List<SettlementReceipt> out = publish(batchId, settler.settle(batchId, owed));
    rememberHead();
    LOG.info("{}: {} transaction(s)", batchId, out.size());
    return out;
  }

  private void rememberHead() throws java.io.IOException {
    var head = chain.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock();
    if (head == null) return;
    seenBlock = head.getNumber().longValueExact();
    seenHash = head.getHash();
  }

  /** Settles again when the chain has forgotten blocks; before each batch, and every two seconds while idle. */
  private void settleAgainIfRewound() throws Exception {
    lastChainCheck = System.nanoTime();
    if (chainRewound()) settleAgainAfterRewind();
  }

  private List<SettlementReceipt> publish(String batchId, List<HubSettler.TxResult> txs) throws Exception {
    List<SettlementReceipt> out = new ArrayList<>();
    for (HubSettler.TxResult t : txs) {
      SettlementReceipt r = SettlementReceipt.newBuilder()
          .setBatchId(batchId).setChainId(chain.chainId()).setHub(hub.getContractAddress().toLowerCase())
          .setTxHash(t.txHash()).setBlockNumber(t.blockNumber()).setGasUsed(t.gasUsed()).setPayees(t.payees())
          .setPaidTotal(t.paidTotal()).setStatus(t.confirmed() ? ReceiptStatus.CONFIRMED : ReceiptStatus.REVERTED)
          .setConfirmedAt(clock.instant()).build();
      receipts.send(new ProducerRecord<>(receiptsTopic, batchId, r)).get();
      store.putReceipt(r);
      out.add(r);
    }
    return out;
  }

  /**
   * Consumes batches until {@code stop} is set. The offset of a batch is committed only after it was fully handled,
   * so after a crash the batch is handled again (harmlessly). A batch that fails is retried; one that is malformed
   * is logged and skipped.
   */
  public void run(Consumer<String, SettlementBatch> consumer, String batchesTopic, AtomicBoolean stop) {
    consumer.subscribe(List.of(batchesTopic));
    while (!stop.get()) {
      var records = consumer.poll(Duration.ofMillis(200));
      if (records.isEmpty() && System.nanoTime() - lastChainCheck >= 2_000_000_000L) {
        try {
          settleAgainIfRewound();
        } catch (Exception e) {
          LOG.warn("chain check failed, retrying: {}", e.toString());
        }
      }
      for (ConsumerRecord<String, SettlementBatch> rec : records) {
        while (!stop.get()) {
          try {
            settleAgainIfRewound();
            handle(rec.value());
            break;
          } catch (IllegalArgumentException e) {
            LOG.error("skipping malformed batch at offset {}: {}", rec.offset(), e.getMessage());
            break;
          } catch (Exception e) {
            LOG.warn("batch {} failed, retrying: {}", rec.key(), e.toString());
            pause(Duration.ofSeconds(1), stop);
          }
        }
        if (stop.get()) return;
        consumer.commitSync(java.util.Map.of(new org.apache.kafka.common.TopicPartition(rec.topic(), rec.partition()),
            new org.apache.kafka.clients.consumer.OffsetAndMetadata(rec.offset() + 1)));
      }
    }
  }

  private static void pause(Duration d, AtomicBoolean stop) {
    long end = System.nanoTime() + d.toNanos();
    while (!stop.get() && System.nanoTime() < end) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop.set(true);
      }
    }
  }
}
