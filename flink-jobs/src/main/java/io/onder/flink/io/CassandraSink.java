package io.onder.flink.io;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A Flink Sink V2 writing rows to Cassandra with the Java driver: asynchronous writes, a bound on requests in
 * flight, retries with backoff, and a flush at every checkpoint so a checkpoint never completes before its rows are
 * written. Rows must be idempotent upserts (keys derived from the data), so a replay after a restart writes the
 * same rows again and never duplicates: at-least-once delivery with idempotent writes is exactly-once in effect.
 *
 * <p>A mapper that names each row's partition ({@link RowMapper#partition}) has its rows written in unlogged batches of
 * rows whose partitions have the same replicas (the replica set, from the driver's token map; the partition itself while
 * the driver has no token map): up to {@link #BATCH_ROWS} rows of at most {@link #BATCH_PARTITIONS} partitions and
 * {@link #BATCH_BYTES} of data, under the thresholds at which Cassandra warns. The
 * driver routes a batch to one of those replicas, which writes it to itself and the same others a single row would
 * reach: no node coordinates writes for replicas it is not one of, and Cassandra takes one request instead of sixteen
 * (a ledger account's period gets a line per reward; a device's day gets a row per interval; the rows of many devices'
 * intervals close with one watermark). A partial batch waits at most {@link RowMapper#lingerMillis}, and a checkpoint
 * writes every waiting row first.
 */
public final class CassandraSink<T> implements Sink<T> {
  private static final long serialVersionUID = 1L;

  /** How one record becomes one row: the CQL (with ? markers) and the values to bind. */
  public interface RowMapper<T> extends Serializable {
    String cql(String keyspace);

    Object[] values(T record);

    /** The row's partition, equal for rows Cassandra stores together; null (the default) writes rows one by one. */
    default Object partition(T record) {
      return null;
    }

    /**
     * Whether a null value leaves its column as it was (true, the default: no tombstone written) rather than clearing
     * it: right for rows whose revisions only gain values, wrong for a row a later record replaces whole.
     */
    default boolean nullLeavesColumn() {
      return true;
    }

    /** How long a partial batch waits for more rows of its partition. */
    default long lingerMillis() {
      return LINGER_MILLIS;
    }
  }

  /** Rows in one unlogged batch, at most (a ledger line is 200-300 bytes: under Cassandra's 5 KiB warning). */
  static final int BATCH_ROWS = 16;
  /** Partitions in one unlogged batch, at most: Cassandra warns of unlogged batches across more than ten. */
  static final int BATCH_PARTITIONS = 10;
  /**
   * A batch's data, at most, as {@link #sizeOf} estimates it: Cassandra warns of batches over 5 KiB (its count: each
   * cell's value and timestamp). A ledger line of the demo's, 330 bytes so counted, made 16 of them 5.1 KiB.
   */
  static final int BATCH_BYTES = 4_608;
  /** How long a partial batch waits for more rows of its partition, unless its mapper says otherwise. */
  static final long LINGER_MILLIS = 100;

  private final String contactPoint;
  private final String keyspace;
  private final RowMapper<T> mapper;
  private final int maxInFlight;
  private final int maxAttempts;

  public CassandraSink(String contactPoint, String keyspace, RowMapper<T> mapper, int maxInFlight, int maxAttempts) {
    this.contactPoint = contactPoint;
    this.keyspace = keyspace;
    this.mapper = mapper;
    this.maxInFlight = maxInFlight;
    this.maxAttempts = maxAttempts;
  }

  public CassandraSink(String contactPoint, String keyspace, RowMapper<T> mapper) {
    this(contactPoint, keyspace, mapper, 256, 5);
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    return new Writer<>(this, context.getProcessingTimeService());
  }

  static final class Writer<T> implements SinkWriter<T> {
    private final CassandraSink<T> spec;
    private final CassandraSessions.Lease lease;
    private final CqlSession session;
    private final PreparedStatement statement;
    private final Semaphore permits;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final ProcessingTimeService time;
    /** Rows waiting for more of their replica set, in arrival order of the sets (touched by the task thread only). */
    private final Map<Object, Batch> waiting = new LinkedHashMap<>();
    private final CqlIdentifier keyspace;
    private boolean lingerSet;

    Writer(CassandraSink<T> spec, ProcessingTimeService time) {
      this.spec = spec;
      this.time = time;
      this.lease = CassandraSessions.lease(spec.contactPoint, spec.keyspace);
      this.session = lease.session();
      try {
        this.statement = session.prepare(spec.mapper.cql(spec.keyspace));
      } catch (RuntimeException e) {
        lease.close();
        throw e;
      }
      this.permits = new Semaphore(spec.maxInFlight);
      this.keyspace = CqlIdentifier.fromCql(spec.keyspace);
    }

    /** Rows of one replica set waiting to be written together, the partitions they cover and their size. */
    private static final class Batch {
      final List<BoundStatement> rows = new ArrayList<>(BATCH_ROWS);
      final Set<Object> partitions = new HashSet<>();
      long bytes;

      boolean full() {
        return rows.size() >= BATCH_ROWS || partitions.size() >= BATCH_PARTITIONS;
      }
    }

    /** A row's data as Cassandra counts a batch's size, or a little more: every value, and a timestamp for each. */
    static long sizeOf(BoundStatement row) {
      long n = 0;
      for (ByteBuffer v : row.getValues()) n += 8 + (v == null ? 0 : v.remaining());
      return n;
    }

    /**
     * The row's values bound, a null left unset unless the mapper says otherwise ({@link RowMapper#nullLeavesColumn}):
     * bound as null it writes a tombstone, which Cassandra keeps, reads past and compacts (a ledger line has a column or
     * two without a value).
     */
    private BoundStatement bind(Object[] values) {
      BoundStatement row = statement.bind(values).setIdempotent(true);
      if (spec.mapper.nullLeavesColumn()) for (int i = 0; i < values.length; i++) if (values[i] == null) row = row.unset(i);
      return row;
    }

    /** The nodes that store the row's partition; the partition itself while the driver knows no token map. */
    private Object replicas(BoundStatement row, Object partition) {
      Optional<TokenMap> tokens = session.getMetadata().getTokenMap();
      ByteBuffer key = row.getRoutingKey();
      if (tokens.isEmpty() || key == null) return partition;
      Set<Node> nodes = tokens.get().getReplicas(keyspace, key);
      return nodes.isEmpty() ? partition : nodes;
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
      rethrow();
      BoundStatement row = bind(spec.mapper.values(element));
      Object partition = spec.mapper.partition(element);
      if (partition == null) {
        permits.acquire();
        send(row, 1, 1);
        return;
      }
      Object replicas = replicas(row, partition);
      long bytes = sizeOf(row);
      Batch batch = waiting.get(replicas);
      if (batch != null && batch.bytes + bytes > BATCH_BYTES) {
        waiting.remove(replicas); // this row would take it past Cassandra's warning: it goes as it is
        sendBatch(batch.rows);
        batch = null;
      }
      if (batch == null) {
        batch = new Batch();
        waiting.put(replicas, batch);
      }
      batch.rows.add(row);
      batch.bytes += bytes;
      batch.partitions.add(partition);
      if (batch.full()) {
        waiting.remove(replicas);
        sendBatch(batch.rows);
      } else if (!lingerSet) {
        lingerSet = true;
        time.registerTimer(time.getCurrentProcessingTime() + spec.mapper.lingerMillis(), t -> {
          lingerSet = false;
          sendWaiting();
        });
      }
    }

    private void sendWaiting() throws InterruptedException {
      List<Batch> all = new ArrayList<>(waiting.values());
      waiting.clear();
      for (Batch b : all) sendBatch(b.rows);
    }

    private void sendBatch(List<BoundStatement> rows) throws InterruptedException {
      permits.acquire();
      if (rows.size() == 1) {
        send(rows.get(0), 1, 1);
      } else {
        send(BatchStatement.newInstance(DefaultBatchType.UNLOGGED, rows.toArray(new BoundStatement[0])).setIdempotent(true), rows.size(), 1);
      }
    }

    private void send(Statement<?> request, int rows, int attempt) {
      requests.incrementAndGet();
      CompletionStage<AsyncResultSet> f = session.executeAsync(request);
      f.whenComplete((rs, err) -> {
        if (err == null) {
          written.addAndGet(rows);
          permits.release();
        } else if (attempt < spec.maxAttempts) {
          long backoff = Math.min(2000, 50L << attempt);
          java.util.concurrent.CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS).execute(() -> send(request, rows, attempt + 1));
        } else {
          failure.compareAndSet(null, err);
          permits.release();
        }
      });
    }

    /** Waits for every write in flight: called before each checkpoint and at the end of input. */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
      sendWaiting();
      permits.acquire(spec.maxInFlight);
      permits.release(spec.maxInFlight);
      rethrow();
    }

    private void rethrow() throws IOException {
      Throwable t = failure.get();
      if (t != null) throw new IOException("Cassandra write failed after " + spec.maxAttempts + " attempts", t);
    }

    /** Rows Cassandra acknowledged. */
    long written() {
      return written.get();
    }

    /** Requests sent, retries included. */
    long requests() {
      return requests.get();
    }

    @Override
    public void close() throws Exception {
      try {
        if (!permits.tryAcquire(spec.maxInFlight, 30, TimeUnit.SECONDS)) {
          // writes still in flight are not acknowledged to Flink: the next attempt replays them
        }
      } finally {
        lease.close(); // the session closes with the last writer's lease
      }
    }
  }
}
