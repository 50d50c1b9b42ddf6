package io.onder.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Kafka in KRaft mode, one node acting as broker and controller, from the jars Maven resolved. */
public final class KafkaServer implements ManagedServer {
  private final StackConfig config;
  private final ServerProcess process;

  public KafkaServer(StackConfig config) {
    this.config = config;
    this.process = new ServerProcess("kafka", config.dir(Server.KAFKA));
  }

  @Override
  public Server kind() {
    return Server.KAFKA;
  }

  @Override
  public String endpoint() {
    return bootstrapServers();
  }

  public String bootstrapServers() {
    return config.host() + ":" + config.port("onder.kafka.port");
  }

  @Override
  public List<ServerProcess> processes() {
    return List.of(process);
  }

  @Override
  public void start() {
    if (process.running().isPresent()) return;
    Path dir = config.dir(Server.KAFKA);
    Path props = dir.resolve("server.properties");
    Path data = dir.resolve("data");
    String cp = Jvm.classpath(config, "kafka");
    try {
      Files.createDirectories(data);
      Files.writeString(props, serverProperties(data));
      Files.writeString(dir.resolve("log4j2.properties"), log4j());
      if (!Files.exists(data.resolve("meta.properties"))) {
        format(cp, props, dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> flags = List.of("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties").toUri(),
        "-Dkafka.logs.dir=" + dir.resolve("logs"));
    process.start(Jvm.command(process.marker(), config.get("onder.kafka.heap"), flags, cp, "kafka.Kafka",
        List.of(props.toString())), Map.of(), dir);
  }

  /** A random cluster id; passed as --cluster-id=ID because an id may begin with '-', which a separate argument would not survive. */
  private void format(String cp, Path props, Path dir) throws IOException {
    String clusterId = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(java.nio.ByteBuffer.allocate(16)
            .putLong(java.util.UUID.randomUUID().getMostSignificantBits())
            .putLong(java.util.UUID.randomUUID().getLeastSignificantBits()).array());
    List<String> cmd = Jvm.command("-Donder.stack.tool=kafka-format", "256m",
        List.of("-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties").toUri()), cp,
        "kafka.tools.StorageTool", List.of("format", "--cluster-id=" + clusterId, "--config", props.toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(process.logFile().toFile())).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("formatting Kafka's storage took over 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted while formatting Kafka's storage", e);
    }
    if (p.exitValue() != 0) throw new IllegalStateException("formatting Kafka's storage failed:\n" + process.logTail(20));
  }

  private String serverProperties(Path data) {
    int port = config.port("onder.kafka.port");
    int controller = config.port("onder.kafka.controller.port");
    return String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controller,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + data,
        "num.partitions=1",
        "auto.create.topics.enable=false",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=4",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "transaction.state.log.num.partitions=4",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "log.segment.bytes=67108864",
        "num.network.threads=2",
        "num.io.threads=4",
        "") ;
  }

  private static String log4j() {
    return String.join("\n",
        "rootLogger.level=WARN",
        "rootLogger.appenderRef.stdout.ref=STDOUT",
        "appender.stdout.type=Console",
        "appender.stdout.name=STDOUT",
        "appender.stdout.layout.type=PatternLayout",
        "appender.stdout.layout.pattern=[%d] %p %m (%c)%n",
        "logger.kafka.name=kafka",
        "logger.kafka.level=INFO",
        "logger.server.name=kafka.server.KafkaRaftServer",
        "logger.server.level=INFO",
        "");
  }

  public Properties adminProperties() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    return p;
  }

  @Override
  public Health health() {
    if (!allRunning()) return Health.down("not running");
    try (Admin admin = Admin.create(adminProperties())) {
      var cluster = admin.describeCluster();
      int nodes = cluster.nodes().get(5, TimeUnit.SECONDS).size();
      String id = cluster.clusterId().get(5, TimeUnit.SECONDS);
      int topics = admin.listTopics().names().get(5, TimeUnit.SECONDS).size();
      return nodes > 0 ? Health.up(nodes + " broker, cluster " + id + ", " + topics + " topics") : Health.down("no broker");
    } catch (Exception e) {
      return Health.down(rootMessage(e));
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) t = t.getCause();
    return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }
}
