package io.onder.stack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One operating-system process of the stack, remembered by a pid file. The process carries a marker argument naming
 * its runtime dir and role, so a pid reused by an unrelated process after a crash is recognised as stale and never
 * signalled.
 */
public final class ServerProcess {
  /**
   * The processes this JVM started, by pid file: ours by construction, whatever /proc says of their command line at
   * the moment (just after the fork and during exec it can be the launcher's, or unreadable). Taking such a moment for
   * a stranger deleted the pid file of a server that went on to start fine, and the next start collided with it.
   */
  private static final Map<Path, ProcessHandle> SPAWNED = new java.util.concurrent.ConcurrentHashMap<>();

  private final String name;
  private final Path dir;
  private final String marker;

  public ServerProcess(String name, Path dir) {
    this.name = name;
    this.dir = dir;
    this.marker = "-Donder.stack.process=" + dir.toAbsolutePath() + "#" + name;
  }

  public String name() {
    return name;
  }

  public Path logFile() {
    return dir.resolve(name + ".log");
  }

  public Path pidFile() {
    return dir.resolve(name + ".pid");
  }

  /** The marker to put among a JVM's system properties; for non-JVM programs the pid file alone is trusted. */
  public String marker() {
    return marker;
  }

  /** The live process this pid file names, if it is still ours; a stale pid file is removed. */
  public Optional<ProcessHandle> running() {
    Path pf = pidFile();
    if (!Files.exists(pf)) return Optional.empty();
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pf).trim());
    } catch (IOException | NumberFormatException e) {
      deleteQuietly(pf);
      return Optional.empty();
    }
    ProcessHandle spawned = SPAWNED.get(pf.toAbsolutePath());
    Optional<ProcessHandle> h = spawned != null && spawned.pid() == pid
        ? Optional.of(spawned).filter(ProcessHandle::isAlive)
        : ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(this::isOurs);
    if (h.isEmpty()) deleteQuietly(pf);
    return h;
  }

  private boolean isOurs(ProcessHandle h) {
    // /proc/<pid>/cmdline is the authority on Linux; ProcessHandle.Info may truncate long command lines.
    Path cmdline = Path.of("/proc", Long.toString(h.pid()), "cmdline");
    try {
      String cmd = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ');
      return cmd.contains(marker) || cmd.contains(dir.toAbsolutePath().toString());
    } catch (IOException e) {
      return h.info().commandLine().map(c -> c.contains(marker)).orElse(false);
    }
  }

  /** Starts the command with output to the log file and records its pid. */
  public ProcessHandle start(List<String> command, Map<String, String> env, Path workDir) {
    try {
      Files.createDirectories(dir);
      ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(env);
      Process p = pb.start();
      Files.writeString(pidFile(), Long.toString(p.pid()));
      SPAWNED.put(pidFile().toAbsolutePath(), p.toHandle());
      awaitExec(p.toHandle());
      return p.toHandle();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Waits until the new process shows its own command line, for another JVM reading the pid file right after the start
   * ({@code bin/onder stack status}): just after the fork, /proc/PID/cmdline can still be the launcher's (the JDK's
   * spawn helper), and that JVM would take the process for a stranger. Bounded: a command that never names its marker
   * or dir is trusted after the deadline.
   */
  private void awaitExec(ProcessHandle h) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (h.isAlive() && !isOurs(h) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Stops the process gracefully (SIGTERM), then forcibly after the grace period, and waits until it is gone. */
  public boolean stop(Duration grace) {
    Optional<ProcessHandle> h = running();
    if (h.isEmpty()) return false;
    ProcessHandle p = h.get();
    List<ProcessHandle> children = new ArrayList<>(p.descendants().toList());
    p.destroy();
    try {
      p.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception timeout) {
      p.destroyForcibly();
      try {
        p.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(name + " (pid " + p.pid() + ") did not exit");
      }
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    deleteQuietly(pidFile());
    return true;
  }

  /** kill -9, for failure tests: the pid file stays, as after a real crash. */
  public void kill() {
    running().ifPresent(p -> {
      p.destroyForcibly();
      try {
        p.onExit().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(name + " (pid " + p.pid() + ") survived kill -9");
      }
    });
  }

  /** Resident set size in bytes, from /proc; 0 when unknown. */
  public static long rssBytes(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  /** The last lines of the log, for error messages. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a pid file we cannot delete is reported as stale again next time
    }
  }
}
