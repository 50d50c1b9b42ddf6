package io.onder.flink.registry;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.Serializable;
import java.util.function.Function;

/**
 * Keeps a {@link Registry} fresh inside an operator: loaded at open, reloaded when older than the refresh period
 * or when an unknown id is asked for (at most once per period), so newly registered devices show up.
 */
public final class RegistryHolder implements Serializable {
  private static final long serialVersionUID = 1L;
  private final RegistrySource source;
  private final long refreshMillis;
  private transient Registry current;
  private transient long loadedAt;

  /** Where a registry comes from: Cassandra in jobs, a fixed snapshot in tests. */
  public interface RegistrySource extends Serializable {
    Registry load();
  }

  public RegistryHolder(RegistrySource source, long refreshMillis) {
    this.source = source;
    this.refreshMillis = refreshMillis;
  }

  public static RegistrySource cassandra(String contactPoint, String keyspace) {
    return () -> {
      try (CqlSession s = io.onder.flink.io.CassandraSessions.open(contactPoint, keyspace)) {
        return Registry.load(s);
      }
    };
  }

  public static RegistrySource fixed(Registry r) {
    return () -> r;
  }

  public Registry get() {
    long now = System.currentTimeMillis();
    if (current == null || now - loadedAt > refreshMillis) reload(now);
    return current;
  }

  /** Looks up by id, reloading once if the id is unknown and the snapshot is not fresh. */
  public <T> T lookup(Function<Registry, T> f) {
    T t = f.apply(get());
    if (t == null && System.currentTimeMillis() - loadedAt > Math.min(refreshMillis, 5_000)) {
      reload(System.currentTimeMillis());
      t = f.apply(current);
    }
    return t;
  }

  private void reload(long now) {
    current = source.load();
    loadedAt = now;
  }
}
