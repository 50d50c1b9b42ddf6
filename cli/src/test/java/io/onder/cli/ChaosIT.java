package io.onder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.cli.chaos.Chaos;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The fault suite in a bounded size, as {@code bin/onder chaos} runs it: a stack of its own on free ports, the
 * gateway, Kafka, the TaskManager, Cassandra, the bridge and the Ethereum node each killed with kill -9 under load,
 * and every proof holding afterwards.
 */
class ChaosIT {
  @Test
  void after_six_kill_9_faults_nothing_acknowledged_is_missing_and_the_ledger_and_chain_equal_an_undisturbed_run() throws Exception {
    Chaos.Settings d = Chaos.Settings.defaults();
    Chaos.Settings s = new Chaos.Settings(20, 2, 1, d.start(), d.hours(), d.speed(), d.readingEvery(), d.packSize(), d.seed(), d.down(), false);
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(new Tee(System.out, copy), true, StandardCharsets.UTF_8);
    boolean passed = ChaosCommand.run(Path.of("target/onder-chaos-stack").toAbsolutePath(), s, out);
    String report = copy.toString(StandardCharsets.UTF_8);
    assertThat(report).contains("ethereum node (anvil)").contains("flink taskmanager").contains("chaos suite PASSED");
    assertThat(passed).as(report).isTrue();
  }

  /** Writes to the console and keeps a copy for the assertion message. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      b.write(c);
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      b.write(buf, off, len);
    }
  }
}
