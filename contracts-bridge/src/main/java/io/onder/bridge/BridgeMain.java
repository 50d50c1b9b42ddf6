package io.onder.bridge;

import com.datastax.oss.driver.api.core.CqlSession;
import io.onder.avro.SettlementBatch;
import io.onder.avro.SettlementReceipt;
import io.onder.bridge.contracts.ChannelHub;
import io.onder.schemas.AvroSerde;
import io.onder.schemas.Topics;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.web3j.crypto.Credentials;

/**
 * Runs the settlement bridge. {@code BridgeMain <bridge.properties>}; every key and its default is in
 * {@code onder/bridge-defaults.properties}. The hub key comes from the environment ({@link HubKey}), never from the
 * properties file, and is never logged.
 */
public final class BridgeMain {
  private BridgeMain() {}

  public static Properties config(Path file) throws Exception {
    Properties p = new Properties();
    try (InputStream in = BridgeMain.class.getResourceAsStream("/onder/bridge-defaults.properties")) {
      p.load(in);
    }
    if (file != null) {
      try (InputStream in = Files.newInputStream(file)) {
        p.load(in);
      }
    }
    return p;
  }

  public static void main(String[] args) throws Exception {
    Properties c = config(args.length > 0 ? Path.of(args[0]) : null);
    Credentials key = HubKey.load(System.getenv());
    AtomicBoolean stop = new AtomicBoolean();
    Thread main = Thread.currentThread();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.set(true);
      try {
        main.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }));
    run(c, key, stop);
  }

  public static void run(Properties c, Credentials key, AtomicBoolean stop) throws Exception {
    long chainId = Long.parseLong(c.getProperty("onder.bridge.chain-id"));
    String hubAddress = c.getProperty("onder.bridge.hub");
    String[] cass = c.getProperty("onder.bridge.cassandra.contact-point").split(":");
    Properties kp = new Properties();
    kp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, c.getProperty("onder.bridge.kafka.bootstrap"));
    kp.put(ProducerConfig.ACKS_CONFIG, "all");
    kp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    Properties kc = new Properties();
    kc.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, c.getProperty("onder.bridge.kafka.bootstrap"));
    kc.put(ConsumerConfig.GROUP_ID_CONFIG, c.getProperty("onder.bridge.kafka.group"));
    kc.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    kc.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    kc.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    kc.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    // Static membership: a bridge restarted after a crash takes its partitions back at once instead of waiting
    // for the dead member's session to expire.
    kc.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, c.getProperty("onder.bridge.kafka.instance-id"));
    kc.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.parseInt(c.getProperty("onder.bridge.kafka.session-timeout-ms")));
    kc.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 600_000);
    try (Chain chain = new Chain(c.getProperty("onder.bridge.rpc-url"), chainId, key,
            Integer.parseInt(c.getProperty("onder.bridge.confirmations")),
            Duration.ofSeconds(Long.parseLong(c.getProperty("onder.bridge.receipt-timeout-seconds"))));
        CqlSession session = CqlSession.builder()
            .addContactPoint(new InetSocketAddress(cass[0], Integer.parseInt(cass[1])))
            .withLocalDatacenter(c.getProperty("onder.bridge.cassandra.datacenter"))
            .withKeyspace(c.getProperty("onder.bridge.cassandra.keyspace")).build();
        var producer = new KafkaProducer<String, SettlementReceipt>(kp, new StringSerializer(), AvroSerde.of(SettlementReceipt.class));
        var consumer = new KafkaConsumer<String, SettlementBatch>(kc, new StringDeserializer(), AvroSerde.of(SettlementBatch.class))) {
      ChannelHub hub = ChannelHub.load(hubAddress, chain.web3j(), chain.txManager(), chain.gasProvider(Deployment.GAS_LIMIT));
      SettlementStore store = new SettlementStore(session);
      int voucherPort = Integer.parseInt(c.getProperty("onder.bridge.voucher-server.port"));
      VoucherServer vouchers = voucherPort < 0 ? null : new VoucherServer(store,
          new InetSocketAddress(c.getProperty("onder.bridge.voucher-server.host"), voucherPort), Clock.systemUTC(),
          Duration.ofSeconds(Long.parseLong(c.getProperty("onder.bridge.voucher-server.max-skew-seconds")))).start();
      SettlementBridge bridge = new SettlementBridge(chain, hub, new VoucherSigner(key, chainId, hubAddress),
          store, producer, c.getProperty("onder.bridge.topic.receipts", Topics.SETTLEMENT_RECEIPTS),
          Long.parseLong(c.getProperty("onder.bridge.from-block")), Integer.parseInt(c.getProperty("onder.bridge.max-owners-per-tx")),
          Clock.systemUTC());
      try {
        bridge.run(consumer, c.getProperty("onder.bridge.topic.batches", Topics.SETTLEMENT_BATCHES), stop);
      } finally {
        if (vouchers != null) vouchers.close();
      }
    }
  }
}
