package io.onder.flink.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.stack.Server;
import io.onder.testkit.RealServers;
import io.onder.testkit.TestCassandra;
import org.junit.jupiter.api.Test;

@RealServers(Server.CASSANDRA)
class CassandraSessionsIT {
  @Test
  void writers_share_one_session_that_closes_with_the_last_lease(TestCassandra cassandra) {
    CassandraSessions.Lease a = CassandraSessions.lease(cassandra.contactPoint(), cassandra.keyspace());
    CassandraSessions.Lease b = CassandraSessions.lease(cassandra.contactPoint(), cassandra.keyspace());
    assertThat(b.session()).isSameAs(a.session());
    assertThat(a.session().execute("SELECT release_version FROM system.local").one()).isNotNull();

    a.close();
    a.close(); // a second close of the same lease releases nothing more
    assertThat(b.session().isClosed()).isFalse();
    assertThat(b.session().execute("SELECT release_version FROM system.local").one()).isNotNull();

    b.close();
    assertThat(b.session().isClosed()).as("closed with the last lease").isTrue();
    try (CassandraSessions.Lease c = CassandraSessions.lease(cassandra.contactPoint(), cassandra.keyspace())) {
      assertThat(c.session()).isNotSameAs(a.session());
      assertThat(c.session().execute("SELECT release_version FROM system.local").one()).isNotNull();
    }
  }
}
