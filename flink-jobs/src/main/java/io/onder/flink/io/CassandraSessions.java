package io.onder.flink.io;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.net.InetSocketAddress;
import java.time.Duration;

/** Driver sessions for the jobs' operators (one per writer or lookup, closed with it). */
public final class CassandraSessions {
  private CassandraSessions() {}

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
