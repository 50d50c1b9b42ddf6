package io.onder.testkit;

import io.onder.stack.LocalStack;
import io.onder.stack.Server;
import io.onder.stack.StackConfig;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The servers of one test JVM: started on first need, stopped when JUnit closes the root store (or the JVM exits). */
final class SharedStack implements ExtensionContext.Store.CloseableResource {
  private final LocalStack stack;
  private final Set<Server> started = EnumSet.noneOf(Server.class);
  private final Thread shutdownHook;

  SharedStack() {
    Path runtime = Path.of(System.getProperty("onder.it.runtime.dir", "target/onder-it-stack")).toAbsolutePath();
    // A previous run that was killed may have left servers behind: stop them before anything else.
    new LocalStack(StackConfig.isolated(runtime, new Properties())).down(msg -> log("leftover from an earlier run " + msg));
    Properties overrides = new Properties();
    overrides.setProperty("onder.up.timeout.seconds", "180");
    this.stack = new LocalStack(StackConfig.isolatedOnFreePorts(runtime, overrides));
    this.shutdownHook = new Thread(this::stopAll, "onder-testkit-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  LocalStack stack() {
    return stack;
  }

  synchronized void ensure(Set<Server> servers) {
    EnumSet<Server> missing = EnumSet.noneOf(Server.class);
    for (Server s : servers) if (!started.contains(s) || !stack.server(s).allRunning()) missing.add(s);
    if (missing.isEmpty()) return;
    long t0 = System.nanoTime();
    stack.up(missing, msg -> log(msg));
    started.addAll(missing);
    log(String.format("%s healthy in %.1f s", missing, (System.nanoTime() - t0) / 1e9));
  }

  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or has run
    }
  }

  private synchronized void stopAll() {
    stack.down(msg -> log(msg));
    started.clear();
  }

  private static void log(String msg) {
    System.out.println("[onder-testkit] " + msg);
  }
}
