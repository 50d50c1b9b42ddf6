package io.onder.stack;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** One real server of the stack: started as separate processes on 127.0.0.1 and stopped by pid. */
public interface ManagedServer {
  Server kind();

  /** Where clients connect, e.g. {@code 127.0.0.1:19092}. */
  String endpoint();

  /** The processes making up this server (Flink has two). */
  List<ServerProcess> processes();

  /** Starts what is not running yet; returns at once, before the server is healthy. */
  void start();

  /** Asks the server a real question; never throws. */
  Health health();

  default boolean anyRunning() {
    return processes().stream().anyMatch(p -> p.running().isPresent());
  }

  default boolean allRunning() {
    return processes().stream().allMatch(p -> p.running().isPresent());
  }

  /** Stops every process of this server and waits until they are gone. */
  default void stop() {
    List<ServerProcess> ps = processes();
    for (int i = ps.size() - 1; i >= 0; i--) ps.get(i).stop(Duration.ofSeconds(20));
  }

  /** kill -9 of every process, as a crash would. */
  default void kill() {
    processes().forEach(ServerProcess::kill);
  }

  default long rssBytes() {
    return processes().stream().map(ServerProcess::running).flatMap(Optional::stream)
        .mapToLong(h -> ServerProcess.rssBytes(h.pid())).sum();
  }

  default String pids() {
    return String.join(",", processes().stream().map(ServerProcess::running).flatMap(Optional::stream)
        .map(h -> Long.toString(h.pid())).toList());
  }
}
