package io.onder.stack;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Applies the versioned CQL files of {@code schemas/} (onder/cql/V001__*.cql, V002...) to a keyspace, once each,
 * remembering what was applied in {@code <keyspace>.schema_migrations}.
 */
public final class CassandraSchema {
  /** The migrations, in order. A later issue adds a file here and to the resources. */
  public static final List<String> MIGRATIONS = List.of("V001__base.cql", "V002__dr.cql", "V003__dr_command_ack.cql");
  private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");

  private CassandraSchema() {}

  /** Creates the keyspace if needed and applies the migrations not applied yet; returns those applied now. */
  public static List<String> apply(CqlSession session, String keyspace) {
    if (!KEYSPACE.matcher(keyspace).matches()) throw new IllegalArgumentException("bad keyspace name: " + keyspace);
    session.execute("CREATE KEYSPACE IF NOT EXISTS " + keyspace
        + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    session.execute("CREATE TABLE IF NOT EXISTS " + keyspace
        + ".schema_migrations (name text PRIMARY KEY, applied_at timestamp)");
    List<String> applied = new ArrayList<>();
    for (String m : MIGRATIONS) {
      if (session.execute("SELECT name FROM " + keyspace + ".schema_migrations WHERE name = ?", m).one() != null) continue;
      for (String stmt : statements(read(m).replace("${keyspace}", keyspace))) session.execute(stmt);
      session.execute("INSERT INTO " + keyspace + ".schema_migrations (name, applied_at) VALUES (?, toTimestamp(now()))", m);
      applied.add(m);
    }
    return applied;
  }

  /** Drops the keyspace and everything in it (a run's own keyspace). */
  public static void drop(CqlSession session, String keyspace) {
    if (!KEYSPACE.matcher(keyspace).matches()) throw new IllegalArgumentException("bad keyspace name: " + keyspace);
    session.execute("DROP KEYSPACE IF EXISTS " + keyspace);
  }

  static List<String> statements(String cql) {
    StringBuilder clean = new StringBuilder();
    for (String line : cql.split("\n")) {
      String l = line.strip();
      if (l.startsWith("--") || l.isEmpty()) continue;
      clean.append(line).append('\n');
    }
    List<String> out = new ArrayList<>();
    for (String s : clean.toString().split(";")) {
      if (!s.isBlank()) out.add(s.strip());
    }
    return out;
  }

  private static String read(String migration) {
    try (InputStream in = CassandraSchema.class.getResourceAsStream("/onder/cql/" + migration)) {
      if (in == null) throw new IllegalStateException("onder/cql/" + migration + " is missing");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
