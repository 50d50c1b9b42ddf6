package io.onder.stack;

import com.datastax.oss.driver.api.core.CqlSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The four real servers of Onder on one machine. {@link #up} starts what is not running (a second up starts nothing
 * twice), waits until each answers a real request, and applies the topic and table definitions; {@link #down} stops
 * exactly the processes the stack started, by pid, and waits for them.
 */
public final class LocalStack {
  private final StackConfig config;
  private final Map<Server, ManagedServer> servers = new LinkedHashMap<>();

  public LocalStack(StackConfig config) {
    this.config = config;
    servers.put(Server.KAFKA, new KafkaServer(config));
    servers.put(Server.CASSANDRA, new CassandraServer(config));
    servers.put(Server.FLINK, new FlinkCluster(config));
    servers.put(Server.ANVIL, new AnvilNode(config));
  }

  public StackConfig config() {
    return config;
  }

  public KafkaServer kafka() {
    return (KafkaServer) servers.get(Server.KAFKA);
  }

  public CassandraServer cassandra() {
    return (CassandraServer) servers.get(Server.CASSANDRA);
  }

  public FlinkCluster flink() {
    return (FlinkCluster) servers.get(Server.FLINK);
  }

  public AnvilNode anvil() {
    return (AnvilNode) servers.get(Server.ANVIL);
  }

  public ManagedServer server(Server s) {
    return servers.get(s);
  }

  /** One row of the stack's report. */
  public record Status(Server server, String endpoint, String pids, long rssBytes, Health health, Path log, Duration startTime) {}

  /** Starts the given servers (all when empty), waits until healthy, applies definitions. */
  public List<Status> up(Set<Server> which, Consumer<String> progress) {
    Set<Server> wanted = which.isEmpty() ? EnumSet.allOf(Server.class) : EnumSet.copyOf(which);
    Duration timeout = Duration.ofSeconds(Long.parseLong(config.get("onder.up.timeout.seconds")));
    try (StackLock lock = lock()) {
      long t0 = System.nanoTime();
      Map<Server, Long> readyAt = new LinkedHashMap<>();
      List<ManagedServer> started = new ArrayList<>();
      for (Server s : wanted) {
        ManagedServer m = servers.get(s);
        if (m.allRunning()) {
          progress.accept(s.id + ": already running (pid " + m.pids() + ")");
          continue;
        }
        if (m.anyRunning()) progress.accept(s.id + ": partly running, starting the rest");
        m.start();
        started.add(m);
        progress.accept(s.id + ": started (pid " + m.pids() + "), waiting until healthy");
      }
      long deadline = t0 + timeout.toNanos();
      for (Server s : wanted) {
        ManagedServer m = servers.get(s);
        Health h = awaitHealthy(m, deadline);
        if (!h.ok()) {
          String tail = m.processes().stream().map(p -> "--- " + p.logFile() + "\n" + p.logTail(25)).reduce("", String::concat);
          throw new IllegalStateException(s.id + " is not healthy after " + timeout.toSeconds() + " s: " + h.detail() + "\n" + tail);
        }
        readyAt.put(s, System.nanoTime() - t0);
      }
      applyDefinitions(wanted, progress);
      List<Status> out = new ArrayList<>();
      for (Server s : wanted) {
        ManagedServer m = servers.get(s);
        out.add(new Status(s, m.endpoint(), m.pids(), m.rssBytes(), m.health(), m.processes().get(0).logFile(),
            started.contains(m) ? Duration.ofNanos(readyAt.get(s)) : null));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void applyDefinitions(Set<Server> wanted, Consumer<String> progress) {
    try {
      if (wanted.contains(Server.KAFKA)) {
        List<String> created = KafkaTopics.apply(kafka().adminProperties(), "");
        progress.accept("kafka: " + (created.isEmpty() ? "topics up to date" : "created " + created.size() + " topics"));
      }
      if (wanted.contains(Server.CASSANDRA)) {
        try (CqlSession s = cassandra().session(null)) {
          List<String> applied = CassandraSchema.apply(s, config.get("onder.cassandra.keyspace"));
          progress.accept("cassandra: " + (applied.isEmpty() ? "tables up to date" : "applied " + applied));
        }
      }
      if (wanted.contains(Server.ANVIL)) {
        int funded = anvil().fundAccounts();
        progress.accept("anvil: " + (funded == 0 ? "accounts funded" : "funded " + funded + " new accounts"));
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot apply the topic, table and account definitions: " + KafkaServer.rootMessage(e), e);
    }
  }

  /** Polls a server until it answers a real request or the deadline passes; a dead process ends the wait. */
  public static Health awaitHealthy(ManagedServer m, long deadlineNanos) {
    Health last = Health.down("not checked");
    while (System.nanoTime() < deadlineNanos) {
      if (!m.allRunning()) return Health.down("exited during start-up");
      if (portOpen(m.endpoint())) {
        last = m.health();
        if (last.ok()) return last;
      }
      try {
        Thread.sleep(250); // polling interval of a deadline-bounded wait
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Health.down("interrupted");
      }
    }
    return last;
  }

  static boolean portOpen(String endpoint) {
    String hostPort = endpoint.replaceFirst("^https?://", "");
    int colon = hostPort.lastIndexOf(':');
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public List<Status> status() {
    List<Status> out = new ArrayList<>();
    for (ManagedServer m : servers.values()) {
      out.add(new Status(m.kind(), m.endpoint(), m.pids(), m.rssBytes(), m.health(), m.processes().get(0).logFile(), null));
    }
    return out;
  }

  /** Stops every server the stack started; returns the servers that were running. */
  public List<Server> down(Consumer<String> progress) {
    try (StackLock lock = lock()) {
      List<Server> stopped = new ArrayList<>();
      List<ManagedServer> reverse = new ArrayList<>(servers.values());
      java.util.Collections.reverse(reverse);
      for (ManagedServer m : reverse) {
        if (!m.anyRunning()) continue;
        String pids = m.pids();
        m.stop();
        stopped.add(m.kind());
        progress.accept(m.kind().id + ": stopped (pid " + pids + ")");
      }
      return stopped;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts the chain afresh: stops anvil if it runs, deletes its saved chain ({@link AnvilNode#stateFile}: every block,
   * contract and balance of earlier runs, which grow with each run and slow every block), and starts it again. The
   * accounts stay those of the same mnemonic; contracts of earlier runs (a demo run kept with {@code --keep}) are gone.
   *
   * @return the chain's size before, in bytes, and the node's status after the start
   */
  public Reset resetChain(Consumer<String> progress) {
    long bytes;
    try (StackLock lock = lock()) {
      AnvilNode a = anvil();
      if (a.anyRunning()) {
        String pids = a.pids();
        a.stop();
        progress.accept("anvil: stopped (pid " + pids + ")");
      }
      bytes = Files.exists(a.stateFile()) ? Files.size(a.stateFile()) : 0;
      Files.deleteIfExists(a.stateFile());
      progress.accept(String.format("anvil: chain state removed (%,d bytes)", bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Reset(bytes, up(EnumSet.of(Server.ANVIL), progress));
  }

  /** What {@link #resetChain} did. */
  public record Reset(long stateBytesRemoved, List<Status> status) {}

  /** One launcher at a time per runtime dir: two concurrent ups would start everything twice. */
  private StackLock lock() throws IOException {
    Files.createDirectories(config.runtimeDir());
    FileChannel ch = FileChannel.open(config.runtimeDir().resolve("stack.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    ch.lock();
    return new StackLock(ch);
  }

  /** Closing the channel releases the lock. */
  private record StackLock(FileChannel channel) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
