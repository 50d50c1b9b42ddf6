package io.onder.flink.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.onder.stack.Server;
import io.onder.testkit.RealServers;
import io.onder.testkit.TestCassandra;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sink's writer against the real Cassandra (one node: every partition has the same replica set). */
@RealServers(Server.CASSANDRA)
class CassandraSinkIT {
  /** A row of the test's table: partition p, clustering c, two nullable values. */
  record R(String p, int c, String v, String w) {}

  static final CassandraSink.RowMapper<R> MAPPER = new CassandraSink.RowMapper<>() {
    @Override
    public String cql(String ks) {
      return "INSERT INTO " + ks + ".sink_rows (p, c, v, w) VALUES (?,?,?,?)";
    }

    @Override
    public Object[] values(R r) {
      return new Object[] {r.p(), r.c(), r.v(), r.w()};
    }

    @Override
    public Object partition(R r) {
      return r.p();
    }
  };

  /** Processing time the test moves by hand: the writer's linger timers wait here until {@link #fire}. */
  static final class ManualTime implements ProcessingTimeService {
    final List<ProcessingTimeCallback> timers = new ArrayList<>();

    @Override
    public long getCurrentProcessingTime() {
      return 0;
    }

    @Override
    public ScheduledFuture<?> registerTimer(long at, ProcessingTimeCallback callback) {
      timers.add(callback);
      return null;
    }

    void fire() throws Exception {
      List<ProcessingTimeCallback> due = new ArrayList<>(timers);
      timers.clear();
      for (ProcessingTimeCallback c : due) c.onProcessingTime(0);
    }
  }

  TestCassandra cassandra;
  CqlSession s;
  final ManualTime time = new ManualTime();
  final List<CassandraSink.Writer<R>> writers = new ArrayList<>();

  @BeforeEach
  void table(TestCassandra cassandra) {
    this.cassandra = cassandra;
    s = cassandra.session();
    s.execute("CREATE TABLE IF NOT EXISTS sink_rows (p text, c int, v text, w text, PRIMARY KEY (p, c))");
  }

  @AfterEach
  void close() throws Exception {
    for (CassandraSink.Writer<R> w : writers) w.close();
    s.close();
  }

  CassandraSink.Writer<R> writer() {
    return writer(MAPPER);
  }

  CassandraSink.Writer<R> writer(CassandraSink.RowMapper<R> mapper) {
    CassandraSink.Writer<R> w = new CassandraSink.Writer<>(new CassandraSink<>(cassandra.contactPoint(), cassandra.keyspace(), mapper), time);
    writers.add(w);
    return w;
  }

  /** Writes the rows and waits for them all, as a checkpoint does. */
  static void writeAndFlush(CassandraSink.Writer<R> w, R... rows) throws Exception {
    for (R r : rows) w.write(r, null);
    w.flush(false);
  }

  /** The table's rows, counted here: a count(*) across partitions makes Cassandra warn. */
  long rows() {
    return s.execute("SELECT p FROM sink_rows").all().size();
  }

  @Test
  void rows_of_many_partitions_on_the_same_replicas_go_in_batches_of_ten_partitions() throws Exception {
    CassandraSink.Writer<R> w = writer();
    R[] rows = new R[160];
    for (int i = 0; i < rows.length; i++) rows[i] = new R("many-" + i, 0, "v" + i, "w");
    writeAndFlush(w, rows);
    assertThat(w.written()).isEqualTo(160);
    assertThat(w.requests()).as("160 partitions, ten a batch").isEqualTo(16);
    assertThat(rows()).isEqualTo(160);
    assertThat(s.execute("SELECT v FROM sink_rows WHERE p = 'many-137' AND c = 0").one().getString("v")).isEqualTo("v137");
  }

  @Test
  void rows_of_one_partition_go_sixteen_a_batch_and_a_partial_batch_waits_for_its_linger() throws Exception {
    CassandraSink.Writer<R> w = writer();
    for (int c = 0; c < 40; c++) w.write(new R("one", c, "v", "w"), null);
    assertThat(w.requests()).as("two full batches of 16").isEqualTo(2);
    assertThat(time.timers).as("the partial batch's linger").hasSize(1);
    time.fire(); // the linger ends: the 8 rows left go
    assertThat(w.requests()).as("16 + 16 + 8").isEqualTo(3);
    w.flush(false);
    assertThat(w.written()).isEqualTo(40);
    assertThat(rows()).isEqualTo(40);
  }

  @Test
  void a_batch_stays_under_cassandras_size_warning() throws Exception {
    CassandraSink.Writer<R> w = writer();
    R[] rows = new R[16];
    for (int c = 0; c < rows.length; c++) rows[c] = new R("big", c, "x".repeat(1_000), "w"); // 1,040 bytes as counted
    writeAndFlush(w, rows);
    assertThat(w.requests()).as("four rows a batch: a fifth would pass %d bytes", CassandraSink.BATCH_BYTES).isEqualTo(4);
    assertThat(w.written()).isEqualTo(16);
    assertThat(rows()).isEqualTo(16);
  }

  @Test
  void a_null_value_leaves_the_column_as_it_was_and_writes_no_tombstone() throws Exception {
    CassandraSink.Writer<R> w = writer();
    writeAndFlush(w, new R("rev", 1, "first", "first"));
    writeAndFlush(w, new R("rev", 1, null, "second"));
    Row r = s.execute("SELECT v, w FROM sink_rows WHERE p = 'rev' AND c = 1").one();
    assertThat(r.getString("v")).as("unset, not deleted").isEqualTo("first");
    assertThat(r.getString("w")).isEqualTo("second");

    writeAndFlush(w, new R("rev", 2, null, "x"));
    var read = s.execute(SimpleStatement.newInstance("SELECT v, w FROM sink_rows WHERE p = 'rev' AND c = 2").setTracing(true));
    Row fresh = read.one();
    assertThat(fresh.isNull("v")).isTrue();
    assertThat(fresh.getString("w")).isEqualTo("x");
    List<String> trace = read.getExecutionInfo().getQueryTrace().getEvents().stream().map(e -> e.getActivity()).toList();
    assertThat(trace).as("Cassandra's trace of the read").anyMatch(a -> a.contains("tombstone cells"))
          .filteredOn(a -> a.contains("tombstone cells")).allMatch(a -> a.contains(" 0 tombstone cells"), "no tombstone");
  }

  @Test
  void a_mapper_whose_rows_are_replaced_whole_clears_a_column_with_a_null() throws Exception {
    CassandraSink.Writer<R> w = writer(new CassandraSink.RowMapper<>() {
      @Override
      public String cql(String ks) {
        return MAPPER.cql(ks);
      }

      @Override
      public Object[] values(R r) {
        return MAPPER.values(r);
      }

      @Override
      public boolean nullLeavesColumn() {
        return false;
      }
    });
    writeAndFlush(w, new R("whole", 1, "first", "first"));
    writeAndFlush(w, new R("whole", 1, null, "second"));
    Row r = s.execute("SELECT v, w FROM sink_rows WHERE p = 'whole' AND c = 1").one();
    assertThat(r.isNull("v")).as("cleared").isTrue();
    assertThat(r.getString("w")).isEqualTo("second");
  }
}
