package io.onder.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.stack.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerProcessTest {
  @Test
  void a_process_this_jvm_started_stays_ours_whatever_its_command_line_shows(@TempDir Path dir) throws Exception {
    // `sleep` names neither the marker nor the dir: only the start in this JVM says it is ours
    ServerProcess p = new ServerProcess("sleeper", dir);
    ProcessHandle h = p.start(List.of("sleep", "120"), Map.of(), dir);
    try {
      assertThat(p.running()).as("the process this JVM started").contains(h);
      assertThat(Files.exists(p.pidFile())).as("its pid file is kept").isTrue();
      assertThat(p.stop(Duration.ofSeconds(10))).isTrue();
      assertThat(h.isAlive()).isFalse();
      assertThat(p.running()).isEmpty();
    } finally {
      h.destroyForcibly();
    }
  }
}
