package io.onder.flink.bench;

import io.onder.avro.DeviceIntervalEnergy;
import io.onder.avro.DispatchCommand;
import io.onder.avro.DrDirection;
import io.onder.avro.DrEvent;
import io.onder.avro.DrStatus;
import io.onder.avro.Quality;
import io.onder.avro.StressKind;
import io.onder.avro.TargetKind;
import io.onder.flink.dr.DemandResponseFunction;
import io.onder.flink.dr.DrInput;
import io.onder.flink.registry.Registry;
import io.onder.flink.registry.RegistryHolder;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

/**
 * Time from a DR event's start (the watermark passing it) to the last dispatch command, for a pool of 100,000
 * devices in one region, measured on the job's own operator ({@link DemandResponseFunction}, heap keyed state, event
 * -time timers) in Flink's operator harness: flexibility of every device from state and registry, baselines, ranking
 * and the plan. Kafka and the network are not in the figure (see PipelineBench for those). Plain main: the first
 * (cold) event and the median of the warm ones.
 *
 * <p>{@code java -cp flink-jobs/target/test-classes:flink-jobs/target/classes:$(cat flink-jobs/target/bench.classpath)
 * io.onder.flink.bench.DispatchLatency 100000 6} (classpath: see PipelineBench)
 */
public final class DispatchLatency {
  static final long T0 = Instant.parse("2026-06-21T12:00:00Z").toEpochMilli();
  static final long MIN = 60_000;

  private DispatchLatency() {}

  public static void main(String[] args) throws Exception {
    int devices = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    SplittableRandom rnd = new SplittableRandom(42);
    String[] kinds = {"ev_charger", "battery", "heat_pump", "load", "pv"};
    Map<String, Registry.Device> reg = new HashMap<>();
    Map<String, Registry.Feeder> feeders = new HashMap<>();
    for (int f = 0; f < 200; f++) feeders.put("F" + f, new Registry.Feeder("F" + f, "S" + f / 20, "R1", 1_000_000, 500_000, "0xd5"));
    String[] ids = new String[devices];
    String[] feederOf = new String[devices];
    long[] loadMilliWh = new long[devices];
    for (int i = 0; i < devices; i++) {
      String kind = kinds[rnd.nextInt(kinds.length)];
      long max = 2_000 + rnd.nextInt(9_000);
      ids[i] = String.format("dev-%06d", i);
      feederOf[i] = "F" + (i % 200);
      reg.put(ids[i], new Registry.Device(ids[i], feederOf[i], "S" + (i % 200) / 20, "R1", kind, "0xowner" + (i % 5_000), max,
          kind.equals("battery") ? max : 0, rnd.nextInt(20) == 0 ? 0 : max, 20_000_000, false));
      long w = kind.equals("pv") ? -rnd.nextInt((int) max) : rnd.nextInt((int) max);
      loadMilliWh[i] = w * MIN / 3_600;
    }
    var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new DemandResponseFunction(new RegistryHolder(RegistryHolder.fixed(new Registry(reg, feeders)), Long.MAX_VALUE), "onder-flex-2025.1",
            MIN, 24 * 3_600_000L, 100_000, 1_000_000),
        (DrInput r) -> r.regionId, Types.STRING);
    Quality q = Quality.newBuilder().setClean(0.3).setLocal(0).setStress(StressKind.NONE).build();
    long totalLoadW = Arrays.stream(loadMilliWh).filter(x -> x > 0).sum() * 3_600 / MIN;

    // One event every 3 minutes after 11 minutes of history, each a minute long, a third of the pool's load.
    int minutes = 11 + 3 * events;
    for (int e = 0; e < events; e++) {
      int start = 11 + 3 * e;
      DrInput in = DrInput.of(DrEvent.newBuilder().setEventId("bench-" + e).setUtilityId("u").setTargetKind(TargetKind.REGION).setTargetId("R1")
          .setDirection(DrDirection.REDUCE).setTargetW(totalLoadW / 3).setStart(Instant.ofEpochMilli(T0 + start * MIN))
          .setEnd(Instant.ofEpochMilli(T0 + (start + 1) * MIN)).setRate(100_000).setStatus(DrStatus.ACTIVE).setVersion(1)
          .setCreatedAt(Instant.ofEpochMilli(T0)).build());
      in.regionId = "R1";
      h.processElement(new StreamRecord<>(in, T0));
    }
    long[] nanos = new long[events];
    int[] commands = new int[events];
    int e = 0;
    long feedNanos = 0;
    for (int m = 0; m < minutes; m++) {
      long f0 = System.nanoTime();
      for (int i = 0; i < devices; i++) {
        DrInput in = DrInput.of(DeviceIntervalEnergy.newBuilder().setDeviceId(ids[i]).setOwnerAddress("0xowner").setKind("x")
            .setFeederId(feederOf[i]).setSubstationId("S" + (i % 200) / 20).setRegionId("R1")
            .setIntervalStart(Instant.ofEpochMilli(T0 + m * MIN)).setIntervalEnd(Instant.ofEpochMilli(T0 + (m + 1) * MIN))
            .setImportMilliWh(Math.max(0, loadMilliWh[i])).setExportMilliWh(Math.max(0, -loadMilliWh[i])).setImportQuality(q).setExportQuality(q).build());
        in.regionId = "R1";
        h.processElement(new StreamRecord<>(in, T0 + (m + 1) * MIN));
      }
      feedNanos += System.nanoTime() - f0;
      int before = h.extractOutputValues().size();
      long t0 = System.nanoTime();
      h.processWatermark(new Watermark(T0 + (m + 1) * MIN));
      long took = System.nanoTime() - t0;
      boolean eventStart = e < events && m + 1 == 11 + 3 * e;
      if (eventStart) {
        nanos[e] = took;
        commands[e] = (int) h.extractOutputValues().stream().skip(before).filter(c -> ((DispatchCommand) c).getRound() == 0).count();
        e++;
      }
    }
    h.close();
    long[] warm = Arrays.copyOfRange(nanos, Math.min(1, events - 1), events);
    Arrays.sort(warm);
    System.out.printf("dispatch latency in the job's operator: %,d devices in one region, target %,d W (a third of the load)%n", devices, totalLoadW / 3);
    System.out.printf("commands per event: %s%n", Arrays.toString(commands));
    System.out.printf("event start -> last command: cold %.1f ms, warm median %.1f ms, warm max %.1f ms over %d events%n",
        nanos[0] / 1e6, warm[warm.length / 2] / 1e6, warm[warm.length - 1] / 1e6, warm.length);
    System.out.printf("(state upkeep: %,d interval records in %.1f s = %,.0f records/s)%n", (long) devices * minutes, feedNanos / 1e9,
        devices * (double) minutes / (feedNanos / 1e9));
  }
}
