package io.onder.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.onder.avro.OwedAmount;
import io.onder.avro.ReceiptStatus;
import io.onder.avro.SettlementBatch;
import io.onder.avro.SettlementReceipt;
import io.onder.bridge.contracts.ChannelHub;
import io.onder.schemas.AvroSerde;
import io.onder.schemas.Topics;
import io.onder.stack.Server;
import io.onder.testkit.Await;
import io.onder.testkit.RealServers;
import io.onder.testkit.TestAnvil;
import io.onder.testkit.TestCassandra;
import io.onder.testkit.TestKafka;
import java.io.File;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.utils.Numeric;

/** The bridge end to end on real Kafka, Cassandra and anvil: from a Kafka batch to tokens in owners' wallets. */
@RealServers({Server.KAFKA, Server.CASSANDRA, Server.ANVIL})
class BridgeIT {
  private static final long FUNDED = 1_000_000_000_000L;
  private Fixture f;
  private Deployment d;
  private ChannelHub hub;
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();

  @BeforeEach
  void deploy(TestAnvil anvil) throws Exception {
    f = Fixture.deploy(anvil);
    // the bridge's one key both signs vouchers and sends batches
    d = Deployment.deploy(f.chain, f.admin, f.hubKey.getAddress(), f.hubKey.getAddress(), f.fund.getAddress());
    d.fundHub(f.chain, f.admin, FUNDED);
    hub = ChannelHub.load(d.hub().getContractAddress(), f.chain.web3j(), f.chain.txManager(f.hubKey), f.chain.gasProvider(Deployment.GAS_LIMIT));
  }

  @AfterEach
  void stop() throws Exception {
    stop.set(true);
    for (Thread t : threads) t.join(30_000);
    f.close();
  }

  private static SettlementBatch batch(String id, long period, Map<String, Long> owed) {
    List<OwedAmount> list = new ArrayList<>();
    long total = 0;
    for (var e : owed.entrySet()) {
      list.add(new OwedAmount(e.getKey().toLowerCase(), e.getValue()));
      total += e.getValue();
    }
    return SettlementBatch.newBuilder().setBatchId(id).setSettlementPeriod(period).setPeriodEnd(Instant.ofEpochSecond(1_700_000_000L + period))
        .setRulebookVersion("r1").setOwed(list).setTotalCumulative(total).build();
  }

  private static KafkaProducer<String, SettlementBatch> batches(TestKafka kafka) {
    return new KafkaProducer<>(kafka.producerProperties(), new StringSerializer(), AvroSerde.of(SettlementBatch.class));
  }

