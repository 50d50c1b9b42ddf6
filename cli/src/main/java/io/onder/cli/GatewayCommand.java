package io.onder.cli;

import io.onder.ingest.GatewayConfig;
import io.onder.ingest.Main;
import io.onder.stack.LocalStack;
import io.onder.stack.StackConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "gateway", mixinStandardHelpOptions = true,
    description = {"Run the device gateway (CoAP over DTLS) and the DR API in the foreground against the local stack; Ctrl-C stops it.",
        "Defaults: Kafka and Cassandra of the local stack, keyspace onder, DR tokens from .onder/ingest/dr-tokens.properties "
            + "(bin/onder dr token) when present. Every key of onder-ingest.properties can be set in --config or with -Dkey=value."})
final class GatewayCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "Properties overriding the defaults (keys of onder-ingest.properties)")
  Path config;

  /** The gateway's configuration: the local stack's endpoints, then the file, then -D system properties. */
  static GatewayConfig config(StackConfig stack, Path file) throws java.io.IOException {
    LocalStack ls = new LocalStack(stack);
    Properties p = new Properties();
    p.setProperty("onder.kafka.bootstrap", ls.kafka().bootstrapServers());
    p.setProperty("onder.cassandra.contact", ls.cassandra().endpoint());
    p.setProperty("onder.cassandra.keyspace", stack.get("onder.cassandra.keyspace"));
    Path tokens = DrCommand.tokensFile(stack);
    if (Files.isRegularFile(tokens)) p.setProperty("onder.dr.tokens.file", tokens.toString());
    if (file != null) {
      if (!Files.isRegularFile(file)) throw new IllegalArgumentException("--config " + file + ": no such file");
      try (InputStream in = Files.newInputStream(file)) {
        p.load(in);
      }
    }
    for (String k : System.getProperties().stringPropertyNames()) if (k.startsWith("onder.") && !k.equals("onder.home")) p.setProperty(k, System.getProperty(k));
    return new GatewayConfig(p);
  }

  @Override
  public Integer call() throws Exception {
    StackConfig stack = StackConfig.local();
    GatewayConfig gc = config(stack, config);
    if (!"127.0.0.1".equals(gc.bind())) System.err.println("note: binding to " + gc.bind() + " (onder.ingest.bind), not 127.0.0.1");
    AutoCloseable running;
    try {
      running = Main.start(gc, Clock.systemUTC(), System.out);
    } catch (com.datastax.oss.driver.api.core.AllNodesFailedException e) {
      System.err.println("onder: Cassandra is not reachable at " + gc.get("onder.cassandra.contact") + " (bin/onder stack up)");
      return 1;
    }
    System.out.println("keyspace " + gc.get("onder.cassandra.keyspace") + ", Kafka " + gc.get("onder.kafka.bootstrap")
        + (gc.metricsPort() > 0 ? ", metrics http://" + gc.bind() + ":" + gc.metricsPort() + "/metrics" : ""));
    if (gc.get("onder.dr.tokens.file").isEmpty()) {
      System.out.println("DR API: off (no tokens file; create one with bin/onder dr token <utility>, then restart the gateway)");
    }
    System.out.println("running; Ctrl-C stops it");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        running.close();
      } catch (Exception e) {
        System.err.println("onder: while stopping: " + e.getMessage());
      }
      System.out.println("gateway stopped");
      stopped.countDown();
    }, "onder-gateway-stop"));
    stopped.await();
    return 0;
  }
}
