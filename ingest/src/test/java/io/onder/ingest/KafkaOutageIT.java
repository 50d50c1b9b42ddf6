package io.onder.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.avro.DeviceReading;
import io.onder.ingest.client.DeviceClient;
import io.onder.stack.Server;
import io.onder.testkit.Await;
import io.onder.testkit.ReadingsTopic;
import io.onder.testkit.RealServers;
import io.onder.testkit.TestCassandra;
import io.onder.testkit.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RealServers({Server.KAFKA, Server.CASSANDRA})
class KafkaOutageIT {
  @TempDir
  Path dir;

  @Test
  void kafka_killed_mid_load_gives_503_and_no_acknowledged_reading_is_lost(TestKafka kafka, TestCassandra cassandra) throws Exception {
    try (GatewayFixture f = new GatewayFixture(kafka, cassandra, dir, new Properties())) {
      Set<String> acked = ConcurrentHashMap.newKeySet();
      AtomicInteger unavailable = new AtomicInteger();
      AtomicInteger maxAgeMissing = new AtomicInteger();
      AtomicInteger unexpected = new AtomicInteger();
      AtomicBoolean running = new AtomicBoolean(true);
      List<Thread> devices = new ArrayList<>();
      for (int d = 0; d < 4; d++) {
        TestFleet.Dev dev = f.fleet.add("dev-" + d);
        DeviceClient c = f.fleet.client(dev, f.port());
        Thread t = new Thread(() -> {
          long seq = 1;
          while (running.get()) {
            long now = System.currentTimeMillis() / 1000;
            CoapResponse r = c.postReadings(Packs.json(Packs.reading(dev.id(), seq, now, seq / 1000.0, 0)), 110);
            if (r != null && r.getCode() == ResponseCode.CHANGED) {
              acked.add(dev.id() + "/" + seq);
              seq++;
            } else if (r != null && r.getCode() == ResponseCode.SERVICE_UNAVAILABLE) {
              unavailable.incrementAndGet();
              if (!r.getOptions().hasMaxAge()) maxAgeMissing.incrementAndGet();
            } else if (r != null) {
              unexpected.incrementAndGet();
            }
            // a device's own pace (it retries the same seq until acknowledged), not a wait for a result
            LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
          }
        }, "device-" + d);
        devices.add(t);
        t.start();
      }
      try {
        Await.until("readings acknowledged before the outage", Duration.ofSeconds(60), () -> acked.size() >= 100);
        kafka.server().kill();
        Await.until("5.03 answers while Kafka is down", Duration.ofSeconds(60), () -> unavailable.get() >= 10);
        int ackedDuringOutage = acked.size();
        kafka.server().start();
        Await.until("readings acknowledged after the restart", Duration.ofSeconds(120), () -> acked.size() >= ackedDuringOutage + 100);
      } finally {
        running.set(false);
        for (Thread t : devices) t.join(30_000);
      }
      assertThat(maxAgeMissing.get()).as("5.03 without Max-Age").isZero();
      assertThat(unexpected.get()).as("answers other than 2.04 and 5.03").isZero();
      List<DeviceReading> inKafka = ReadingsTopic.readAll(kafka, f.readings);
      Set<String> stored = new HashSet<>();
      for (DeviceReading r : inKafka) stored.add(r.getDeviceId() + "/" + r.getSeq());
      Set<String> missing = new HashSet<>(acked);
      missing.removeAll(stored);
      assertThat(missing).as("acknowledged but not in Kafka").isEmpty();
      System.out.printf("outage: %d acknowledged, %d answers 5.03, %d records in Kafka (%d repeats from retries after a failed send)%n",
          acked.size(), unavailable.get(), inKafka.size(), inKafka.size() - stored.size());
    }
  }
}
