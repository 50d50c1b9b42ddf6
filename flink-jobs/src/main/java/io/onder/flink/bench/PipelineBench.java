package io.onder.flink.bench;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.onder.avro.DeviceIntervalEnergy;
import io.onder.avro.DeviceReading;
import io.onder.avro.EnergySource;
import io.onder.avro.FeederIntervalState;
import io.onder.avro.RewardEntry;
import io.onder.avro.SettlementBatch;
import io.onder.flink.Days;
import io.onder.flink.JobArgs;
import io.onder.flink.QualityJob;
import io.onder.flink.RewardsJob;
import io.onder.flink.io.AvroKafka;
import io.onder.flink.registry.RegistryHolder;
import io.onder.schemas.AvroSerde;
import io.onder.schemas.Topics;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Readings through the quality and rewards jobs (a local MiniCluster at parallelism 2) from Kafka to Cassandra,
 * against a running local stack ({@code bin/onder stack up}), in a fresh topic prefix and keyspace that it drops at
 * the end. Two figures:
 * <ul>
 *   <li><b>throughput</b>: the jobs started on a fleet, its first hours of readings through them (the warm-up, the
 *       jobs' start-up included), then the next hour (plus two minutes to close it) of synthetic readings produced to
 *       Kafka as fast as the producer goes; readings ÷ time from the first send until the last row of the hour was
 *       written in Cassandra (by the rows' writetime: every feeder's row of the hour's last minute, the market account's
 *       ledger lines of the hour once they stop growing, and the owed row of the hour's settlement batch, which the
 *       rewards job emits only after every ledger line of the hour). Every device's every interval of the hour must
 *       have its row.</li>
 *   <li><b>latency</b>: readings produced live with event time = now at a steady rate, each device's spread over the
 *       period; for each reading, the time from its send to Kafka until its device's interval row is written in
 *       Cassandra (the row's {@code writetime}); from the interval's end to the row; and from the window's close to the
 *       row, the close being the moment the watermark passes the interval's end, its out-of-orderness
 *       ({@code --out-of-orderness-seconds}, default 5 in the jobs, 1 here unless given) after the end.</li>
 * </ul>
 * <p>Run with plain {@code java} on the job jar plus Flink's runtime (exec:java's class loader hides Flink's classes
 * from the MiniCluster): {@code java -cp flink-jobs/target/onder-flink-jobs-0.1.0-SNAPSHOT-job.jar:$(cat
 * local-stack/servers/flink/target/classpath.txt) io.onder.flink.bench.PipelineBench --kafka 127.0.0.1:19092 --cassandra
 * 127.0.0.1:19042}. The first line with "readings/s" is the throughput.
 * <br>Options: {@code --devices 2000 --per-minute 4} (throughput: devices × 62 × per-minute readings), {@code
 * --warm-up-hours 3} (hours of the same fleet through the same jobs before the measured one, each printed as a warm-up;
 * 0 measures the first hour, the jobs' start-up included), {@code --latency-seconds 150 --latency-per-minute 12} (0 skips the latency run).
 */
public final class PipelineBench {
  static final long MIN = 60_000;
  static final int FEEDERS = 100;
  static final String DSO = "0x00000000000000000000000000000000000000d5";

  private PipelineBench() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) opts.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
    opts.putIfAbsent("out-of-orderness-seconds", "1");
    boolean idlenessGiven = opts.containsKey("idleness-seconds");
    opts.putIfAbsent("checkpoint-ms", "1000");
    int devices = Integer.parseInt(opts.getOrDefault("devices", "2000"));
    int minutes = 60; // one settlement period: its batch marks the end
    int perMinute = Integer.parseInt(opts.getOrDefault("per-minute", "4"));
    int latencySeconds = Integer.parseInt(opts.getOrDefault("latency-seconds", "150"));
    int latencyPerMinute = Integer.parseInt(opts.getOrDefault("latency-per-minute", "60"));
    int warmUpHours = Integer.parseInt(opts.getOrDefault("warm-up-hours", "3"));
    if (warmUpHours < 0) throw new IllegalArgumentException("--warm-up-hours must be 0 or more");
    Map<String, String> base = new HashMap<>(opts);
    for (String k : List.of("throughput", "devices", "per-minute", "latency-seconds", "latency-per-minute", "warm-up-hours")) base.remove(k);

    dropLeftovers(JobArgs.of(base));
    // Idleness: the throughput run keeps the jobs' default (5 s). Shorter, the quality job's output partitions, quiet
    // between two commits of its Kafka transactions, went idle under load, and the rewards job set aside as late the
    // energy that followed (2 s lost 40 % of the hour's ledger lines here). Much longer, the rewards job's empty DR
    // delivery partitions hold its watermark that long. The live latency run has every partition busy, and 2 s keeps
    // a quiet moment from holding its windows.
    Map<String, String> t = new HashMap<>(base);
    Map<String, String> l = new HashMap<>(base);
    if (!idlenessGiven) l.put("idleness-seconds", "2");
    if (Boolean.parseBoolean(opts.getOrDefault("throughput", "true"))) {
      if (warmUpHours > 0) System.out.printf("warm-up: %d hour(s) of the same %,d devices through the same jobs first%n", warmUpHours, devices);
      throughput(t, devices, minutes, perMinute, warmUpHours);
    }
    if (latencySeconds > 0) latency(l, devices, latencySeconds, latencyPerMinute);
    System.exit(0); // the MiniCluster's and the driver's non-daemon threads
  }

  // ---- throughput ---------------------------------------------------------------------------------------------

  /**
   * One fleet of {@code devices}, one run of the jobs: {@code warmUpHours} hours of the fleet through them first (each
   * printed as a warm-up, the first with the jobs' start-up), then the measured hour through the same running jobs, as
   * a deployed pipeline meets each next hour. The JIT is slow to settle here: on two cores its one C2 thread competes
   * with the jobs, and it took 9.4 of the bench JVM's 23.8 CPU-seconds in the hour after one warm-up hour, 6.5 of 16.9
   * in the third and 3.6 of 9.8 in the fourth (15.1k, 30.0k, 46.3k and 50.1k readings/s). Measured in a job of its own,
   * as before, the hour also paid for the MiniCluster's start, and compiled code of the warm-up was compiled again.
   */
  static void throughput(Map<String, String> base, int devices, int minutes, int perMinute, int warmUpHours) throws Exception {
    Fixture fx = Fixture.create(base, devices, "t");
    long t0 = Instant.parse("2026-06-21T12:00:00Z").toEpochMilli();
    long wall0 = System.currentTimeMillis();
    JobClient job = null;
    try (CqlSession s = fx.session()) {
      job = fx.start();
      JobClient running = job;
      waitFor("the jobs to run", 120, () -> running.getJobStatus().get() == org.apache.flink.api.common.JobStatus.RUNNING);
      long runningAt = System.currentTimeMillis();
      // Every hour of the fleet earns the same rewards: an hour with fewer ledger lines than the first had some of its
      // energy set aside as late, and did less work than it should have.
      long firstLines = -1;
      for (int h = 0; h <= warmUpHours; h++) {
        boolean measured = h == warmUpHours;
        long lines = hour(fx, s, t0, h, devices, minutes, perMinute, h == 0 ? wall0 : System.currentTimeMillis(),
            measured ? "THROUGHPUT" : "warm-up hour " + (h + 1),
            h == 0 ? String.format("; the jobs' start-up included, running %.1f s after submission", (runningAt - wall0) / 1e3)
                : measured ? "; the jobs already running, warmed by the hours before" : "");
        if (firstLines < 0) firstLines = lines;
        if (lines != firstLines) {
          throw new IllegalStateException("hour " + (h + 1) + " has " + lines + " ledger lines of the market account, the first hour "
              + firstLines + ": energy was set aside as late");
        }
      }
    } finally {
      if (job != null) job.cancel().get();
      fx.drop();
    }
  }

  /**
   * Hour {@code h} of the fleet (its readings: minutes {@code h × (minutes + 2)} on, {@code minutes + 2} of them, the two
   * extra to close the hour's last interval), produced to Kafka, then timed from {@code wall0} until its last row was
   * written in Cassandra (by the rows' writetime): every feeder's row of the hour's last minute, the market account's
   * ledger lines of the hour once they stop growing, and the owed row of the hour's settlement batch, which the rewards
   * job emits only after every ledger line of the hour. Every device's every interval of the hour must have its row.
   * Returns the market account's ledger lines of the hour.
   */
  static long hour(Fixture fx, CqlSession s, long t0, int h, int devices, int minutes, int perMinute, long wall0, String label,
      String note) throws Exception {
    long n = 0;
    long seq = (long) h * (minutes + 2) * perMinute * devices; // the readings of the hours before: sequence numbers go on
    long hourStart = t0 + h * (long) minutes * MIN;
    long p0 = System.nanoTime();
    try (var p = producer(fx.args)) {
      for (int m = h * (minutes + 2); m < (h + 1) * (minutes + 2); m++) {
        for (int k = 0; k < perMinute; k++) {
          long t = t0 + m * MIN + k * (MIN / perMinute);
          for (int d = 0; d < devices; d++) {
            p.send(new ProducerRecord<>(fx.args.topic(Topics.READINGS), fx.ids[d], fx.serde.encode(fx.reading(d, seq + n, t, t0))));
            n++;
          }
        }
      }
      p.flush();
    }
    long producedAt = System.currentTimeMillis();
    System.out.printf("%s: produced %,d readings (%,d devices, %d minutes, %d a minute) in %.1f s%n", label, n, devices, minutes + 2, perMinute,
        (System.nanoTime() - p0) / 1e9);
    long lastInterval = hourStart + (minutes - 1) * MIN;
    PreparedStatement feeder = s.prepare("SELECT writetime(net_w) FROM feeder_interval WHERE feeder_id = ? AND day = ? AND interval_start = ?");
    PreparedStatement ledger = s.prepare("SELECT writetime(amount) FROM ledger WHERE account = ? AND settlement_period = ?");
    long period = lastInterval / 3_600_000L;
    // the settlement batch of the hour: the rewards job has passed every ledger line of it (and the owed rows follow it)
    PreparedStatement owed = s.prepare("SELECT settlement_period, writetime(cumulative_amount) FROM owed WHERE owner_address = ?");
    waitFor("the hour's settlement batch", 900, () -> {
      Row row = s.execute(owed.bind(DSO)).one();
      return row != null && row.getLong(0) >= period;
    });
    // the last interval's rows: every feeder's
    waitFor("every feeder's last interval row", 900, () -> {
      for (int f = 0; f < FEEDERS; f++) if (s.execute(feeder.bind("F" + f, Days.of(lastInterval), Instant.ofEpochMilli(lastInterval))).one() == null) return false;
      return true;
    });
    // The ledger's own sink may still be writing the hour's last lines: wait until the market account's lines of the
    // period stop growing for 3 s, then take the time each row was written (its writetime), not the time of this check.
    // Each stage's last row of the hour is the one written last (writetime, ms): the devices' and feeders' (quality),
    // the ledger lines (rewards), the settlement batch's owed row (rewards, after its watermark passes the period).
    long[] lines = {-1};
    long[] ledgerDone = {0};
    long[] grewAt = {System.nanoTime()};
    waitFor("the hour's ledger lines in Cassandra", 300, () -> {
      long n2 = 0;
      long done = 0;
      for (Row row : s.execute(ledger.bind("market:onder-flex", period))) {
        n2++;
        done = Math.max(done, row.getLong(0) / 1_000);
      }
      ledgerDone[0] = done;
      if (n2 != lines[0]) {
        lines[0] = n2;
        grewAt[0] = System.nanoTime();
      }
      return System.nanoTime() - grewAt[0] >= 3_000_000_000L;
    }, 500);
    long feedersDone = 0;
    for (int f = 0; f < FEEDERS; f++) {
      feedersDone = Math.max(feedersDone, s.execute(feeder.bind("F" + f, Days.of(lastInterval), Instant.ofEpochMilli(lastInterval))).one().getLong(0) / 1_000);
    }
    long batchDone = s.execute(owed.bind(DSO)).one().getLong(1) / 1_000;
    // every device's every interval of the hour must be there: a run that set data aside as late did less work
    PreparedStatement rowsOf = s.prepare("SELECT writetime(import_milli_wh) FROM device_interval WHERE device_id = ? AND day = ? AND interval_start >= ? AND interval_start <= ?");
    long deviceRows = 0;
    long devicesDone = 0;
    for (int d = 0; d < devices; d++) {
      for (long day = Days.of(hourStart); day <= Days.of(lastInterval); day++) {
        for (Row row : s.execute(rowsOf.bind(fx.ids[d], (int) day, Instant.ofEpochMilli(hourStart), Instant.ofEpochMilli(lastInterval)))) {
          deviceRows++;
          devicesDone = Math.max(devicesDone, row.getLong(0) / 1_000);
        }
      }
    }
    long last = Math.max(Math.max(devicesDone, feedersDone), Math.max(ledgerDone[0], batchDone));
    if (deviceRows != (long) devices * minutes) {
      throw new IllegalStateException("only " + deviceRows + " of " + (long) devices * minutes + " device-interval rows of the hour were written");
    }
    double secs = (last - wall0) / 1e3;
    System.out.printf("%s: %,d readings from Kafka to Cassandra (quality + rewards, parallelism 2) in %.1f s = %,.0f readings/s"
        + " (%,d device-interval rows, ledger of the market account %,d lines in the hour%s)%n"
        + "  %s, seconds from %s: produced %.1f, last device row %.1f, last feeder row %.1f, last ledger line %.1f, batch %.1f%n",
        label, n, secs, n / secs, (long) devices * minutes, lines[0], note,
        label, h == 0 ? "the jobs' submission" : "the first send", (producedAt - wall0) / 1e3, (devicesDone - wall0) / 1e3,
        (feedersDone - wall0) / 1e3, (ledgerDone[0] - wall0) / 1e3, (batchDone - wall0) / 1e3);
    return lines[0];
  }

  // ---- latency ------------------------------------------------------------------------------------------------

  static void latency(Map<String, String> base, int devices, int seconds, int perMinute) throws Exception {
    Fixture fx = Fixture.create(base, devices, "l");
    JobClient job = fx.start(); // (a failed start leaves the run's keyspace and topics: bench_l*, bench.l*)
    long stepMillis = MIN / perMinute;
    int steps = (int) (seconds * 1000L / stepMillis);
    long[] sent = new long[steps * devices];
    long[] eventTime = new long[steps * devices];
    int[] device = new int[steps * devices];
    int r = 0;
    long t0 = System.currentTimeMillis() / MIN * MIN; // registers start at this minute
    try (var p = producer(fx.args)) {
      long next = System.currentTimeMillis();
      for (int st = 0; st < steps; st++) {
        long wait = next - System.currentTimeMillis();
        if (wait > 0) sleep(wait); // pacing the producer to real time, not waiting for a result
        for (int d = 0; d < devices; d++) {
          long now = System.currentTimeMillis();
          p.send(new ProducerRecord<>(fx.args.topic(Topics.READINGS), fx.ids[d], fx.serde.encode(fx.reading(d, st, now, t0))));
          sent[r] = now;
          eventTime[r] = now;
          device[r] = d;
          r++;
          // devices spread over the step, as real ones are: sent in one burst per step, the readings would move every
          // partition's event time (and so the watermark) in steps of a whole period, and intervals would close late by
          // up to a period for no reason but the generator
          if (d % 50 == 49) {
            long lag = next + (d + 1) * stepMillis / devices - System.currentTimeMillis();
            if (lag > 0) sleep(lag);
          }
        }
        next += stepMillis;
      }
      p.flush();
    }
    long stop = System.currentTimeMillis();
    // Only whole intervals (after every device's first reading: before it nothing brackets an interval start) that can
    // have closed (ending well before the last reading's event time).
    long firstWhole = (eventTime[devices - 1] / MIN + 1) * MIN;
    long lastEnd = (stop - 10_000) / MIN * MIN;
    if (lastEnd - MIN < firstWhole) {
      job.cancel().get();
      fx.drop();
      throw new IllegalArgumentException("--latency-seconds " + seconds + " ran from " + Instant.ofEpochMilli(eventTime[0]) + " to "
          + Instant.ofEpochMilli(stop) + ": no whole interval closed in it; give at least 150");
    }
    try (CqlSession s = fx.session()) {
      PreparedStatement rows = s.prepare("SELECT interval_start, writetime(import_milli_wh) FROM device_interval WHERE device_id = ? AND day = ?");
      waitFor("the last closed interval of every device", 300, () -> {
        for (int d = 0; d < devices; d += Math.max(1, devices / 50)) {
          boolean found = false;
          for (Row row : s.execute(rows.bind(fx.ids[d], Days.of(lastEnd - MIN)))) {
            if (row.getInstant(0).toEpochMilli() == lastEnd - MIN) found = true;
          }
          if (!found) return false;
        }
        return true;
      });
      Map<String, Long> written = new ConcurrentHashMap<>();
      for (int d = 0; d < devices; d++) {
        for (long day : new long[] {Days.of(t0), Days.of(stop)}) {
          for (Row row : s.execute(rows.bind(fx.ids[d], (int) day))) written.put(d + "@" + row.getInstant(0).toEpochMilli(), row.getLong(1) / 1_000);
        }
      }
      List<Long> fromReading = new ArrayList<>();
      List<Long> fromClose = new ArrayList<>();
      for (int i = 0; i < r; i++) {
        long start = eventTime[i] / MIN * MIN;
        if (start < firstWhole || start + MIN > lastEnd) continue;
        Long w = written.get(device[i] + "@" + start);
        if (w == null) continue;
        fromReading.add(w - sent[i]);
        if (eventTime[i] % MIN >= MIN - stepMillis) fromClose.add(w - (start + MIN)); // once per device and interval
      }
      System.out.printf("LATENCY: %,d devices, a reading every %.1f s each (%,.0f readings/s) for %d s; %,d readings in closed intervals%n",
          devices, stepMillis / 1000.0, devices * 1000.0 / stepMillis, seconds, fromReading.size());
      long ooo = fx.args.outOfOrdernessMillis();
      List<Long> fromWatermark = fromClose.stream().map(x -> x - ooo).toList();
      System.out.printf("  interval end -> row in Cassandra: p50 %,d ms, p99 %,d ms, max %,d ms (includes the watermark's out-of-orderness, %,d ms)%n",
          pct(fromClose, 50), pct(fromClose, 99), pct(fromClose, 100), ooo);
      System.out.printf("  window close (watermark past the interval end: end + out-of-orderness) -> row in Cassandra: p50 %,d ms, p99 %,d ms, max %,d ms%n",
          pct(fromWatermark, 50), pct(fromWatermark, 99), pct(fromWatermark, 100));
      System.out.printf("  reading sent to Kafka -> its interval row in Cassandra: p50 %,d ms, 99th pct %,d ms, max %,d ms%n",
          pct(fromReading, 50), pct(fromReading, 99), pct(fromReading, 100));
    } finally {
      job.cancel().get();
      fx.drop();
    }
  }

  // ---- fixture ------------------------------------------------------------------------------------------------

  /** A fresh topic prefix and keyspace with a registry of meters (importing) and PV (exporting) over 100 feeders. */
  static final class Fixture {
    final JobArgs args;
    final String[] ids;
    final long[] wattsImport;
    final long[] wattsExport;
    final AvroSerde<DeviceReading> serde = AvroSerde.of(DeviceReading.class);

    Fixture(JobArgs args, int devices) {
      this.args = args;
      ids = new String[devices];
      wattsImport = new long[devices];
      wattsExport = new long[devices];
    }

    static Fixture create(Map<String, String> base, int devices, String tag) throws Exception {
      String run = tag + Long.toString(System.currentTimeMillis(), 36);
      Map<String, String> m = new HashMap<>(base);
      m.put("topic-prefix", "bench." + run + ".");
      m.put("keyspace", "bench_" + run);
      Fixture fx = new Fixture(JobArgs.of(m), devices);
      // the stack's own definitions, as `bin/onder stack up` applies them: KafkaTopics waits until every partition has a
      // leader, so the jobs' Kafka sources never start with partitions missing
      io.onder.stack.KafkaTopics.apply(admin(fx.args), fx.args.topicPrefix());
      try (CqlSession s = root(fx.args)) {
        io.onder.stack.CassandraSchema.apply(s, fx.args.keyspace());
      }
      try (CqlSession s = fx.session()) {
        for (int f = 0; f < FEEDERS; f++) {
          s.execute("INSERT INTO feeders (feeder_id, substation_id, region_id, capacity_w, reverse_flow_limit_w, distributor) VALUES (?,?,?,?,?,?)",
              "F" + f, "S" + f / 10, "R1", 1_000_000L, 500_000L, DSO);
        }
        PreparedStatement dev = s.prepare("INSERT INTO devices (device_id, feeder_id, substation_id, region_id, kind, owner_address, revoked) VALUES (?,?,?,?,?,?,false)");
        List<java.util.concurrent.CompletionStage<?>> pending = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
          boolean pv = d % 2 == 1;
          fx.ids[d] = String.format("b%06d", d);
          fx.wattsImport[d] = pv ? 0 : 500 + d % 1500;
          fx.wattsExport[d] = pv ? 300 + d % 2000 : 0;
          pending.add(s.executeAsync(dev.bind(fx.ids[d], "F" + d % FEEDERS, "S" + (d % FEEDERS) / 10, "R1", pv ? "pv" : "meter",
              String.format("0x%040x", d % 500 + 1))));
          if (pending.size() >= 256) {
            for (var c : pending) c.toCompletableFuture().join();
            pending.clear();
          }
        }
        for (var c : pending) c.toCompletableFuture().join();
      }
      return fx;
    }

    DeviceReading reading(int d, long seq, long t, long registersFrom) {
      long ms = t - registersFrom;
      return DeviceReading.newBuilder().setDeviceId(ids[d]).setSeq(seq).setTime(Instant.ofEpochMilli(t)).setReceivedAt(Instant.ofEpochMilli(t))
          .setImportMilliWh(wattsImport[d] * ms / 3_600).setExportMilliWh(wattsExport[d] * ms / 3_600)
          .setExportSource(wattsExport[d] > 0 ? EnergySource.PV : EnergySource.UNKNOWN).build();
    }

    JobClient start() throws Exception {
      // Checkpoints to files, as on the cluster: a minute of 2,000 devices' timelines outgrows the 5 MB JobManager storage.
      org.apache.flink.configuration.Configuration conf = new org.apache.flink.configuration.Configuration();
      conf.setString("execution.checkpointing.storage", "filesystem");
      conf.setString("execution.checkpointing.dir", java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "onder-bench-checkpoints").toUri().toString());
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
      env.setParallelism(2);
      env.enableCheckpointing(args.checkpointMillis());
      RegistryHolder registry = new RegistryHolder(RegistryHolder.cassandra(args.cassandra(), args.keyspace()), 60_000);
      String p = args.topicPrefix();
      new QualityJob(args, AvroKafka.source(args.kafka(), args.topic(Topics.READINGS), p + "q", DeviceReading.class, OffsetsInitializer.earliest()), registry)
          .build(env,
              AvroKafka.exactlyOnceSink(args.kafka(), args.topic(Topics.INTERVAL_ENERGY), DeviceIntervalEnergy.class, DeviceIntervalEnergy::getDeviceId, p + "e"),
              AvroKafka.exactlyOnceSink(args.kafka(), args.topic(Topics.FEEDER_STATE), FeederIntervalState.class, FeederIntervalState::getFeederId, p + "f"));
      new RewardsJob(args, RewardsJob.source(args, p + "r", OffsetsInitializer.earliest()), registry)
          .build(env,
              AvroKafka.exactlyOnceSink(args.kafka(), args.topic(Topics.LEDGER), RewardEntry.class, RewardEntry::getAccount, p + "l"),
              AvroKafka.exactlyOnceSink(args.kafka(), args.topic(Topics.SETTLEMENT_BATCHES), SettlementBatch.class, SettlementBatch::getBatchId, p + "b"));
      return env.executeAsync("pipeline-bench");
    }

    CqlSession session() {
      CqlSession s = root(args);
      s.execute("USE " + args.keyspace());
      return s;
    }

    void drop() throws Exception {
      try (CqlSession s = root(args)) {
        io.onder.stack.CassandraSchema.drop(s, args.keyspace());
      }
      io.onder.stack.KafkaTopics.deleteAll(admin(args), args.topicPrefix());
    }
  }

  /** Scratch keyspaces and topics of earlier runs that did not finish (bench_*, bench.*). */
  static void dropLeftovers(JobArgs a) throws Exception {
    try (CqlSession s = root(a)) {
      for (Row r : s.execute("SELECT keyspace_name FROM system_schema.keyspaces")) {
        if (r.getString(0).startsWith("bench_")) io.onder.stack.CassandraSchema.drop(s, r.getString(0));
      }
    }
    io.onder.stack.KafkaTopics.deleteAll(admin(a), "bench.");
  }

  static Properties admin(JobArgs a) {
    Properties p = new Properties();
    p.put("bootstrap.servers", a.kafka());
    return p;
  }

  static CqlSession root(JobArgs a) {
    int colon = a.cassandra().lastIndexOf(':');
    var loader = com.datastax.oss.driver.api.core.config.DriverConfigLoader.programmaticBuilder()
        .withDuration(com.datastax.oss.driver.api.core.config.DefaultDriverOption.REQUEST_TIMEOUT, java.time.Duration.ofSeconds(60)).build();
    return CqlSession.builder().withConfigLoader(loader)
        .addContactPoint(new InetSocketAddress(a.cassandra().substring(0, colon), Integer.parseInt(a.cassandra().substring(colon + 1))))
        .withLocalDatacenter("datacenter1").build();
  }

  static KafkaProducer<String, byte[]> producer(JobArgs a) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, a.kafka());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void waitFor(String what, int seconds, Check c) throws Exception {
    waitFor(what, seconds, c, 100);
  }

  static void waitFor(String what, int seconds, Check c, long pollMillis) throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!c.ok()) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("timed out after " + seconds + " s waiting for " + what);
      sleep(pollMillis);
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static long pct(List<Long> values, int p) {
    if (values.isEmpty()) return -1;
    long[] a = values.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    return a[Math.min(a.length - 1, (int) Math.ceil(p / 100.0 * a.length) - 1)];
  }
}
