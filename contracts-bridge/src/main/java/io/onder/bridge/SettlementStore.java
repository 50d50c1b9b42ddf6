package io.onder.bridge;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.onder.avro.SettlementReceipt;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;

/**
 * The bridge's Cassandra tables: {@code vouchers} (latest voucher per owner), {@code settlement_receipts}, and the
 * ledger's {@code owed} (read only, for reconciliation).
 *
 * <p>A voucher row is written {@code USING TIMESTAMP <cumulative amount>}: Cassandra keeps the write with the highest
 * timestamp, so the row always holds the highest cumulative amount signed, whatever order batches are replayed in.
 * Only the bridge writes this table.
 */
public final class SettlementStore {
  private final CqlSession session;
  private final PreparedStatement putVoucher;
  private final PreparedStatement getVoucher;
  private final PreparedStatement putReceipt;

  public SettlementStore(CqlSession session) {
    this.session = session;
    this.putVoucher = session.prepare("INSERT INTO vouchers (owner_address, cumulative_amount, chain_id, hub, signature, "
        + "batch_id, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?");
    this.getVoucher = session.prepare("SELECT owner_address, cumulative_amount, chain_id, hub, signature FROM vouchers WHERE owner_address = ?");
    this.putReceipt = session.prepare("INSERT INTO settlement_receipts (batch_id, chain_id, hub, tx_hash, block_number, "
        + "gas_used, payees, paid_total, status, confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  }

  /**
   * Writes in flight at most while storing a batch. The driver refuses a request beyond a connection's 1,024 at once
   * (NodeUnavailableException, "no connection was available"): a batch of 10,000 payees sent all at once failed every
   * time it was retried.
   */
  static final int MAX_IN_FLIGHT = 256;

  /** Stores every voucher of a batch (in parallel, {@link #MAX_IN_FLIGHT} at a time) and returns once all are written. */
  public void putVouchers(List<Voucher> vouchers, String batchId, Instant signedAt) {
    List<CompletableFuture<?>> writes = new ArrayList<>(vouchers.size());
    Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    for (Voucher v : vouchers) {
      inFlight.acquireUninterruptibly();
      CompletionStage<?> w = session.executeAsync(putVoucher.bind(v.owner(), v.cumulativeAmount(), v.chainId(), v.hub(),
          ByteBuffer.wrap(v.signature()), batchId, signedAt, v.cumulativeAmount()));
      writes.add(w.toCompletableFuture().whenComplete((ok, err) -> inFlight.release()));
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
  }

  /** The latest voucher signed for {@code owner}, as served to the owner. */
  public Optional<Voucher> voucher(String owner) {
    Row r = session.execute(getVoucher.bind(owner.toLowerCase())).one();
    return Optional.ofNullable(r).map(SettlementStore::voucher);
  }

  public Map<String, Voucher> vouchers() {
    Map<String, Voucher> out = new LinkedHashMap<>();
    for (Row r : session.execute("SELECT owner_address, cumulative_amount, chain_id, hub, signature FROM vouchers")) {
      out.put(r.getString(0), voucher(r));
    }
    return out;
  }

  /** What the ledger owes, owner by owner (table {@code owed}, written by the ledger job). */
  public Map<String, Long> owed() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Row r : session.execute("SELECT owner_address, cumulative_amount FROM owed")) out.put(r.getString(0).toLowerCase(), r.getLong(1));
    return out;
  }

  public void putReceipt(SettlementReceipt r) {
    session.execute(putReceipt.bind(r.getBatchId(), r.getChainId(), r.getHub(), r.getTxHash(), r.getBlockNumber(),
        r.getGasUsed(), r.getPayees(), r.getPaidTotal(), r.getStatus().name(), r.getConfirmedAt()));
  }

  private static Voucher voucher(Row r) {
    ByteBuffer sig = r.getByteBuffer(4);
    byte[] bytes = new byte[sig.remaining()];
    sig.duplicate().get(bytes);
    return new Voucher(r.getString(0), r.getLong(1), r.getLong(2), r.getString(3), bytes);
  }
}
