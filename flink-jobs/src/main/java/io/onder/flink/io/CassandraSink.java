package io.onder.flink.io;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.io.IOException;
import java.io.Serializable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A Flink Sink V2 writing rows to Cassandra with the Java driver: asynchronous writes, a bound on requests in
 * flight, retries with backoff, and a flush at every checkpoint so a checkpoint never completes before its rows are
 * written. Rows must be idempotent upserts (keys derived from the data), so a replay after a restart writes the
 * same rows again and never duplicates: at-least-once delivery with idempotent writes is exactly-once in effect.
 */
public final class CassandraSink<T> implements Sink<T> {
  private static final long serialVersionUID = 1L;

  /** How one record becomes one row: the CQL (with ? markers) and the values to bind. */
  public interface RowMapper<T> extends Serializable {
    String cql(String keyspace);

    Object[] values(T record);
  }

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
    return new Writer<>(this);
  }

  static final class Writer<T> implements SinkWriter<T> {
    private final CassandraSink<T> spec;
    private final CqlSession session;
    private final PreparedStatement statement;
    private final Semaphore permits;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong written = new AtomicLong();

    Writer(CassandraSink<T> spec) {
      this.spec = spec;
      this.session = CassandraSessions.open(spec.contactPoint, spec.keyspace);
      this.statement = session.prepare(spec.mapper.cql(spec.keyspace));
      this.permits = new Semaphore(spec.maxInFlight);
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
      rethrow();
      permits.acquire();
      send(statement.bind(spec.mapper.values(element)), 1);
    }

    private void send(BoundStatement bound, int attempt) {
      CompletionStage<AsyncResultSet> f = session.executeAsync(bound.setIdempotent(true));
      f.whenComplete((rs, err) -> {
        if (err == null) {
          written.incrementAndGet();
          permits.release();
        } else if (attempt < spec.maxAttempts) {
          long backoff = Math.min(2000, 50L << attempt);
          java.util.concurrent.CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS).execute(() -> send(bound, attempt + 1));
        } else {
          failure.compareAndSet(null, err);
          permits.release();
        }
      });
    }

    /** Waits for every write in flight: called before each checkpoint and at the end of input. */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
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
        session.close();
      }
    }
  }
}
