package io.onder.stack;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Cassandra 5 as its own JVM (never inside a test JVM: it installs a security manager and cannot restart). */
public final class CassandraServer implements ManagedServer {
  /** Cassandra's jvm17-server.options, the opens and exports it needs on JDK 17. */
  private static final List<String> JDK17_FLAGS = List.of(
      "-Djdk.attach.allowAttachSelf=true",
      "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
      "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
      "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED",
      "--add-exports=java.sql/java.sql=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.module=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.math=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.module=ALL-UNNAMED",
      "--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED",
      "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.math=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED");

  private final StackConfig config;
  private final ServerProcess process;

  public CassandraServer(StackConfig config) {
    this.config = config;
    this.process = new ServerProcess("cassandra", config.dir(Server.CASSANDRA));
  }

  @Override
  public Server kind() {
    return Server.CASSANDRA;
  }

  @Override
  public String endpoint() {
    return config.host() + ":" + port();
  }

  public int port() {
    return config.port("onder.cassandra.port");
  }

  @Override
  public List<ServerProcess> processes() {
    return List.of(process);
  }

  @Override
  public void start() {
    if (process.running().isPresent()) return;
    Path dir = config.dir(Server.CASSANDRA);
    Path yaml = dir.resolve("cassandra.yaml");
    Path logback = dir.resolve("logback.xml");
    try {
      Files.createDirectories(dir.resolve("data"));
      Files.writeString(yaml, yaml(dir.resolve("data")));
      Files.writeString(logback, logback());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> flags = new ArrayList<>(JDK17_FLAGS);
    flags.addAll(List.of(
        "-Dcassandra-foreground=yes",
        "-Dcassandra.config=" + yaml.toUri(),
        "-Dlogback.configurationFile=" + logback.toUri(),
        "-Dcassandra.logdir=" + dir.resolve("logs"),
        "-Dcassandra.storagedir=" + dir.resolve("data"),
        "-Dcassandra.skip_wait_for_gossip_to_settle=0",
        "-Dcassandra.superuser_setup_delay_ms=0",
        "-Dcassandra.ring_delay_ms=0",
        "-XX:+UseG1GC", "-Xss256k", "-XX:MaxDirectMemorySize=256m"));
    List<String> cmd = new ArrayList<>();
    // As root, Cassandra calls mlockall and its RSS balloons: drop CAP_IPC_LOCK when setpriv is there.
    if ("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
      cmd.addAll(List.of("/usr/bin/setpriv", "--bounding-set", "-ipc_lock", "--inh-caps", "-ipc_lock"));
    }
    cmd.addAll(Jvm.command(process.marker(), config.get("onder.cassandra.heap"), flags, Jvm.classpath(config, "cassandra"),
        "org.apache.cassandra.service.CassandraDaemon", List.of()));
    process.start(cmd, Map.of(), dir);
  }

  private String yaml(Path data) {
    return String.join("\n",
        "cluster_name: onder-local",
        "num_tokens: 1",
        "initial_token: 0",
        "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
        "endpoint_snitch: SimpleSnitch",
        "listen_address: 127.0.0.1",
        "rpc_address: 127.0.0.1",
        "storage_port: " + config.port("onder.cassandra.storage.port"),
        "native_transport_port: " + port(),
        "start_native_transport: true",
        "seed_provider:",
        "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
        "    parameters:",
        "      - seeds: \"127.0.0.1:" + config.port("onder.cassandra.storage.port") + "\"",
        "commitlog_sync: periodic",
        "commitlog_sync_period: 10000ms",
        "data_file_directories: [" + data.resolve("data") + "]",
        "commitlog_directory: " + data.resolve("commitlog"),
        "saved_caches_directory: " + data.resolve("saved_caches"),
        "hints_directory: " + data.resolve("hints"),
        "cdc_raw_directory: " + data.resolve("cdc_raw"),
        "auto_snapshot: false",
        "snapshot_on_duplicate_row_detection: false",
        "concurrent_compactors: 1",
        // Cassandra 5's settings for new clusters (its cassandra_latest.yaml): trie memtables with their cells off the
        // heap, and the unified compaction strategy for new tables. In the pipeline bench's measured hour, Cassandra
        // took 6.0-9.8 CPU-seconds in nine runs, against 8.1-12.1 in five with skip-list memtables on the heap and
        // size-tiered compaction (the readings/s of both were within the host's spread: 42-62k and 49-57k).
        "memtable:",
        "  configurations:",
        "    skiplist:",
        "      class_name: SkipListMemtable",
        "    trie:",
        "      class_name: TrieMemtable",
        "    default:",
        "      inherits: trie",
        "memtable_allocation_type: offheap_objects",
        "default_compaction:",
        "  class_name: UnifiedCompactionStrategy",
        "  parameters:",
        "    scaling_parameters: T4",
        "memtable_heap_space: " + config.get("onder.cassandra.memtable.space"),
        "memtable_offheap_space: " + config.get("onder.cassandra.memtable.space"),
        "key_cache_size: 8MiB",
        "dynamic_snitch: false",
        "");
  }

  private static String logback() {
    return """
        <configuration>
          <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%d %-5level [%thread] %logger{0} %msg%n</pattern></encoder>
          </appender>
          <root level="WARN"><appender-ref ref="STDOUT"/></root>
          <logger name="org.apache.cassandra.service.CassandraDaemon" level="INFO"/>
          <logger name="org.apache.cassandra.transport" level="INFO"/>
        </configuration>
        """;
  }

  /** A session for tools and tests: short schema debounce (DDL otherwise waits ~1 s), generous timeouts. */
  public CqlSession session(String keyspace) {
    var loader = DriverConfigLoader.programmaticBuilder()
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(15))
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(10))
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(10))
        .build();
    var b = CqlSession.builder().withConfigLoader(loader)
        .addContactPoint(new InetSocketAddress(config.host(), port())).withLocalDatacenter("datacenter1");
    if (keyspace != null) b.withKeyspace(keyspace);
    return b.build();
  }

  @Override
  public Health health() {
    if (!allRunning()) return Health.down("not running");
    try (CqlSession s = session(null)) {
      String version = s.execute("SELECT release_version FROM system.local").one().getString(0);
      return Health.up("Cassandra " + version);
    } catch (Exception e) {
      return Health.down(KafkaServer.rootMessage(e));
    }
  }
}
