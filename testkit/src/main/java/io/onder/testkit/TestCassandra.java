package io.onder.testkit;

import com.datastax.oss.driver.api.core.CqlSession;
import io.onder.stack.CassandraSchema;
import io.onder.stack.CassandraServer;
import java.util.UUID;

/** The real Cassandra, seen by one test: its own keyspace holding the Onder tables. */
public final class TestCassandra {
  private final CassandraServer server;
  private final String keyspace = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private boolean applied;

  TestCassandra(CassandraServer server) {
    this.server = server;
  }

  public String contactPoint() {
    return server.endpoint();
  }

  public int port() {
    return server.port();
  }

  /** This test's keyspace, created with every Onder table on first use. */
  public synchronized String keyspace() {
    if (!applied) {
      try (CqlSession s = server.session(null)) {
        CassandraSchema.apply(s, keyspace);
      }
      applied = true;
    }
    return keyspace;
  }

  /** A new session on this test's keyspace; the caller closes it. */
  public CqlSession session() {
    return server.session(keyspace());
  }

  public CassandraServer server() {
    return server;
  }
}