  /** Collects receipts from Kafka in the background, by batch id. */
  private Map<String, List<SettlementReceipt>> receipts(TestKafka kafka) {
    Map<String, List<SettlementReceipt>> seen = new ConcurrentHashMap<>();
    Properties p = kafka.consumerProperties("receipts-reader");
    Thread t = new Thread(() -> {
      try (var c = new KafkaConsumer<>(p, new StringDeserializer(), AvroSerde.of(SettlementReceipt.class))) {
        c.subscribe(List.of(kafka.topic(Topics.SETTLEMENT_RECEIPTS)));
        while (!stop.get()) {
          for (var r : c.poll(Duration.ofMillis(100))) seen.computeIfAbsent(r.key(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(r.value());
        }
      }
    }, "receipts-reader");
    t.start();
    threads.add(t);
    return seen;
  }

  private void startInProcessBridge(TestKafka kafka, CqlSession session) throws Exception {
    Chain chain = new Chain(rpc, f.chain.chainId(), f.hubKey, 1, Duration.ofSeconds(30));
    ChannelHub asBridge = ChannelHub.load(hub.getContractAddress(), chain.web3j(), chain.txManager(), chain.gasProvider(Deployment.GAS_LIMIT));
    var producer = new KafkaProducer<String, SettlementReceipt>(kafka.producerProperties(), new StringSerializer(), AvroSerde.of(SettlementReceipt.class));
    Properties cp = kafka.consumerProperties("bridge");
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    var consumer = new KafkaConsumer<String, SettlementBatch>(cp, new StringDeserializer(), AvroSerde.of(SettlementBatch.class));
    SettlementBridge bridge = new SettlementBridge(chain, asBridge, new VoucherSigner(f.hubKey, chain.chainId(), hub.getContractAddress()),
        new SettlementStore(session), producer, kafka.topic(Topics.SETTLEMENT_RECEIPTS), 0, 400, Clock.systemUTC());
    Thread t = new Thread(() -> {
      try {
        bridge.run(consumer, kafka.topic(Topics.SETTLEMENT_BATCHES), stop);
      } finally {
        consumer.close();
        producer.close();
        chain.close();
      }
    }, "bridge");
    t.start();
    threads.add(t);
  }

  private String rpc;

  private void writeOwed(CqlSession s, Map<String, Long> owed) {
    var ps = s.prepare("INSERT INTO owed (owner_address, cumulative_amount, settlement_period, batch_id) VALUES (?, ?, 0, 'test')");
    for (var e : owed.entrySet()) s.execute(ps.bind(e.getKey().toLowerCase(), e.getValue()));
  }

  @Test
  void a_kafka_batch_ends_as_tokens_in_owners_wallets_with_vouchers_receipts_and_a_clean_reconcile(
      TestAnvil anvil, TestKafka kafka, TestCassandra cassandra) throws Exception {
    rpc = anvil.rpcUrl();
    try (CqlSession session = cassandra.session(); var producer = batches(kafka)) {
      var seen = receipts(kafka);
      startInProcessBridge(kafka, session);
      Map<String, Long> owed = new HashMap<>();
      owed.put(f.alice.getAddress(), 1_500_000L);
      owed.put(f.bob.getAddress(), 2_000_000L);
      owed.put(f.carol.getAddress(), 0L);
      producer.send(new ProducerRecord<>(kafka.topic(Topics.SETTLEMENT_BATCHES), "p1", batch("p1", 1, owed))).get();
      Await.until("receipt of p1", Duration.ofSeconds(60), () -> seen.containsKey("p1"));
      SettlementReceipt r = seen.get("p1").get(0);
      assertThat(r.getStatus()).isEqualTo(ReceiptStatus.CONFIRMED);
      assertThat(r.getPayees()).isEqualTo(2);
      assertThat(r.getPaidTotal()).isEqualTo(3_500_000L);
      assertThat(r.getChainId()).isEqualTo(anvil.chainId());
      assertThat(r.getHub()).isEqualToIgnoringCase(hub.getContractAddress());
      var row = session.execute("SELECT tx_hash, paid_total, status FROM settlement_receipts WHERE batch_id = 'p1'").one();
      assertThat(row.getString(0)).isEqualTo(r.getTxHash());
      assertThat(row.getString(2)).isEqualTo("CONFIRMED");

      // the owners take their tokens
      ChannelHub.load(hub.getContractAddress(), f.chain.web3j(), f.chain.txManager(f.alice), f.chain.gasProvider(Deployment.GAS_LIMIT))
          .withdraw(f.alice.getAddress()).send();
      assertThat(d.market().balanceOf(f.alice.getAddress()).send()).isEqualTo(BigInteger.valueOf(1_500_000));

      // bob exits with his stored voucher instead, without the bridge
      SettlementStore store = new SettlementStore(session);
      Voucher v = store.voucher(f.bob.getAddress()).orElseThrow();
      assertThat(v.cumulativeAmount()).isEqualTo(2_000_000L);

      // next period: only the differences are paid; a replayed old batch changes nothing
      owed.put(f.alice.getAddress(), 1_750_000L);
      owed.put(f.bob.getAddress(), 2_600_000L);
      producer.send(new ProducerRecord<>(kafka.topic(Topics.SETTLEMENT_BATCHES), "p2", batch("p2", 2, owed))).get();
      Map<String, Long> old = new HashMap<>(owed);
      old.put(f.alice.getAddress(), 1_500_000L);
      old.put(f.bob.getAddress(), 2_000_000L);
      producer.send(new ProducerRecord<>(kafka.topic(Topics.SETTLEMENT_BATCHES), "p1", batch("p1", 1, old))).get();
      Await.until("receipt of p2 and the replayed p1", Duration.ofSeconds(60),
          () -> seen.containsKey("p2") && seen.get("p1").size() >= 2);
      assertThat(seen.get("p2").get(0).getPaidTotal()).isEqualTo(250_000L + 600_000L);
      assertThat(hub.unallocated().send()).isEqualTo(BigInteger.valueOf(FUNDED - 1_750_000L - 2_600_000L));
      assertThat(store.voucher(f.bob.getAddress()).orElseThrow().cumulativeAmount()).as("the replay did not roll the voucher back").isEqualTo(2_600_000L);

      writeOwed(session, owed);
      var lines = new Reconciler(hub, f.chain.web3j(), anvil.chainId(), 0).reconcile(store.owed(), store.vouchers());
      assertThat(Reconciler.allOk(lines)).as(Reconciler.table(lines)).isTrue();
      // a ledger that owes less than the chain paid is a mismatch
      writeOwed(session, Map.of(f.bob.getAddress(), 2_500_000L));
      var bad = new Reconciler(hub, f.chain.web3j(), anvil.chainId(), 0).reconcile(store.owed(), store.vouchers());
      assertThat(bad).filteredOn(l -> l.owner().equalsIgnoreCase(f.bob.getAddress())).extracting(Reconciler.Line::status)
          .containsExactly(Reconciler.Status.CHAIN_OVERPAID);
    }
  }

  @Test
  void kill_9_at_any_moment_pays_no_owner_twice_and_skips_none(TestAnvil anvil, TestKafka kafka, TestCassandra cassandra) throws Exception {
    int owners = 120;
    int periods = 8;
    List<String> addresses = GasBench.owners(77, owners);
    Map<String, Long> owed = new HashMap<>();
    List<SettlementBatch> all = new ArrayList<>();
    for (int p = 1; p <= periods; p++) {
      for (int i = 0; i < owners; i++) {
        // not every owner earns every period, and some join late
        if (i < owners * p / periods && (i + p) % 3 != 0) owed.merge(addresses.get(i), 1_000L * p + i, Long::sum);
      }
      all.add(batch("k" + p, p, new HashMap<>(owed)));
    }
    Path dir = Files.createDirectories(Path.of("target", "bridge-kill9"));
    Path props = dir.resolve("bridge.properties");
    Properties c = new Properties();
    c.setProperty("onder.bridge.rpc-url", anvil.rpcUrl());
    c.setProperty("onder.bridge.chain-id", Long.toString(anvil.chainId()));
    c.setProperty("onder.bridge.hub", hub.getContractAddress());
    c.setProperty("onder.bridge.kafka.bootstrap", kafka.bootstrapServers());
    c.setProperty("onder.bridge.kafka.group", kafka.prefix() + "bridge");
    c.setProperty("onder.bridge.topic.batches", kafka.topic(Topics.SETTLEMENT_BATCHES));
    c.setProperty("onder.bridge.topic.receipts", kafka.topic(Topics.SETTLEMENT_RECEIPTS));
    c.setProperty("onder.bridge.cassandra.contact-point", cassandra.contactPoint());
    c.setProperty("onder.bridge.cassandra.keyspace", cassandra.keyspace());
    c.setProperty("onder.bridge.max-owners-per-tx", "50"); // several transactions per batch: more places to die
    c.setProperty("onder.bridge.voucher-server.port", "0");
    try (var out = Files.newOutputStream(props)) {
      c.store(out, "kill -9 test");
    }
    var seen = receipts(kafka);
    try (var producer = batches(kafka)) {
      for (SettlementBatch b : all) producer.send(new ProducerRecord<>(kafka.topic(Topics.SETTLEMENT_BATCHES), b.getBatchId(), b)).get();
    }
    java.util.Random rnd = new java.util.Random(9);
    int kills = 0;
    while (!settled(addresses, owed)) {
      Process bridge = startBridgeProcess(props, dir.resolve("bridge-" + kills + ".log").toFile());
      try {
        // once it is at work on the chain, let it go on for a random while, then kill -9 (SIGKILL: no shutdown hook)
        long block = f.chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
        Await.until("the bridge at work on the chain", Duration.ofSeconds(60), () -> !bridge.isAlive() || blockNumber() > block);
        long until = System.nanoTime() + Duration.ofMillis(rnd.nextInt(600)).toNanos();
        Await.until("a random moment", Duration.ofSeconds(5), () -> System.nanoTime() > until);
        assertThat(bridge.isAlive()).as("bridge process alive (see %s)", dir).isTrue();
      } finally {
        bridge.destroyForcibly().waitFor();
      }
      kills++;
      assertThat(kills).as("the bridge makes progress between kills").isLessThan(40);
    }
    assertThat(kills).isGreaterThan(1);
    // last run without kill: receipts for every batch
    Process bridge = startBridgeProcess(props, dir.resolve("bridge-final.log").toFile());
    try {
      Await.until("a receipt for every batch", Duration.ofSeconds(120), () -> all.stream().allMatch(b -> seen.containsKey(b.getBatchId())));
    } finally {
      bridge.destroy();
      bridge.waitFor();
    }
    long total = owed.values().stream().mapToLong(Long::longValue).sum();
    assertThat(hub.unallocated().send()).as("paid exactly what is owed, nothing twice").isEqualTo(BigInteger.valueOf(FUNDED - total));
    try (CqlSession session = cassandra.session()) {
      writeOwed(session, owed);
      SettlementStore store = new SettlementStore(session);
      var lines = new Reconciler(hub, f.chain.web3j(), anvil.chainId(), 0).reconcile(store.owed(), store.vouchers());
      assertThat(Reconciler.allOk(lines)).as(Reconciler.table(lines)).isTrue();
      assertThat(lines).hasSize(owed.size());
    }
  }

  /**
   * The node forgets blocks the bridge saw (anvil's evm_revert stands for a node restarted from an older state, or a
   * reorg): the bridge notices by the newest block's hash and pays again, from its signed vouchers, exactly what the
   * chain no longer shows as paid — the owners whose payments survived get nothing twice.
   */
  @Test
  void a_chain_that_forgets_settled_blocks_is_settled_again_to_exactly_what_is_owed(TestAnvil anvil, TestKafka kafka,
      TestCassandra cassandra) throws Exception {
    rpc = anvil.rpcUrl();
    try (CqlSession session = cassandra.session(); var producer = batches(kafka)) {
      var seen = receipts(kafka);
      startInProcessBridge(kafka, session);
      Map<String, Long> owed = new HashMap<>();
      owed.put(f.alice.getAddress(), 1_000_000L);
      producer.send(new ProducerRecord<>(kafka.topic(Topics.SETTLEMENT_BATCHES), "r1", batch("r1", 1, owed))).get();
      Await.until("receipt of r1", Duration.ofSeconds(60), () -> seen.containsKey("r1"));
      String snapshot = rpcCall(anvil, "evm_snapshot");

      owed.put(f.alice.getAddress(), 1_400_000L);
      owed.put(f.bob.getAddress(), 700_000L);
      producer.send(new ProducerRecord<>(kafka.topic(Topics.SETTLEMENT_BATCHES), "r2", batch("r2", 2, owed))).get();
      Await.until("receipt of r2", Duration.ofSeconds(60), () -> seen.containsKey("r2"));
      assertThat(settled(List.of(f.alice.getAddress(), f.bob.getAddress()), owed)).isTrue();

      // the chain loses the block of r2: alice is back to 1,000,000 paid, bob to nothing
      assertThat(rpcCall(anvil, "evm_revert", "\"" + snapshot + "\"")).isEqualTo("true");
      Await.until("the bridge settles again what the chain forgot, with its receipt", Duration.ofSeconds(60),
          () -> settled(List.of(f.alice.getAddress(), f.bob.getAddress()), owed) && seen.keySet().stream().anyMatch(k -> k.startsWith("rewind/")));
      List<SettlementReceipt> again = seen.entrySet().stream().filter(e -> e.getKey().startsWith("rewind/"))
          .flatMap(e -> e.getValue().stream()).toList();
      assertThat(again).extracting(SettlementReceipt::getPaidTotal).as("only what was lost: 400,000 + 700,000").containsExactly(1_100_000L);
      assertThat(hub.unallocated().send()).isEqualTo(BigInteger.valueOf(FUNDED - 1_400_000L - 700_000L));
    }
  }

  private static String rpcCall(TestAnvil anvil, String method, String... params) throws Exception {
    String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":[" + String.join(",", params) + "]}";
    var http = java.net.http.HttpClient.newHttpClient();
    var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(anvil.rpcUrl())).header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    if (json.has("error")) throw new IllegalStateException(method + ": " + json.get("error"));
    return json.path("result").asText();
  }

  private long blockNumber() {
    try {
      return f.chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private boolean settled(List<String> addresses, Map<String, Long> owed) {
    try {
      var chain = BatchPlanner.read(f.chain.web3j(), hub.getContractAddress(), addresses);
      return owed.entrySet().stream().allMatch(e -> chain.get(e.getKey().toLowerCase()).paid() == e.getValue());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Process startBridgeProcess(Path props, File log) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        BridgeMain.class.getName(), props.toString());
    // the hub key reaches the child through its environment only
    pb.environment().put(HubKey.PRIVATE_KEY, Numeric.toHexStringNoPrefixZeroPadded(f.hubKey.getEcKeyPair().getPrivateKey(), 64));
    pb.redirectErrorStream(true).redirectOutput(log);
    return pb.start();
  }
}
