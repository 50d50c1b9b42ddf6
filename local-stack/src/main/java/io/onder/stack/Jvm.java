package io.onder.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds java command lines for the servers: the running JDK, a classpath file written by the build. */
final class Jvm {
  private Jvm() {}

  static String java() {
    String home = System.getProperty("java.home");
    return Path.of(home, "bin", "java").toString();
  }

  /** The classpath a servers/* module wrote at build time (dependency:build-classpath). */
  static String classpath(StackConfig config, String module) {
    Path file = config.home().resolve("local-stack/servers").resolve(module).resolve("target/classpath.txt");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(file + " is missing: build first (mvn -DskipTests install, which bin/onder runs)");
    }
    try {
      return Files.readString(file).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> command(String marker, String heap, List<String> flags, String classpath, String mainClass, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.add(marker);
    if (heap != null) {
      cmd.add("-Xms" + heap);
      cmd.add("-Xmx" + heap);
    }
    cmd.add("-XX:+UseG1GC");
    cmd.add("-Djava.net.preferIPv4Stack=true");
    cmd.addAll(flags);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }
}
