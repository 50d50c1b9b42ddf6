package io.onder.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Flink standalone session cluster assembled from Maven Central jars (flink-dist is not published there):
 * one JobManager with the REST API and web UI, one TaskManager.
 */
public final class FlinkCluster implements ManagedServer {
  /** Flink's default env.java.default-opts.all on JDK 17; its shell scripts would add these, we start the JVMs ourselves. */
  private static final List<String> JDK17_FLAGS = List.of(
      "-XX:+IgnoreUnrecognizedVMOptions",
      "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
      "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
      "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
      "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.text=ALL-UNNAMED",
      "--add-opens=java.base/java.time=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

  private final StackConfig config;
  private final ServerProcess jobManager;
  private final ServerProcess taskManager;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public FlinkCluster(StackConfig config) {
    this.config = config;
    this.jobManager = new ServerProcess("jobmanager", config.dir(Server.FLINK));
    this.taskManager = new ServerProcess("taskmanager", config.dir(Server.FLINK));
  }

  @Override
  public Server kind() {
    return Server.FLINK;
  }

  @Override
  public String endpoint() {
    return restUrl();
  }

  public String restUrl() {
    return "http://" + config.host() + ":" + config.port("onder.flink.rest.port");
  }

  @Override
  public List<ServerProcess> processes() {
    return List.of(jobManager, taskManager);
  }

  public ServerProcess taskManager() {
    return taskManager;
  }

  public Path confDir() {
    return config.dir(Server.FLINK).resolve("conf");
  }

  @Override
  public void start() {
    writeConfig();
    String cp = Jvm.classpath(config, "flink");
    if (jobManager.running().isEmpty()) {
      List<String> mem = memoryParams(cp, "GET_JM_RESOURCE_PARAMS");
      startRole(jobManager, cp, mem.get(0), List.of(),
          "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
    }
    startTaskManager();
  }

  /** Starts a TaskManager if none runs (also used after a kill -9 in failure tests). */
  public void startTaskManager() {
    if (taskManager.running().isPresent()) return;
    writeConfig();
    String cp = Jvm.classpath(config, "flink");
    List<String> tm = memoryParams(cp, "GET_TM_RESOURCE_PARAMS");
    startRole(taskManager, cp, tm.get(0), Arrays.asList(tm.get(1).trim().split("\\s+")),
        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
  }

  private void startRole(ServerProcess role, String cp, String jvmParams, List<String> dynamic, String main) {
    List<String> flags = new ArrayList<>(JDK17_FLAGS);
    flags.addAll(Arrays.asList(jvmParams.trim().split("\\s+")));
    flags.add("-Dlog.file=" + role.logFile());
    flags.add("-Dlog4j.configurationFile=" + confDir().resolve("log4j.properties").toUri());
    List<String> args = new ArrayList<>(List.of("--configDir", confDir().toString()));
    args.addAll(dynamic);
    role.start(Jvm.command(role.marker(), null, flags, cp, main, args),
        Map.of("FLINK_CONF_DIR", confDir().toString()), config.dir(Server.FLINK));
  }

  /** Flink's own memory calculation (what its shell scripts call), so the JVMs get exactly what the config asks. */
  private List<String> memoryParams(String cp, String which) {
    List<String> cmd = Jvm.command("-Donder.stack.tool=flink-memory", "128m", List.of(), cp,
        "org.apache.flink.runtime.util.bash.BashJavaUtils", List.of(which, "--configDir", confDir().toString()));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("Flink's memory calculation failed:\n" + out);
      }
      List<String> results = out.lines().filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
          .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length())).toList();
      if (results.isEmpty()) throw new IllegalStateException("Flink's memory calculation printed no result:\n" + out);
      return results;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void writeConfig() {
    Path dir = config.dir(Server.FLINK);
    try {
      Files.createDirectories(confDir());
      Files.createDirectories(dir.resolve("tmp"));
      Files.writeString(confDir().resolve("config.yaml"), String.join("\n",
          "jobmanager.rpc.address: 127.0.0.1",
          "jobmanager.rpc.port: " + config.port("onder.flink.rpc.port"),
          "jobmanager.bind-host: 127.0.0.1",
          "jobmanager.memory.process.size: " + config.get("onder.flink.jobmanager.process.size"),
          // each job submitted through the REST API runs its main() in the JobManager and loads the job jar's classes
          // there: a long-lived stack that runs many jobs (demos, chaos runs, upgrades) needs room for them
          "jobmanager.memory.jvm-metaspace.size: 512m",
          "taskmanager.bind-host: 127.0.0.1",
          "taskmanager.host: 127.0.0.1",
          // a port of its own each start: a TaskManager restarted on its old address is refused by the JobManager,
          // which quarantined that address when the old one died ("read-only association"), and never registers
          "taskmanager.rpc.port: 0",
          "taskmanager.memory.process.size: " + config.get("onder.flink.taskmanager.process.size"),
          // the jobs keep their state on the heap (the hashmap backend), which uses no managed memory: Flink's
          // default would set 40 % of the process aside for it, unused, and leave the keyed state of a big fleet short
          "taskmanager.memory.managed.size: 32m",
          "taskmanager.numberOfTaskSlots: " + config.get("onder.flink.slots"),
          "parallelism.default: " + config.get("onder.flink.parallelism"),
          "rest.address: 127.0.0.1",
          "rest.bind-address: 127.0.0.1",
          "rest.port: " + config.port("onder.flink.rest.port"),
          "blob.server.port: " + config.port("onder.flink.blob.port"),
          "heartbeat.interval: 2000",
          "heartbeat.timeout: 10000",
          "io.tmp.dirs: " + dir.resolve("tmp"),
          "web.tmpdir: " + dir.resolve("tmp"),
          "execution.checkpointing.dir: " + dir.resolve("checkpoints").toUri(),
          "execution.checkpointing.savepoint-dir: " + dir.resolve("savepoints").toUri(),
          "restart-strategy.type: fixed-delay",
          "restart-strategy.fixed-delay.attempts: 1000",
          "restart-strategy.fixed-delay.delay: 1 s",
          "classloader.check-leaked-classloader: false",
          ""));
      Files.writeString(confDir().resolve("log4j.properties"), String.join("\n",
          "rootLogger.level = WARN",
          "rootLogger.appenderRef.console.ref = ConsoleAppender",
          "appender.console.name = ConsoleAppender",
          "appender.console.type = CONSOLE",
          "appender.console.layout.type = PatternLayout",
          "appender.console.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-40c{1} - %m%n",
          "logger.entry.name = org.apache.flink.runtime.entrypoint",
          "logger.entry.level = INFO",
          "logger.exec.name = org.apache.flink.runtime.executiongraph",
          "logger.exec.level = INFO",
          // the Kafka sink registers its committer metrics once per transaction: a name collision warning each time
          "logger.metrics.name = org.apache.flink.runtime.metrics.groups",
          "logger.metrics.level = ERROR",
          ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** GET a REST path of the JobManager, parsed as JSON. */
  public JsonNode rest(String path) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(restUrl() + path)).timeout(Duration.ofSeconds(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IOException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
    return new ObjectMapper().readTree(r.body());
  }

  @Override
  public Health health() {
    if (!allRunning()) return Health.down(jobManager.running().isEmpty() ? "jobmanager not running" : "taskmanager not running");
    try {
      JsonNode o = rest("/overview");
      int tms = o.path("taskmanagers").asInt();
      String detail = "Flink " + o.path("flink-version").asText() + ", " + tms + " taskmanager, "
          + o.path("slots-available").asInt() + "/" + o.path("slots-total").asInt() + " slots free, "
          + o.path("jobs-running").asInt() + " jobs running";
      return tms > 0 ? Health.up(detail) : Health.down(detail);
    } catch (Exception e) {
      return Health.down(KafkaServer.rootMessage(e));
    }
  }
}
