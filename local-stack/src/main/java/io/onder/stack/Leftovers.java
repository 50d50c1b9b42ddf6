package io.onder.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds server processes that integration tests started and did not stop: any process whose command line names a
 * test runtime dir ({@code .../target/onder-it-stack}). Run at the end of {@code mvn verify}; exits 1 when one is left.
 */
public final class Leftovers {
  static final String TEST_RUNTIME = "/target/onder-it-stack";

  private Leftovers() {}

  public static List<String> find(Path under) {
    List<String> found = new ArrayList<>();
    String root = under.toAbsolutePath().normalize().toString();
    long self = ProcessHandle.current().pid();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
        if (Long.parseLong(p.getFileName().toString()) == self) continue;
        String cmd;
        try {
          cmd = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException gone) {
          continue;
        }
        if (cmd.contains(root) && cmd.contains(TEST_RUNTIME) && !cmd.contains("Leftovers")) {
          found.add(p.getFileName() + " " + (cmd.length() > 160 ? cmd.substring(0, 160) + "..." : cmd));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return found;
  }

  public static void main(String[] args) {
    Path under = Path.of(args.length > 0 ? args[0] : ".");
    List<String> left = find(under);
    if (left.isEmpty()) {
      System.out.println("[onder] no server process left running by the tests under " + under.toAbsolutePath().normalize());
      return;
    }
    System.err.println("[onder] server processes left running by the tests:");
    left.forEach(l -> System.err.println("  " + l));
    System.exit(1);
  }
}
