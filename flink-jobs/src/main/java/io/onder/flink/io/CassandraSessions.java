package io.onder.flink.io;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Driver sessions for the jobs' operators. The sink writers of a TaskManager share one session per contact point and
 * keyspace ({@link #lease}): a session keeps a pool of connections and its own I/O threads (four on two cores), and a
 * TaskManager runs a writer per sink and subtask (seven in the quality and rewards jobs at parallelism 2), whose
 * requests one session's connections carry together, flushed in fewer writes.
 */
public final class CassandraSessions {
  private CassandraSessions() {}

  /** One caller's use of a shared session; closing it releases that use, and the last release closes the session. */
  public static final class Lease implements AutoCloseable {
    private final String key;
    private final CqlSession session;
    private boolean closed;

    private Lease(String key, CqlSession session) {
      this.key = key;
      this.session = session;
    }

    public CqlSession session() {
      return session;
    }

    @Override
    public void close() {
      synchronized (SHARED) {
        if (closed) return;
        closed = true;
        Shared s = SHARED.get(key);
        if (s == null || s.session != session || --s.leases > 0) return;
        SHARED.remove(key);
      }
      session.close();
    }
  }

  private static final class Shared {
    final CqlSession session;
    int leases;

    Shared(CqlSession session) {
      this.session = session;
    }
  }

  private static final Map<String, Shared> SHARED = new HashMap<>();

  /** The session of this class loader (a job's code in a TaskManager) for {@code contactPoint} and {@code keyspace}, opened by the first lease. */
  public static Lease lease(String contactPoint, String keyspace) {
    String key = contactPoint + "/" + keyspace;
    synchronized (SHARED) {
      Shared s = SHARED.get(key);
      if (s == null || s.session.isClosed()) {
        s = new Shared(open(contactPoint, keyspace)); // under the lock: a second writer waits for this session, not opens its own
        SHARED.put(key, s);
      }
      s.leases++;
      return new Lease(key, s.session);
    }
  }

  public static CqlSession open(String contactPoint, String keyspace) {
    int colon = contactPoint.lastIndexOf(':');
    var loader = DriverConfigLoader.programmaticBuilder()
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(10))
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(10))
        .withInt(DefaultDriverOption.CONNECTION_MAX_REQUESTS, 2048)
        // a TaskManager runs a writer per sink subtask of each job, and registry loads: more than the driver's 4 is
        // by design here, and its warning every registry reload was noise
        .withInt(DefaultDriverOption.SESSION_LEAK_THRESHOLD, 64)
        .build();
    return CqlSession.builder().withConfigLoader(loader)
        .addContactPoint(new InetSocketAddress(contactPoint.substring(0, colon), Integer.parseInt(contactPoint.substring(colon + 1))))
        .withLocalDatacenter("datacenter1").withKeyspace(keyspace).build();
  }
}
