package io.onder.ingest.dr;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/** The topology from Cassandra's {@code feeders} table, reloaded when older than {@code refresh}. */
public final class CassandraTopology implements Topology {
  private final CqlSession session;
  private final String query;
  private final Clock clock;
  private final Duration refresh;
  private volatile Snapshot snapshot;

  private record Snapshot(Set<String> feeders, Set<String> substations, Set<String> regions, long at) {}

  public CassandraTopology(CqlSession session, String keyspace, Clock clock, Duration refresh) {
    this.session = session;
    this.query = "SELECT feeder_id, substation_id, region_id FROM " + keyspace + ".feeders";
    this.clock = clock;
    this.refresh = refresh;
  }

  private Snapshot load() {
    Set<String> f = new HashSet<>();
    Set<String> s = new HashSet<>();
    Set<String> r = new HashSet<>();
    for (Row row : session.execute(query)) {
      f.add(row.getString("feeder_id"));
      if (row.getString("substation_id") != null) s.add(row.getString("substation_id"));
      if (row.getString("region_id") != null) r.add(row.getString("region_id"));
    }
    return new Snapshot(f, s, r, clock.millis());
  }

  @Override
  public boolean exists(Level level, String id) {
    Snapshot s = snapshot;
    if (s == null || clock.millis() - s.at > refresh.toMillis()) snapshot = s = load();
    Set<String> set = switch (level) {
      case FEEDER -> s.feeders;
      case SUBSTATION -> s.substations;
      case REGION -> s.regions;
    };
    if (set.contains(id)) return true;
    snapshot = s = load(); // a target added a moment ago
    return (level == Level.FEEDER ? s.feeders : level == Level.SUBSTATION ? s.substations : s.regions).contains(id);
  }
}
