package io.onder.flink.registry;

import io.onder.flink.io.CassandraSessions;
import java.io.Serializable;
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
 * <p>The copies of one holder (a job hands one to each operator that reads the registry; each subtask deserializes
 * its own) share one snapshot, its reloads and the source's connection in a JVM. Each holding a snapshot of its own,
 * loaded at its own time, a TaskManager held a dozen copies of a 100,000-device registry. Another holder, as another
 * job or a job built again makes, has a snapshot of its own. Operators {@link #release} their copy when they close;
 * when the last copy in the JVM is released, the snapshot is dropped and the source closed (Cassandra's session, leased
 * once per holder and TaskManager and kept across reloads, not one opened for each).
 *
 * <p>The background thread exists only while a reload runs (no thread outlives it, so a cancelled job leaves none
 * behind). A reload that fails leaves the snapshot in place, logs, and is tried again after min(refresh, 5 s).
 */
public final class RegistryHolder implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RegistryHolder.class);
  /** Snapshots by holder, shared by its copies in this JVM. */
  private static final ConcurrentHashMap<String, Snapshots> SHARED = new ConcurrentHashMap<>();
  private final RegistrySource source;
  private final long refreshMillis;
  private final LongSupplier clock;
  /** Which holder this is a copy of. */
  private final String instance = java.util.UUID.randomUUID().toString();
  private transient volatile Snapshots snapshots;

  /** Where a registry comes from: Cassandra in jobs, a fixed snapshot in tests. */
  public interface RegistrySource extends Serializable {
    Registry load();

    /** Lets go of what loads keep open; called when the last copy of the holder in the JVM is released. */
    default void close() {}
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

  /** The registry in Cassandra, shared by the holders of one keyspace. */
  public static RegistrySource cassandra(String contactPoint, String keyspace) {
    return new CassandraSource(contactPoint, keyspace);
  }

  /**
   * Loads over the TaskManager's shared session ({@link CassandraSessions#lease}, the sink writers' too), leased by the
   * first load and kept; a load that fails lets it go, the next leases again.
   */
  private static final class CassandraSource implements RegistrySource {
    private static final long serialVersionUID = 1L;
    private final String contactPoint;
    private final String keyspace;
    private transient CassandraSessions.Lease lease;

    CassandraSource(String contactPoint, String keyspace) {
      this.contactPoint = contactPoint;
      this.keyspace = keyspace;
    }

    @Override
    public synchronized Registry load() {
      if (lease == null) lease = CassandraSessions.lease(contactPoint, keyspace);
      try {
        return Registry.load(lease.session());
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    @Override
    public synchronized void close() {
      if (lease != null) lease.close();
      lease = null;
    }
  }

  public static RegistrySource fixed(Registry r) {
    return () -> r;
  }

  /** The snapshot: loaded on the first call; older than the refresh period, it is still answered while a reload runs. */
  public Registry get() {
    return snapshots().get();
  }

  /** Looks up by id, reloading at once if the id is unknown and the snapshot is older than min(refresh, 5 s). */
  public <T> T lookup(Function<Registry, T> f) {
    return snapshots().lookup(f);
  }

  private Snapshots snapshots() {
    Snapshots s = snapshots;
    if (s == null) {
      synchronized (this) {
        s = snapshots;
        if (s == null) {
          s = SHARED.compute(instance, (k, v) -> {
            Snapshots got = v != null ? v : new Snapshots(source, refreshMillis, clock);
            got.copies++;
            return got;
          });
          snapshots = s;
        }
      }
    }
    return s;
  }

  /**
   * This copy is done with the registry (its operator closed). The last copy in the JVM to be released drops the
   * snapshot and closes the source; a copy used again afterwards loads anew.
   */
  public void release() {
    Snapshots s;
    synchronized (this) {
      s = snapshots;
      snapshots = null;
    }
    if (s == null) return;
    Snapshots[] last = new Snapshots[1];
    SHARED.computeIfPresent(instance, (k, v) -> {
      if (v != s || --v.copies > 0) return v;
      last[0] = v;
      return null;
    });
    if (last[0] != null) last[0].close();
  }

  /** One snapshot and its reloads. */
  private static final class Snapshots {
    private final RegistrySource source;
    private final long refreshMillis;
    private final LongSupplier clock;
    private volatile Registry current;
    private volatile long loadedAt;
    private volatile boolean reloading;
    /** After a failed reload, the next is not tried before this time. */
    private volatile long retryAt;
    private ThreadPoolExecutor background;
    /** Copies of the holder using this snapshot; changed only inside {@code SHARED}'s compute. */
    private int copies;

    Snapshots(RegistrySource source, long refreshMillis, LongSupplier clock) {
      this.source = source;
      this.refreshMillis = refreshMillis;
      this.clock = clock;
    }

    Registry get() {
      Registry r = current;
      if (r == null) return reloadNow(clock.getAsLong());
      long now = clock.getAsLong();
      // checked before the lock: get() runs per record, and a reload in progress takes a second or more
      if (!reloading && now - loadedAt > refreshMillis && now >= retryAt) reloadInBackground();
      return r;
    }

    <T> T lookup(Function<Registry, T> f) {
      T t = f.apply(get());
      long now = clock.getAsLong();
      if (t == null && now - loadedAt > minReloadGap()) t = f.apply(reloadNow(now));
      return t;
    }

    /** The shortest time between two reloads asked for by an unknown id, or after a failed one. */
    private long minReloadGap() {
      return Math.min(refreshMillis, 5_000);
    }

    /** Loads now, unless a load that started at or after {@code askedAt} (another holder's, waited for here) is in. */
    private synchronized Registry reloadNow(long askedAt) {
      Registry r = current;
      if (r != null && loadedAt >= askedAt) return r;
      long at = clock.getAsLong();
      r = source.load();
      install(r, at);
      return r;
    }

    private synchronized void install(Registry r, long at) {
      if (at >= loadedAt || current == null) {
        current = r;
        loadedAt = at;
      }
    }

    private synchronized void close() {
      if (background != null) background.shutdown();
      source.close();
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
}
