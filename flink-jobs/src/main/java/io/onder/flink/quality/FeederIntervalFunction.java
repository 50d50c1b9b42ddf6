package io.onder.flink.quality;

import io.onder.avro.DeviceIntervalEnergy;
import io.onder.avro.FeederIntervalState;
import io.onder.avro.Quality;
import io.onder.avro.StressKind;
import io.onder.flink.ClosedIntervals;
import io.onder.flink.registry.Registry;
import io.onder.flink.registry.RegistryHolder;
import io.onder.rules.BatteryCleanStock;
import io.onder.rules.DeviceFlow;
import io.onder.rules.EnergySource;
import io.onder.rules.FeederQuality;
import io.onder.rules.FeederTopology;
import io.onder.rules.Intervals;
import io.onder.rules.QualityVector;
import io.onder.rules.Rulebook;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Per feeder and interval: gathers every device's energy, then, once the watermark passes the interval's end plus
 * a grace period, computes the quality of every device's energy and the feeder's state with {@link FeederQuality},
 * and moves each battery's clean stock. Emits one {@link DeviceIntervalEnergy} per device (main output) and one
 * {@link FeederIntervalState} (side output). Pending intervals are removed once emitted.
 *
 * <p>A device's energy that arrives after its feeder interval was computed ({@link ClosedIntervals}: remembered for
 * a day) is not computed on its own, as if it were the feeder's only device, and the interval is not computed again:
 * its rows and rewards are out already. The energy is valued at the interval's margin, what it left unmatched
 * ({@link FeederQuality#late}), emitted like the others and counted ({@code lateDeviceEnergy}); the feeder's state
 * stays as computed, and a battery's clean stock does not move for it. Energy of an interval computed by an earlier
 * version of this job, which kept no margin, goes to the {@link #LATE_ENERGY} side output instead, counted
 * ({@code lateDeviceEnergySetAside}) and logged. The grace is the allowed lateness: data that arrives within it
 * (after a gateway or broker outage shorter than the grace) gives exactly the result of an undisturbed run.
 */
public class FeederIntervalFunction extends KeyedProcessFunction<String, DeviceEnergy, DeviceIntervalEnergy> {
  private static final long serialVersionUID = 1L;
  public static final OutputTag<FeederIntervalState> FEEDER_STATE = new OutputTag<>("feeder-state") {};
  public static final OutputTag<DeviceEnergy> LATE_ENERGY = new OutputTag<>("late-device-energy") {};
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FeederIntervalFunction.class);

  private final RegistryHolder registry;
  private final String rulebookVersion;
  private final long intervalMillis;
  private final long graceMillis;
  private final long gridCleanPpm;
  private transient MapState<String, DeviceEnergy> pending;
  private transient MapState<String, BatteryStockState> stocks;
  /** What each computed interval left unmatched ({@link FeederQuality.Margin}), by interval start, while it is remembered. */
  private transient MapState<Long, long[]> margins;
  private transient FeederQuality quality;
  private transient org.apache.flink.metrics.Counter lateEnergy;
  private transient org.apache.flink.metrics.Counter lateSetAside;
  private transient ClosedIntervals computed;

  public FeederIntervalFunction(RegistryHolder registry, String rulebookVersion, long intervalMillis, long graceMillis, long gridCleanPpm) {
    this.registry = registry;
    this.rulebookVersion = rulebookVersion;
    this.intervalMillis = intervalMillis;
    this.graceMillis = graceMillis;
    this.gridCleanPpm = gridCleanPpm;
  }

  @Override
  public void close() throws Exception {
    registry.release(); // the last of the job's operators in this TaskManager to close drops the snapshot and its session
    super.close();
  }

  @Override
  public void open(OpenContext ctx) {
    registry.get(); // loaded here, not by the first record: a load takes seconds and would hold that record and every later one
    pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.STRING, Types.POJO(DeviceEnergy.class)));
    stocks = getRuntimeContext().getMapState(new MapStateDescriptor<>("battery-stock", Types.STRING, Types.POJO(BatteryStockState.class)));
    margins = getRuntimeContext().getMapState(new MapStateDescriptor<>("computed-margin", Types.LONG,
        org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    Rulebook rules = Rulebooks.load(rulebookVersion);
    quality = new FeederQuality(rules.quality(), new Intervals(intervalMillis));
    lateEnergy = getRuntimeContext().getMetricGroup().counter("lateDeviceEnergy");
    lateSetAside = getRuntimeContext().getMetricGroup().counter("lateDeviceEnergySetAside");
    computed = new ClosedIntervals(getRuntimeContext(), "computed", intervalMillis, graceMillis);
  }

  static String key(long intervalStart, String deviceId) {
    return intervalStart + "/" + deviceId;
  }

  @Override
  public void processElement(DeviceEnergy e, Context ctx, Collector<DeviceIntervalEnergy> out) throws Exception {
    if (computed.contains(e.intervalStart)) {
      late(e, ctx, out);
      return;
    }
    pending.put(key(e.intervalStart, e.deviceId), e);
    ctx.timerService().registerEventTimeTimer(e.intervalEnd + graceMillis);
  }

  /** Energy of an interval already computed: valued at its margin, or set aside (see the class comment). */
  private void late(DeviceEnergy e, Context ctx, Collector<DeviceIntervalEnergy> out) throws Exception {
    long[] m = margins.get(e.intervalStart);
    if (m == null) {
      lateSetAside.inc();
      LOG.warn("device {}: energy of interval {} arrived after feeder {} computed it (grace {} s) with no margin kept; set aside as late",
          e.deviceId, Instant.ofEpochMilli(e.intervalStart), ctx.getCurrentKey(), graceMillis / 1000);
      ctx.output(LATE_ENERGY, e);
      return;
    }
    lateEnergy.inc();
    LOG.debug("device {}: energy of interval {} arrived after feeder {} computed it; valued at its margin", e.deviceId,
        Instant.ofEpochMilli(e.intervalStart), ctx.getCurrentKey());
    Registry reg = registry.get();
    FeederQuality.Late late = quality.late(decode(m), flow(e), gridCleanPpm);
    margins.put(e.intervalStart, encode(late.margin()));
    out.collect(row(e, late.quality(), reg.device(e.deviceId), reg.feeder(ctx.getCurrentKey()), 0));
  }

  private DeviceFlow flow(DeviceEnergy e) throws Exception {
    EnergySource source = source(e.exportSource);
    long storageClean = 0;
    if (source == EnergySource.BATTERY || source == EnergySource.V2G) {
      BatteryStockState s = stocks.get(e.deviceId);
      storageClean = s == null ? 0 : s.toStock().cleanPpm();
    }
    return new DeviceFlow(e.deviceId, e.importMilliWh, e.exportMilliWh, source, storageClean);
  }

  /** The margin as state: five longs, the stress by its ordinal (the order of {@link io.onder.rules.Stress} is part of this format). */
  static long[] encode(FeederQuality.Margin m) {
    return new long[] {m.leavingMilliWh(), m.enteringMilliWh(), m.localSupplyCleanPpm(), m.stress().ordinal(), m.stressLevelPpm()};
  }

  static FeederQuality.Margin decode(long[] m) {
    return new FeederQuality.Margin(m[0], m[1], m[2], io.onder.rules.Stress.values()[(int) m[3]], m[4]);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<DeviceIntervalEnergy> out) throws Exception {
    margins.remove(computed.onTimer(timestamp));
    long start = timestamp - graceMillis - intervalMillis;
    List<DeviceEnergy> energies = new ArrayList<>();
    Iterator<Map.Entry<String, DeviceEnergy>> it = pending.iterator();
    while (it.hasNext()) {
      DeviceEnergy e = it.next().getValue();
      if (e.intervalStart == start) energies.add(e);
    }
    if (energies.isEmpty()) return;
    energies.sort((a, b) -> a.deviceId.compareTo(b.deviceId)); // deterministic order, so replays compute the same
    computed.close(start, ctx.timerService());

    Registry reg = registry.get();
    Registry.Feeder f = reg.feeder(ctx.getCurrentKey());
    FeederTopology topology = new FeederTopology(f.feederId(), f.substationId(), f.regionId(), f.distributor(), f.capacityW(), f.reverseFlowLimitW());

    List<DeviceFlow> flows = new ArrayList<>(energies.size());
    for (DeviceEnergy e : energies) flows.add(flow(e));
    FeederQuality.FeederInterval fi = quality.compute(topology, start, gridCleanPpm, flows);
    margins.put(start, encode(FeederQuality.Margin.of(fi)));

    StressKind stress = StressKind.valueOf(fi.stress().name());
    for (int i = 0; i < energies.size(); i++) {
      DeviceEnergy e = energies.get(i);
      FeederQuality.DeviceQuality q = fi.devices().get(i);
      Registry.Device d = reg.device(e.deviceId);
      long shiftable = 0;
      if (d != null && ("battery".equals(d.kind()) || source(e.exportSource) == EnergySource.BATTERY)) {
        BatteryStockState s = stocks.get(e.deviceId);
        BatteryCleanStock stock = s == null ? new BatteryCleanStock() : s.toStock();
        shiftable = stock.step(e.importMilliWh, q.importQuality().cleanPpm(), fi.stress(), e.exportMilliWh).shiftableMilliWh();
        if (!Double.isNaN(e.socPercent) && e.socPercent <= 0) stock.empty();
        stocks.put(e.deviceId, BatteryStockState.of(stock));
      }
      out.collect(row(e, q, d, f, shiftable));
      pending.remove(key(start, e.deviceId));
    }
    ctx.output(FEEDER_STATE, FeederIntervalState.newBuilder()
        .setFeederId(f.feederId()).setSubstationId(f.substationId()).setRegionId(f.regionId())
        .setIntervalStart(Instant.ofEpochMilli(start)).setIntervalEnd(Instant.ofEpochMilli(start + intervalMillis))
        .setImportMilliWh(fi.importMilliWh()).setExportMilliWh(fi.exportMilliWh()).setNetW(fi.netW())
        .setCapacityW(f.capacityW()).setReverseFlowLimitW(f.reverseFlowLimitW())
        .setLocalMatch(fi.localMatchPpm() / 1e6).setCleanShare(fi.cleanSharePpm() / 1e6)
        .setStress(stress).setStressLevel(fi.stressLevelPpm() / 1e6).setDevicesReporting(energies.size())
        .setLeavingMilliWh(fi.leavingMilliWh()).setEnteringMilliWh(fi.enteringMilliWh())
        // the schema's defaults, set here: a field left unset makes build() deep-copy its default from the schema
        .setAvgVoltageV(null).setAvgFrequencyHz(null).setSubstationFeeders(0).setRevision(0)
        .build());
  }

  private static DeviceIntervalEnergy row(DeviceEnergy e, FeederQuality.DeviceQuality q, Registry.Device d, Registry.Feeder f, long shiftable) {
    return DeviceIntervalEnergy.newBuilder()
        .setDeviceId(e.deviceId).setOwnerAddress(d == null ? "" : d.owner()).setKind(d == null ? "unknown" : d.kind())
        .setFeederId(f.feederId()).setSubstationId(f.substationId()).setRegionId(f.regionId())
        .setIntervalStart(Instant.ofEpochMilli(e.intervalStart)).setIntervalEnd(Instant.ofEpochMilli(e.intervalEnd))
        .setImportMilliWh(e.importMilliWh).setExportMilliWh(e.exportMilliWh)
        .setExportSource(io.onder.avro.EnergySource.valueOf(source(e.exportSource).name()))
        .setImportQuality(avro(q.importQuality())).setExportQuality(avro(q.exportQuality()))
        .setSocPercent(Double.isNaN(e.socPercent) ? null : e.socPercent)
        .setShiftableReleasedMilliWh(shiftable)
        .setRevision(0) // the schema's default, set: unset, build() deep-copies it from the schema for every row
        .build();
  }

  static EnergySource source(String s) {
    if (s == null) return EnergySource.UNKNOWN;
    try {
      return EnergySource.valueOf(s.toUpperCase());
    } catch (IllegalArgumentException e) {
      return EnergySource.UNKNOWN;
    }
  }

  static Quality avro(QualityVector q) {
    return Quality.newBuilder().setClean(q.clean()).setLocal(q.local()).setStress(StressKind.valueOf(q.stress().name()))
        .setStressLevel(q.stressLevel()).setLocalClean(q.localCleanPpm() / 1e6).build();
  }
}
