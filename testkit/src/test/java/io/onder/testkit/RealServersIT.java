package io.onder.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.onder.schemas.Topics;
import io.onder.stack.CassandraSchema;
import io.onder.stack.KafkaTopics;
import io.onder.stack.LocalStack;
import io.onder.stack.Server;
import io.onder.stack.SmokeRun;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

@RealServers({Server.KAFKA, Server.CASSANDRA, Server.FLINK, Server.ANVIL})
class RealServersIT {

  @Test
  void all_four_servers_answer_real_requests(LocalStack stack) {
    for (var s : stack.status()) {
      assertThat(s.health().ok()).as(s.server() + ": " + s.health().detail()).isTrue();
      assertThat(s.rssBytes()).as(s.server() + " RSS").isPositive();
    }
    assertThat(stack.flink().health().detail()).contains("1 taskmanager");
  }

  @Test
  void a_reading_goes_through_kafka_into_cassandra_and_the_chain_answers(LocalStack stack, TestKafka kafka, TestCassandra cassandra,
      TestAnvil anvil) throws Exception {
    kafka.topic(Topics.READINGS);
    SmokeRun.Result r = SmokeRun.run(stack, kafka.prefix(), cassandra.keyspace());
    assertThat(r.importMilliWh()).isEqualTo(1_000_500L);
    assertThat(r.chainId()).isEqualTo(anvil.chainId()).isEqualTo(31337L);
  }

  @Test
  void each_test_gets_its_own_topics_and_keyspace(TestKafka a, TestKafka b, TestCassandra ca, TestCassandra cb) throws Exception {
    String ta = a.topic(Topics.LEDGER);
    String tb = b.topic(Topics.LEDGER);
    assertThat(ta).isNotEqualTo(tb).endsWith(Topics.LEDGER);
    try (Admin admin = Admin.create(a.adminProperties())) {
      Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      assertThat(names).contains(ta, tb);
      var desc = admin.describeTopics(Set.of(ta)).allTopicNames().get(10, TimeUnit.SECONDS).get(ta);
      int declared = Topics.definitions().stream().filter(t -> t.name().equals(Topics.LEDGER)).findFirst().orElseThrow().partitions();
      assertThat(desc.partitions()).hasSize(declared);
    }
    assertThat(ca.keyspace()).isNotEqualTo(cb.keyspace());
    try (CqlSession s = ca.session()) {
      s.execute("INSERT INTO owed (owner_address, cumulative_amount) VALUES ('0xabc', 5)");
      assertThat(s.execute("SELECT cumulative_amount FROM owed WHERE owner_address = '0xabc'").one().getLong(0)).isEqualTo(5L);
    }
    try (CqlSession s = cb.session()) {
      assertThat(s.execute("SELECT cumulative_amount FROM owed WHERE owner_address = '0xabc'").one()).isNull();
      // the migration bookkeeping says exactly what was applied
      assertThat(s.execute("SELECT name FROM schema_migrations").all()).extracting(row -> row.getString(0)).containsExactlyInAnyOrder("V001__base.cql", "V002__dr.cql", "V003__dr_command_ack.cql");
    }
  }

  @Test
  void a_runs_own_topics_and_keyspace_are_dropped_and_nothing_else(TestKafka mine, TestKafka other, TestCassandra ks, TestCassandra otherKs)
      throws Exception {
    mine.topic(Topics.READINGS);
    String kept = other.topic(Topics.READINGS);
    List<String> deleted = KafkaTopics.deleteAll(mine.adminProperties(), mine.prefix());
    assertThat(deleted).hasSize(Topics.definitions().size()).allMatch(t -> t.startsWith(mine.prefix()));
    try (Admin admin = Admin.create(mine.adminProperties())) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      while (names.stream().anyMatch(t -> t.startsWith(mine.prefix()))) { // deletion completes in the broker's metadata
        assertThat(System.nanoTime()).as("topics still listed 30 s after deletion").isLessThan(deadline);
        Thread.sleep(50);
        names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      }
      assertThat(names).contains(kept);
    }
    String dropped = ks.keyspace();
    try (CqlSession s = otherKs.session()) {
      CassandraSchema.drop(s, dropped);
      assertThat(s.execute("SELECT keyspace_name FROM system_schema.keyspaces").all()).extracting(r -> r.getString(0))
          .doesNotContain(dropped).contains(otherKs.keyspace());
    }
  }
}
