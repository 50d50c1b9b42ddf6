package io.onder.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Where the stack lives and which ports and heaps it uses. Defaults are in {@code onder/stack/defaults.properties};
 * a system property or an environment variable ({@code onder.kafka.port} or {@code ONDER_KAFKA_PORT}) overrides one.
 */
public final class StackConfig {
  private final Properties values;
  private final Path home;
  private final Path runtimeDir;

  private StackConfig(Properties values, Path home, Path runtimeDir) {
    this.values = values;
    this.home = home;
    this.runtimeDir = runtimeDir;
  }

  /** The stack an operator runs: runtime dir {@code <home>/.onder}, ports from the defaults file. */
  public static StackConfig local() {
    Path home = projectHome();
    Properties p = defaults();
    return new StackConfig(p, home, Path.of(value(p, "onder.runtime.dir", home.resolve(".onder").toString())).toAbsolutePath());
  }

  /** A stack in its own runtime dir with the given port map, for tests that must not touch the operator's stack. */
  public static StackConfig isolated(Path runtimeDir, Properties overrides) {
    Properties p = defaults();
    p.putAll(overrides);
    return new StackConfig(p, projectHome(), runtimeDir.toAbsolutePath());
  }

  /** Every port a stack listens on. */
  public static final java.util.List<String> PORT_KEYS = java.util.List.of("onder.kafka.port", "onder.kafka.controller.port",
      "onder.cassandra.port", "onder.cassandra.storage.port", "onder.flink.rest.port", "onder.flink.rpc.port",
      "onder.flink.blob.port", "onder.anvil.port");

  /**
   * A stack in its own runtime dir on ports free now (on 127.0.0.1, below the ephemeral range), so that it runs
   * beside the operator's stack without touching it: the test servers, the chaos suite.
   */
  public static StackConfig isolatedOnFreePorts(Path runtimeDir, Properties overrides) {
    Properties ports = new Properties();
    java.util.Set<Integer> taken = new java.util.HashSet<>();
    for (String key : PORT_KEYS) {
      int port;
      do port = freePort(); while (!taken.add(port));
      ports.setProperty(key, Integer.toString(port));
    }
    ports.putAll(overrides);
    return isolated(runtimeDir, ports);
  }

  /** A TCP port free now on 127.0.0.1, between 20000 and 32000 (below this machine's ephemeral range). */
  public static int freePort() {
    for (int i = 0; i < 200; i++) {
      int p = java.util.concurrent.ThreadLocalRandom.current().nextInt(20000, 32000);
      try (java.net.ServerSocket s = new java.net.ServerSocket(p, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
        return p;
      } catch (java.io.IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port between 20000 and 32000");
  }

  /** The repository's root: {@code -Donder.home}, {@code ONDER_HOME}, or the nearest parent holding local-stack/. */
  public static Path projectHome() {
    String explicit = System.getProperty("onder.home", System.getenv("ONDER_HOME"));
    if (explicit != null && !explicit.isBlank()) return Path.of(explicit).toAbsolutePath().normalize();
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (d.resolve("local-stack").toFile().isDirectory() && d.resolve("pom.xml").toFile().isFile()) return d;
    }
    throw new IllegalStateException("cannot find the Onder checkout from " + dir + ": set ONDER_HOME");
  }

  private static Properties defaults() {
    Properties p = new Properties();
    try (InputStream in = StackConfig.class.getResourceAsStream("/onder/stack/defaults.properties")) {
      if (in == null) throw new IllegalStateException("onder/stack/defaults.properties is missing");
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  private static String value(Properties p, String key, String fallback) {
    String sys = System.getProperty(key);
    if (sys != null) return sys;
    String env = System.getenv(key.toUpperCase().replace('.', '_').replace('-', '_'));
    if (env != null) return env;
    return p.getProperty(key, fallback);
  }

  public String get(String key) {
    String v = value(values, key, null);
    if (v == null) throw new IllegalArgumentException("no setting " + key);
    return v;
  }

  public int port(String key) {
    return Integer.parseInt(get(key));
  }

  public Path home() {
    return home;
  }

  public Path runtimeDir() {
    return runtimeDir;
  }

  public Path dir(Server server) {
    return runtimeDir.resolve(server.id);
  }

  public String host() {
    return "127.0.0.1";
  }
}
