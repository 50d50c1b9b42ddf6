package io.onder.flink.registry;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.Serializable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link Registry} fresh inside an operator, so newly registered devices and changed topology show up.
 *
 * <p>The first {@link #get} loads it. After that, once the snapshot is older than the refresh period, {@code get}
 * starts a reload in the background and goes on answering from the snapshot it has until the new one is in: a load
 * opens a Cassandra session and reads every device, a second or more, and done on the task thread it held back every
 * record and watermark of the operator (window close to row took 2.4 s longer per operator that reloaded). A lookup of
 * an id the snapshot does not know reloads at once, on the caller's thread, at most once per {@code min(refresh, 5 s)}:
 * a device registered a moment ago is found before its first reading is judged.
 *
 * <p>The background thread exists only while a reload runs (no thread outlives it, so a cancelled job leaves none
 * behind). A reload that fails leaves the snapshot in place, logs, and is tried again after min(refresh, 5 s).
 */
public final class RegistryHolder implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RegistryHolder.class);
  private final RegistrySource source;
  private final long refreshMillis;
  private final LongSupplier clock;
  private transient volatile Registry current;
  private transient volatile long loadedAt;
  private transient volatile boolean reloading;
  /** After a failed reload, the next is not tried before this time. */
  private transient volatile long retryAt;
  private transient ThreadPoolExecutor background;

  /** Where a registry comes from: Cassandra in jobs, a fixed snapshot in tests. */
  public interface RegistrySource extends Serializable {
    Registry load();
  }

  /** A clock that survives serialization with the holder. */
  interface Clock extends LongSupplier, Serializable {}

  public RegistryHolder(RegistrySource source, long refreshMillis) {
    this(source, refreshMillis, (Clock) System::currentTimeMillis);
  }

  RegistryHolder(RegistrySource source, long refreshMillis, Clock clock) {
    this.source = source;
    this.refreshMillis = refreshMillis;
    this.clock = clock;
  }

  /**
   * The registry in Cassandra. The holders of one job in one JVM (an operator's every subtask, and every operator
   * that reads the registry) open together and share a refresh period, so their reloads come due together: they
   * share one load, one that started at most {@link #SHARED_LOAD_MILLIS} before, instead of a session and a read of
   * every device each.
   */
  public static RegistrySource cassandra(String contactPoint, String keyspace) {
    String key = contactPoint + "/" + keyspace;
    return () -> SharedLoads.load(key, SHARED_LOAD_MILLIS, System::currentTimeMillis, () -> {
      try (CqlSession s = io.onder.flink.io.CassandraSessions.open(contactPoint, keyspace)) {
        return Registry.load(s);
      }
    });
  }

  /** How old a load another holder started may be and still answer for this one. */
  static final long SHARED_LOAD_MILLIS = 1_000;

  /** Loads in progress or just done, by source: static, so per job (its class loader) and per JVM. */
  static final class SharedLoads {
    private record Load(long startedAt, CompletableFuture<Registry> result) {}

    private static final ConcurrentHashMap<String, Load> LOADS = new ConcurrentHashMap<>();

    static Registry load(String key, long maxAgeMillis, LongSupplier clock, java.util.function.Supplier<Registry> loader) {
      long now = clock.getAsLong();
      Load mine = new Load(now, new CompletableFuture<>());
      Load taken = LOADS.compute(key, (k, l) -> l != null && l.startedAt() >= now - maxAgeMillis
          && !l.result().isCompletedExceptionally() ? l : mine);
      if (taken == mine) {
        try {
          mine.result().complete(loader.get());
        } catch (RuntimeException e) {
          mine.result().completeExceptionally(e);
          LOADS.remove(key, mine);
          throw e;
        }
      }
      try {
        return taken.result().join();
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
  }

  public static RegistrySource fixed(Registry r) {
    return () -> r;
  }

  /** The snapshot: loaded on the first call; older than the refresh period, it is still answered while a reload runs. */
  public Registry get() {
    Registry r = current;
    if (r == null) return reloadNow();
    long now = clock.getAsLong();
    // checked before the lock: get() runs per record, and a reload in progress takes a second or more
    if (!reloading && now - loadedAt > refreshMillis && now >= retryAt) reloadInBackground();
    return r;
  }

  /** Looks up by id, reloading at once if the id is unknown and the snapshot is older than min(refresh, 5 s). */
  public <T> T lookup(Function<Registry, T> f) {
    T t = f.apply(get());
    if (t == null && clock.getAsLong() - loadedAt > minReloadGap()) t = f.apply(reloadNow());
    return t;
  }

  /** The shortest time between two reloads asked for by an unknown id, or after a failed one. */
  private long minReloadGap() {
    return Math.min(refreshMillis, 5_000);
  }

  private synchronized Registry reloadNow() {
    long at = clock.getAsLong();
    Registry r = source.load();
    install(r, at);
    return r;
  }

  private synchronized void install(Registry r, long at) {
    if (at >= loadedAt || current == null) {
      current = r;
      loadedAt = at;
    }
  }

  private synchronized void reloadInBackground() {
    if (reloading) return;
    reloading = true;
    if (background == null) {
      // no core thread: the one worker ends a second after its reload, so nothing lingers after the job
      background = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
        Thread t = new Thread(task, "onder-registry-reload");
        t.setDaemon(true);
        return t;
      });
    }
    background.execute(() -> {
      long at = clock.getAsLong();
      try {
        install(source.load(), at);
      } catch (RuntimeException e) {
        retryAt = at + minReloadGap();
        LOG.warn("registry reload failed; going on with the snapshot of {} ms ago: {}", at - loadedAt, e.toString());
      } finally {
        reloading = false;
      }
    });
  }
}
