package io.onder.flink.rewards;

import io.onder.avro.FeederIntervalState;
import io.onder.avro.RewardEntry;
import io.onder.flink.quality.Rulebooks;
import io.onder.flink.ClosedIntervals;
import io.onder.flink.registry.Registry;
import io.onder.flink.registry.RegistryHolder;
import io.onder.rules.FeederQuality;
import io.onder.rules.FeederTopology;
import io.onder.rules.LedgerLine;
import io.onder.rules.NetworkTiers;
import io.onder.rules.RewardCalculator;
import io.onder.rules.Stress;
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

/**
 * Per substation and interval: the tiers the pool's exported energy crossed ({@link NetworkTiers}) and the
 * distributor's network fee on it. Keyed by substation. The tiers depend on which feeders are settled together, so
 * settling must not depend on arrival timing: the quality job marks each feeder state with how many feeders of the
 * substation it computed for the interval ({@code substationFeeders}), and the interval is settled when that many
 * have arrived. A state without the mark falls back to the registry: settled once every registered feeder of the
 * substation has reported, or else when the watermark passes its end plus the grace, with those that did. A state
 * arriving after its interval was settled (a repeat, or one later than the grace) is set aside, counted as
 * {@code lateFeederState} and logged, never settled on its own ({@link ClosedIntervals}).
 */
public class NetworkFees extends KeyedProcessFunction<String, FeederIntervalState, RewardEntry> {
  private static final long serialVersionUID = 1L;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NetworkFees.class);
  private final RegistryHolder registry;
  private final String rulebookVersion;
  private final long intervalMillis;
  private final long graceMillis;
  private transient org.apache.flink.metrics.Counter late;
  private transient ClosedIntervals settled;
  /** When each interval still waiting for silent feeders is settled anyway (start → event time). */
  private transient MapState<Long, Long> due;
  private transient MapState<String, FeederSnapshot> pending;
  private transient RewardCalculator calculator;

  public NetworkFees(RegistryHolder registry, String rulebookVersion, long intervalMillis, long graceMillis) {
    this.registry = registry;
    this.rulebookVersion = rulebookVersion;
    this.intervalMillis = intervalMillis;
    this.graceMillis = graceMillis;
  }

  @Override
  public void close() throws Exception {
    registry.release(); // the last of the job's operators in this TaskManager to close drops the snapshot and its session
    super.close();
  }

  @Override
  public void open(OpenContext ctx) {
    registry.get(); // loaded here, not by the first record: a load takes seconds and would hold that record and every later one
    pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("feeders", Types.STRING, Types.POJO(FeederSnapshot.class)));
    calculator = new RewardCalculator(Rulebooks.load(rulebookVersion));
    late = getRuntimeContext().getMetricGroup().counter("lateFeederState");
    settled = new ClosedIntervals(getRuntimeContext(), "settled", intervalMillis, graceMillis);
    due = getRuntimeContext().getMapState(new MapStateDescriptor<>("due", Types.LONG, Types.LONG));
  }

  @Override
  public void processElement(FeederIntervalState f, Context ctx, Collector<RewardEntry> out) throws Exception {
    if (settled.contains(f.getIntervalStart().toEpochMilli())) {
      late.inc();
      LOG.warn("feeder {}: state of interval {} arrived after substation {} was settled for it (grace {} s); set aside as late",
          f.getFeederId(), f.getIntervalStart(), ctx.getCurrentKey(), graceMillis / 1000);
      return;
    }
    FeederSnapshot s = new FeederSnapshot();
    s.feederId = f.getFeederId();
    s.substationId = f.getSubstationId();
    s.regionId = f.getRegionId();
    s.intervalStart = f.getIntervalStart().toEpochMilli();
    s.leavingMilliWh = f.getLeavingMilliWh();
    s.enteringMilliWh = f.getEnteringMilliWh();
    pending.put(s.intervalStart + "/" + s.feederId, s);
    // The quality job marks how many feeders of the substation it computed for the interval (SubstationIntervals):
    // holding that many, the interval is whole and settled now, whatever order the topic delivered them in.
    if (f.getSubstationFeeders() > 0) {
      if (pendingOf(s.intervalStart).size() >= f.getSubstationFeeders()) settle(s.intervalStart, ctx, out);
      return;
    }
    // A state without the mark (written before it existed): every registered feeder of the substation has reported,
    // or else the watermark passes the grace. The timer covers feeders that stay silent.
    long feedersOfSubstation = registry.get().feeders().values().stream().filter(x -> s.substationId.equals(x.substationId())).count();
    if (pendingOf(s.intervalStart).size() >= feedersOfSubstation) {
      settle(s.intervalStart, ctx, out);
    } else if (!due.contains(s.intervalStart)) {
      // Silent feeders are waited for the grace after the interval's end, or after the first feeder was seen if the
      // watermark (moved by other inputs, e.g. while this job catches up after a restart) is already past that.
      long at = Math.max(f.getIntervalEnd().toEpochMilli(), ctx.timerService().currentWatermark()) + graceMillis;
      due.put(s.intervalStart, at);
      ctx.timerService().registerEventTimeTimer(at);
    }
  }

  private List<FeederSnapshot> pendingOf(long start) throws Exception {
    List<FeederSnapshot> feeders = new ArrayList<>();
    Iterator<Map.Entry<String, FeederSnapshot>> it = pending.iterator();
    while (it.hasNext()) {
      FeederSnapshot s = it.next().getValue();
      if (s.intervalStart == start) feeders.add(s);
    }
    return feeders;
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<RewardEntry> out) throws Exception {
    settled.onTimer(timestamp);
    List<Long> ready = new ArrayList<>();
    for (Map.Entry<Long, Long> e : due.entries()) if (e.getValue() <= timestamp) ready.add(e.getKey());
    java.util.Collections.sort(ready);
    for (Long start : ready) settle(start, ctx, out);
  }

  private void settle(long start, Context ctx, Collector<RewardEntry> out) throws Exception {
    due.remove(start);
    List<FeederSnapshot> feeders = pendingOf(start);
    if (feeders.isEmpty()) return;
    settled.close(start, ctx.timerService());
    Registry reg = registry.get();
    List<FeederQuality.FeederInterval> intervals = new ArrayList<>();
    for (FeederSnapshot s : feeders) {
      Registry.Feeder f = reg.feeder(s.feederId);
      String distributor = f == null ? "unknown-distributor" : f.distributor();
      FeederTopology topo = new FeederTopology(s.feederId, s.substationId, s.regionId, distributor,
          f == null ? 0 : f.capacityW(), f == null ? 0 : f.reverseFlowLimitW());
      intervals.add(new FeederQuality.FeederInterval(topo, s.intervalStart, s.intervalStart + intervalMillis, 0, 0, 0, 0, 0, 0,
          Stress.NONE, 0, s.leavingMilliWh, s.enteringMilliWh, List.of()));
      pending.remove(s.intervalStart + "/" + s.feederId);
    }
    for (NetworkTiers.Crossing c : NetworkTiers.split(intervals)) {
      for (LedgerLine l : calculator.networkFee(c)) out.collect(Ledger.entry(l));
    }
  }
}
