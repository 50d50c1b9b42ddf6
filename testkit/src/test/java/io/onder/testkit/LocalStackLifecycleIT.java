package io.onder.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.stack.LocalStack;
import io.onder.stack.Server;
import io.onder.stack.ServerProcess;
import io.onder.stack.StackConfig;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The launcher's own promises, on a stack of its own (Kafka and anvil: the fastest two to start). */
class LocalStackLifecycleIT {
  LocalStack stack;
  final List<String> log = new ArrayList<>();

  @BeforeEach
  void stack() throws Exception {
    Properties p = new Properties();
    for (String k : List.of("onder.kafka.port", "onder.kafka.controller.port", "onder.anvil.port")) p.setProperty(k, Integer.toString(FreePorts.next()));
    stack = new LocalStack(StackConfig.isolated(Path.of("target/onder-it-stack-lifecycle", UUID.randomUUID().toString()), p));
  }

  @AfterEach
  void down() {
    stack.down(log::add);
  }

  @Test
  void up_twice_starts_nothing_twice_and_down_stops_exactly_what_it_started() {
    var first = stack.up(EnumSet.of(Server.KAFKA, Server.ANVIL), log::add);
    assertThat(first).allSatisfy(s -> assertThat(s.health().ok()).isTrue());
    long kafkaPid = Long.parseLong(stack.kafka().pids());
    long anvilPid = Long.parseLong(stack.anvil().pids());

    var second = stack.up(EnumSet.of(Server.KAFKA, Server.ANVIL), log::add);
    assertThat(second).allSatisfy(s -> assertThat(s.startTime()).as("started again").isNull());
    assertThat(stack.kafka().pids()).isEqualTo(Long.toString(kafkaPid));
    assertThat(log).anySatisfy(l -> assertThat(l).contains("kafka: already running"));

    assertThat(stack.down(log::add)).containsExactly(Server.ANVIL, Server.KAFKA);
    assertThat(ProcessHandle.of(kafkaPid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(ProcessHandle.of(anvilPid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(stack.status()).allSatisfy(s -> assertThat(s.health().ok()).isFalse());
  }

  @Test
  void a_stale_pid_file_is_cleaned_and_never_signalled() throws Exception {
    // After a crash the pid may belong to an unrelated process: here, this very test JVM.
    ServerProcess kafka = stack.kafka().processes().get(0);
    Files.createDirectories(kafka.pidFile().getParent());
    Files.writeString(kafka.pidFile(), Long.toString(ProcessHandle.current().pid()));

    assertThat(kafka.running()).isEmpty();
    assertThat(kafka.pidFile()).doesNotExist();
    assertThat(stack.down(log::add)).isEmpty();
  }

  @Test
  void the_stacks_accounts_are_funded_and_the_mnemonic_stays_off_the_nodes_command_line() throws Exception {
    stack.up(EnumSet.of(Server.ANVIL), log::add);
    List<String> accounts = stack.anvil().accountAddresses();
    assertThat(accounts).hasSize(Integer.parseInt(stack.config().get("onder.anvil.accounts"))).doesNotHaveDuplicates();
    for (String a : accounts) {
      assertThat(new BigInteger(stack.anvil().call("eth_getBalance", a, "latest").substring(2), 16)).as(a).isEqualTo(BigInteger.TEN.pow(22));
    }
    long pid = Long.parseLong(stack.anvil().pids());
    String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
    String mnemonic = stack.anvil().mnemonic();
    assertThat(cmdline).contains("--accounts 0");
    for (String word : mnemonic.split(" ")) assertThat(cmdline).doesNotContain(" " + word + " ");
    assertThat(log).noneMatch(line -> line.contains(mnemonic));
  }

  @Test
  void reset_starts_the_chain_afresh_with_the_same_accounts() throws Exception {
    stack.up(EnumSet.of(Server.ANVIL), log::add);
    List<String> accounts = stack.anvil().accountAddresses();
    String spender = accounts.get(1);
    stack.anvil().call("anvil_setBalance", spender, "0x1234");
    stack.anvil().call("evm_mine");
    long minedAt = System.currentTimeMillis();
    Path state = stack.anvil().stateFile();
    long interval = Long.parseLong(stack.config().get("onder.anvil.state.interval.seconds"));
    Await.until("a state dump after the mined block", Duration.ofSeconds(3 * interval + 5),
        () -> Files.exists(state) && state.toFile().lastModified() > minedAt + 1000);
    long pid = Long.parseLong(stack.anvil().pids());

    LocalStack.Reset r = stack.resetChain(log::add);
    assertThat(r.stateBytesRemoved()).isPositive();
    assertThat(r.status()).singleElement().satisfies(s -> assertThat(s.health().ok()).isTrue());
    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(Long.decode(stack.anvil().call("eth_blockNumber"))).as("the mined block is gone").isZero();
    assertThat(stack.anvil().accountAddresses()).isEqualTo(accounts);
    assertThat(new BigInteger(stack.anvil().call("eth_getBalance", spender, "latest").substring(2), 16)).as("funded afresh")
        .isEqualTo(BigInteger.TEN.pow(22));
  }

  @Test
  void a_crashed_server_is_reported_down_then_restarted_with_its_data() throws Exception {
    stack.up(EnumSet.of(Server.ANVIL), log::add);
    String before = stack.anvil().call("eth_chainId");
    // an account that has spent part of its balance keeps what is left across a restart: it is not funded again
    String spender = stack.anvil().accountAddresses().get(1);
    stack.anvil().call("anvil_setBalance", spender, "0x1234");
    stack.anvil().call("evm_mine");
    long block = Long.decode(stack.anvil().call("eth_blockNumber"));
    // anvil dumps its state every onder.anvil.state.interval.seconds: wait for a dump written after the block was mined
    Path state = stack.config().dir(Server.ANVIL).resolve("state.json");
    long minedAt = System.currentTimeMillis();
    long interval = Long.parseLong(stack.config().get("onder.anvil.state.interval.seconds"));
    Await.until("a state dump after the mined block", Duration.ofSeconds(3 * interval + 5),
        () -> Files.exists(state) && state.toFile().lastModified() > minedAt + 1000);
    stack.anvil().kill();
    assertThat(stack.anvil().health().ok()).isFalse();

    var again = stack.up(EnumSet.of(Server.ANVIL), log::add);
    assertThat(again.get(0).startTime()).as("restarted").isNotNull();
    assertThat(stack.anvil().call("eth_chainId")).isEqualTo(before);
    assertThat(Long.decode(stack.anvil().call("eth_blockNumber"))).isGreaterThanOrEqualTo(block);
    assertThat(stack.anvil().call("eth_getBalance", spender, "latest")).isEqualTo("0x1234");
  }
}
