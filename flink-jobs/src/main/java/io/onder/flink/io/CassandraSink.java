package io.onder.flink.io;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>A mapper that names each row's partition ({@link RowMapper#partition}) has its rows of one partition written
 * together, as an unlogged batch of up to {@link #BATCH_ROWS} rows: one request and one mutation for Cassandra
 * instead of one per row (a ledger account's period gets a line per reward; a device's day gets a row per interval,
 * and a backlog closes many of its intervals at once). A partial batch waits at most {@link RowMapper#lingerMillis},
 * and a checkpoint writes every waiting row first. Rows of different partitions are never
 * batched together: such a batch would make one node coordinate writes to others.
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

    /** How long a partial batch waits for more rows of its partition. */
    default long lingerMillis() {
      return LINGER_MILLIS;
    }
  }

  /** Rows of one partition in one unlogged batch, at most (a ledger line is 200-300 bytes: well under Cassandra's 5 KiB warning). */
  static final int BATCH_ROWS = 16;
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
    private final ProcessingTimeService time;
    /** Rows waiting for more of their partition, in arrival order of the partitions (touched by the task thread only). */
    private final Map<Object, List<BoundStatement>> waiting = new LinkedHashMap<>();
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
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
      rethrow();
      BoundStatement row = statement.bind(spec.mapper.values(element)).setIdempotent(true);
      Object partition = spec.mapper.partition(element);
      if (partition == null) {
        permits.acquire();
        send(row, 1, 1);
        return;
      }
      List<BoundStatement> rows = waiting.computeIfAbsent(partition, k -> new ArrayList<>());
      rows.add(row);
      if (rows.size() >= BATCH_ROWS) {
        waiting.remove(partition);
        sendBatch(rows);
      } else if (!lingerSet) {
        lingerSet = true;
        time.registerTimer(time.getCurrentProcessingTime() + spec.mapper.lingerMillis(), t -> {
          lingerSet = false;
          sendWaiting();
        });
      }
    }

    private void sendWaiting() throws InterruptedException {
      List<List<BoundStatement>> all = new ArrayList<>(waiting.values());
      waiting.clear();
      for (List<BoundStatement> rows : all) sendBatch(rows);
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

    long written() {
      return written.get();
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
