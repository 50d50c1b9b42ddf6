package io.onder.flink.dr;

import io.onder.avro.CommandAck;
import io.onder.avro.CommandAction;
import io.onder.avro.DeviceIntervalEnergy;
import io.onder.avro.DispatchCommand;
import io.onder.avro.DrDelivery;
import io.onder.avro.DrEvent;
import io.onder.avro.DrStatus;
import io.onder.flink.quality.Rulebooks;
import io.onder.flink.registry.Registry;
import io.onder.flink.registry.RegistryHolder;
import io.onder.rules.Baseline;
import io.onder.rules.CommandAnswers;
import io.onder.rules.DeviceCommand;
import io.onder.rules.DeviceKind;
import io.onder.rules.DeviceProfile;
import io.onder.rules.Dispatcher;
import io.onder.rules.DrEventSpec;
import io.onder.rules.Flexibility;
import io.onder.rules.Intervals;
import io.onder.rules.Money;
import io.onder.rules.Reliability;
import io.onder.rules.Rulebook;
import io.onder.rules.Verification;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Demand response in one region (the key): keeps every device's flexibility, dispatches DR events over the devices
 * under their target, verifies each commanded device's delivery every interval, re-dispatches on shortfall,
 * releases at the end and updates reliability. All in event time, driven by the energy's watermark.
 *
 * <p>Why one keyed operator per region rather than a device-keyed one: dispatch ranks the whole pool under a target
 * at once, and re-dispatch and reliability need the verified deliveries of the devices it commanded. Flink 2 has no
 * iterations to feed deliveries back to an upstream dispatcher, so the loop closes here; every target (feeder,
 * substation, region) lies inside one region, so the region is the smallest key that sees a whole pool.
 *
 * <p>Timeline of an event (times are event time; a timer fires once the watermark passes it):
 * <ul>
 *   <li>posted: kept; an event that already ended when first seen goes to {@link #EXPIRED}.</li>
 *   <li>at its start, or the dispatch lead before it ({@link #dispatchingAhead}; a utility announces events ahead,
 *       and devices told early are ready at the start): round 0 over the devices under the target that have a
 *       baseline over the window before the dispatch (a device whose delivery
 *       could not be verified is not asked) and something to give — {@link Flexibility} from the registry and the
 *       latest interval, capped at the owner's {@code flexible_w} — with {@link Dispatcher#dispatch}.</li>
 *   <li>a device's answer to its command ({@link CommandAck}, from the gateway): kept, written at once as a
 *       {@code dr_command_ack} row (side output {@link #ANSWERS}), and acted on when the watermark reaches the time it
 *       was given ({@link CommandAnswers}). A refusal during the window: the device is no longer counted on; if the
 *       devices still counted on are expected (asked W × reliability) to deliver less than the target,
 *       {@link Dispatcher#redispatch} asks devices not yet commanded, from the refusal on. Answers to RELEASE
 *       commands change nothing.</li>
 *   <li>at each interval boundary inside the window: each commanded device's energy in the interval just closed
 *       is verified ({@link Verification#verify} against its {@link Baseline}; a refused device only for intervals
 *       that ended by its refusal; only from its acceptance, {@link CommandAnswers#paidFrom}) → one {@link DrDelivery}
 *       (side output {@link #DELIVERY}). A device with no answer within {@code ackTimeoutMillis} of its command is
 *       UNANSWERED (a row, once), no longer counted on, and neither verified nor paid until it accepts. The pool's
 *       delivery is what the devices that did not refuse delivered, each as average W over the time it was asked in
 *       the interval after its acceptance; below the target,
 *       {@link Dispatcher#redispatch} asks devices not yet commanded, from that boundary on.</li>
 *   <li>at the end of the interval holding the event's end: RELEASE to every commanded device, reliability updated
 *       with delivered ÷ asked over the whole ask (an interval with no energy, or after a refusal, counts as nothing
 *       delivered; side output {@link #RELIABILITY}), and the event's state removed with its answers.</li>
 *   <li>cancelled (a newer version with status CANCELLED): RELEASE at once; intervals already verified stay paid,
 *       none after is verified; reliability unchanged (the utility cut it short, not the device). A newer ACTIVE
 *       version replaces target and end (commands already sent stand).</li>
 * </ul>
 * A device silent for {@code idleMillis} is forgotten (its reliability with it, unless the reliability table is used
 * to seed it again: see the job's note).
 */
public class DemandResponseFunction extends KeyedProcessFunction<String, DrInput, DispatchCommand> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(DemandResponseFunction.class);
  public static final OutputTag<DrDelivery> DELIVERY = new OutputTag<>("dr-delivery") {};
  public static final OutputTag<DeviceReliability> RELIABILITY = new OutputTag<>("dr-reliability") {};
  public static final OutputTag<DrEvent> EXPIRED = new OutputTag<>("dr-expired") {};
  public static final OutputTag<CommandAnswerRow> ANSWERS = new OutputTag<>("dr-command-answers") {};
  /** Devices are swept on timers at multiples of this. */
  static final long SWEEP_MILLIS = 3_600_000L;

  private final RegistryHolder registry;
  private final String rulebookVersion;
  private final long intervalMillis;
  private final long idleMillis;
  private long leadMillis;
  private final long minSocPpm;
  private final long maxSocPpm;
  private final long ackTimeoutMillis;

  private transient MapState<String, DeviceFlexState> devices;
  private transient MapState<String, DrEventState> events;
  /** Commanded devices by "eventId|deviceId". */
  private transient MapState<String, EventDeviceState> commanded;
  /** Devices' answers to their commands by "eventId|deviceId". */
  private transient MapState<String, AnswerState> answers;
  /**
   * Refusals not acted on yet, by "eventId|deviceId", with the time given: only these need a timer and a look at
   * the event, so thousands of acceptances cost one state write each, not a pass over every commanded device.
   */
  private transient MapState<String, Long> refusalsDue;
  private transient Rulebook.DrRules rules;
  private transient Intervals intervals;
  private transient Baseline baseline;
  private transient Dispatcher dispatcher;

  /**
   * @param minSocPpm, maxSocPpm the owners' default floor and ceiling of a battery's or EV's state of charge (the
   *                   registry does not hold them yet)
   */
  public DemandResponseFunction(RegistryHolder registry, String rulebookVersion, long intervalMillis, long idleMillis, long minSocPpm,
      long maxSocPpm) {
    this(registry, rulebookVersion, intervalMillis, idleMillis, minSocPpm, maxSocPpm, intervalMillis);
  }

  /**
   * Dispatches round 0 {@code leadMillis} before each event's start (its baselines over the window before that), so
   * the commands reach the devices ahead of the start however long the pipeline from readings to the gateway takes.
   * Devices are asked, and verified, from the start on. An event announced later than that is dispatched at once.
   */
  public DemandResponseFunction dispatchingAhead(long leadMillis) {
    if (leadMillis < 0) throw new IllegalArgumentException("leadMillis must be >= 0");
    this.leadMillis = leadMillis;
    return this;
  }

  /** @param ackTimeoutMillis how long a device has to answer its command before it is not counted on */
  public DemandResponseFunction(RegistryHolder registry, String rulebookVersion, long intervalMillis, long idleMillis, long minSocPpm,
      long maxSocPpm, long ackTimeoutMillis) {
    if (ackTimeoutMillis <= 0) throw new IllegalArgumentException("ackTimeoutMillis must be > 0");
    this.ackTimeoutMillis = ackTimeoutMillis;
    this.registry = registry;
    this.rulebookVersion = rulebookVersion;
    this.intervalMillis = intervalMillis;
    this.idleMillis = idleMillis;
    this.minSocPpm = minSocPpm;
    this.maxSocPpm = maxSocPpm;
  }

  @Override
  public void close() throws Exception {
    registry.release(); // the last of the job's operators in this TaskManager to close drops the snapshot and its session
    super.close();
  }

  @Override
  public void open(OpenContext ctx) {
    registry.get(); // loaded here, not by the first record: a load takes seconds and would hold that record and every later one
    devices = getRuntimeContext().getMapState(new MapStateDescriptor<>("dr-devices", Types.STRING, Types.POJO(DeviceFlexState.class)));
    events = getRuntimeContext().getMapState(new MapStateDescriptor<>("dr-events", Types.STRING, Types.POJO(DrEventState.class)));
    commanded = getRuntimeContext().getMapState(new MapStateDescriptor<>("dr-commanded", Types.STRING, Types.POJO(EventDeviceState.class)));
    answers = getRuntimeContext().getMapState(new MapStateDescriptor<>("dr-answers", Types.STRING, Types.POJO(AnswerState.class)));
    refusalsDue = getRuntimeContext().getMapState(new MapStateDescriptor<>("dr-refusals-due", Types.STRING, Types.LONG));
    rules = Rulebooks.load(rulebookVersion).dr();
    intervals = new Intervals(intervalMillis);
    baseline = new Baseline(rules, intervals);
    dispatcher = new Dispatcher(rules);
  }

  @Override
  public void processElement(DrInput in, Context ctx, Collector<DispatchCommand> out) throws Exception {
    if (in.energy != null) onEnergy(in.energy, ctx);
    else if (in.ack != null) onAnswer(in.ack, ctx);
    else onEvent(in.event, ctx, out);
  }

  // ---- device intervals -------------------------------------------------------------------------------------

  private void onEnergy(DeviceIntervalEnergy e, Context ctx) throws Exception {
    String id = e.getDeviceId();
    DeviceFlexState d = devices.get(id);
    if (d == null) {
      d = new DeviceFlexState();
      d.deviceId = id;
    }
    d.ownerAddress = e.getOwnerAddress();
    d.feederId = e.getFeederId();
    d.substationId = e.getSubstationId();
    if (e.getSocPercent() != null) d.socPpm = Math.round(e.getSocPercent() * 10_000d);
    long start = e.getIntervalStart().toEpochMilli();
    long end = e.getIntervalEnd().toEpochMilli();
    long net = e.getImportMilliWh() - e.getExportMilliWh();
    long keepFrom = start - (rules.baselineWindowIntervals() + 1L) * intervalMillis;
    for (DrEventState ev : events.values()) keepFrom = Math.min(keepFrom, windowStart(ev)); // baselines and verification
    d.record(start, end, net, keepFrom);
    devices.put(id, d);
    ctx.timerService().registerEventTimeTimer(ceil(end + idleMillis, SWEEP_MILLIS));
  }

  /**
   * Verifies, for every device asked, the intervals up to {@code t} it has not been verified for, from its history:
   * the interval just closed, and those since its acceptance when the acceptance came in only now (a device's answer
   * is read apart from its energy, so after a restart or in a replay it can arrive behind the watermark: the pay must
   * not depend on that, up to the event's end, when its state goes). Done on the watermark, not as energy arrives: when the job catches up, energy of the event's
   * intervals can arrive before the watermark reaches the event's start, i.e. before the devices are asked.
   *
   * @return each device's delivery in the interval ending at {@code t}, mWh (devices verified in it only)
   */
  private Map<String, Long> verify(DrEventState ev, long t, Context ctx) throws Exception {
    Map<String, Long> delivered = new HashMap<>();
    List<String> ids = new ArrayList<>(commandedDevices(ev));
    ids.sort(null);
    for (String id : ids) {
      EventDeviceState c = commanded.get(ev.eventId + "|" + id);
      DeviceFlexState d = devices.get(id);
      long paidFrom = paidFrom(ev, c);
      if (d == null || paidFrom >= t) continue; // not accepted by t: what its load did was no answer to the ask
      long first = intervals.startOf(paidFrom);
      if (c.lastVerifiedStart != Long.MIN_VALUE) first = Math.max(first, c.lastVerifiedStart + intervalMillis); // never twice
      for (long from = first; from + intervalMillis <= t && from < ev.endMillis; from += intervalMillis) {
        long end = from + intervalMillis;
        if (!CommandAnswers.verified(c.refusedAtMillis, end)) break; // refused before the interval ended: not taken
        c.lastVerifiedStart = from;
        int i = java.util.Arrays.binarySearch(d.historyStart, from);
        if (i < 0) continue; // no energy for this interval: nothing verified, which counts against reliability
        Verification.Delivery v = Verification.verify(ev.spec(paidFrom), from, end, OptionalLong.of(c.baselineMilliWh), d.historyNetMilliWh[i],
            c.requestedW);
        c.deliveredMilliWh += v.deliveredMilliWh();
        if (end == t) delivered.put(id, v.deliveredMilliWh());
        ctx.output(DELIVERY, DrDelivery.newBuilder().setEventId(ev.eventId).setDeviceId(id).setOwnerAddress(d.ownerAddress)
            .setIntervalStart(Instant.ofEpochMilli(from)).setIntervalEnd(Instant.ofEpochMilli(end))
            .setBaselineMilliWh(v.baselineMilliWh()).setActualMilliWh(v.actualMilliWh()).setRequestedMilliWh(v.requestedMilliWh())
            .setDeliveredMilliWh(v.deliveredMilliWh()).setRate(ev.rate).setUtilityAccount(ev.utilityAccount()).build());
      }
      commanded.put(ev.eventId + "|" + id, c);
    }
    return delivered;
  }

  // ---- answers to commands ----------------------------------------------------------------------------------

  /**
   * Keeps a device's answer and writes its row at once; a refusal is acted on when the watermark reaches the time it
   * was given (a timer then), so a replay decides the same; an acceptance is read at the next boundary. A refusal is
   * final.
   */
  private void onAnswer(CommandAck a, Context ctx) throws Exception {
    if (a.getCommandId().endsWith("/release")) return; // the device confirms its release: nothing to decide
    String key = a.getEventId() + "|" + a.getDeviceId();
    CommandAnswers.Reply reply = CommandAnswers.Reply.valueOf(a.getStatus().name());
    long at = a.getAckedAt().toEpochMilli();
    AnswerState before = answers.get(key);
    if (before != null && before.commandId.equals(a.getCommandId()) && before.status.equals(reply.name()) && before.repliedAtMillis == at) return; // a repeat
    if (before != null && !CommandAnswers.replaces(before.reply(), reply)) return;
    AnswerState s = new AnswerState();
    s.commandId = a.getCommandId();
    s.status = reply.name();
    s.repliedAtMillis = at;
    if (before != null && before.commandId.equals(s.commandId)) s.acceptedAtMillis = before.acceptedAtMillis;
    if (reply != CommandAnswers.Reply.REJECTED) s.acceptedAtMillis = Math.min(s.acceptedAtMillis, at);
    answers.put(key, s);
    ctx.output(ANSWERS, new CommandAnswerRow(a.getEventId(), a.getDeviceId(), a.getCommandId(), reply.name(), a.getReason(), at));
    if (reply != CommandAnswers.Reply.REJECTED) return;
    refusalsDue.put(key, at);
    // A refusal behind the watermark is acted on just after it: a timer at its own time would fire at the next
    // watermark as well, but with a time that may be an interval boundary already checked.
    ctx.timerService().registerEventTimeTimer(Math.max(at, ctx.timerService().currentWatermark() + 1));
  }

  /** The standing at {@code t} of a commanded device (its answer must be to the command it has now). */
  private CommandAnswers.Standing standing(DrEventState ev, EventDeviceState c, long t) throws Exception {
    return standing(c, answerTo(ev, c, answers.get(ev.eventId + "|" + c.deviceId)), t);
  }

  /** {@code a}: the device's answer to the command it has now, or null. */
  private CommandAnswers.Standing standing(EventDeviceState c, AnswerState a, long t) {
    return CommandAnswers.standing(a == null ? null : a.reply(), a == null ? 0 : a.repliedAtMillis, c.fromMillis, ackTimeoutMillis, t);
  }

  /** From when a commanded device's delivery counts: its acceptance of the command it has now ({@link CommandAnswers#paidFrom}). */
  private long paidFrom(DrEventState ev, EventDeviceState c) throws Exception {
    return paidFrom(c, answerTo(ev, c, answers.get(ev.eventId + "|" + c.deviceId)));
  }

  private static long paidFrom(EventDeviceState c, AnswerState a) {
    return CommandAnswers.paidFrom(a == null ? Long.MAX_VALUE : a.acceptedAtMillis, c.fromMillis);
  }

  /** {@code a} if it answers the command the device has now (not an earlier round's), else null. */
  private static AnswerState answerTo(DrEventState ev, EventDeviceState c, AnswerState a) {
    return a != null && a.commandId.equals(commandId(ev, c)) ? a : null;
  }

  private static String commandId(DrEventState ev, EventDeviceState c) {
    return ev.eventId + "/" + c.deviceId + "/" + c.round; // as the Dispatcher names commands
  }

  /**
   * Marks the devices that refused by {@code t}; true if any did since the last call. A refusal of a command not
   * issued yet (a replay reads answers before the watermark reaches their commands) waits for it.
   */
  private boolean markRefusals(DrEventState ev, long t) throws Exception {
    if (refusalsDue.isEmpty()) return false;
    String prefix = ev.eventId + "|";
    List<String> due = new ArrayList<>();
    for (Map.Entry<String, Long> en : refusalsDue.entries()) {
      if (en.getKey().startsWith(prefix) && en.getValue() <= t) due.add(en.getKey());
    }
    due.sort(null);
    boolean any = false;
    for (String key : due) {
      EventDeviceState c = commanded.get(key);
      if (c == null) continue; // not commanded (yet)
      refusalsDue.remove(key);
      if (c.refusedAtMillis != Long.MAX_VALUE || standing(ev, c, t) != CommandAnswers.Standing.REFUSED) continue; // another round's
      c.refusedAtMillis = answers.get(key).repliedAtMillis;
      commanded.put(key, c);
      any = true;
    }
    return any;
  }

  /** Right after a refusal: if the devices still counted on are not expected to meet the target, ask others. */
  private void coverRefusals(DrEventState ev, long t, Context ctx, Collector<DispatchCommand> out) throws Exception {
    if (t >= ev.endMillis) return;
    List<CommandAnswers.Asked> asked = new ArrayList<>();
    for (String id : commandedDevices(ev)) {
      EventDeviceState c = commanded.get(ev.eventId + "|" + id);
      DeviceFlexState d = devices.get(id);
      long reliability = d == null ? 0 : d.reliability(rules.reliabilityPriorPpm());
      asked.add(new CommandAnswers.Asked(standing(ev, c, t), c.requestedW, reliability, 0, 0));
    }
    long expectedW = CommandAnswers.expectedW(asked);
    if (expectedW < ev.targetW) redispatch(ev, t, expectedW, out);
  }

  /** Asks devices not yet commanded for what the pool falls short of the target, from {@code t} on. */
  private void redispatch(DrEventState ev, long t, long countedW, Collector<DispatchCommand> out) throws Exception {
    Set<String> already = commandedDevices(ev);
    Map<String, Long> baselines = new HashMap<>();
    List<Dispatcher.Candidate> pool = pool(ev, t, already, baselines);
    Dispatcher.Plan plan = dispatcher.redispatch(ev.spec(Math.max(t, ev.startMillis)), pool, countedW, already, ev.round + 1, t);
    if (!plan.commands().isEmpty()) {
      ev.round++;
      emit(ev, plan, baselines, t, out);
      events.put(ev.eventId, ev);
    }
  }

  // ---- events -----------------------------------------------------------------------------------------------

  private void onEvent(DrEvent e, Context ctx, Collector<DispatchCommand> out) throws Exception {
    DrEventState s = events.get(e.getEventId());
    long watermark = ctx.timerService().currentWatermark();
    if (s == null) {
      if (e.getStatus() == DrStatus.CANCELLED) return; // cancelled before we saw it, or already over
      if (e.getEnd().toEpochMilli() <= watermark || e.getEnd().toEpochMilli() <= e.getStart().toEpochMilli()) {
        LOG.warn("DR event {} v{} ends at {}, before the pool saw it (event time {}): not dispatched", e.getEventId(), e.getVersion(),
            e.getEnd(), Instant.ofEpochMilli(watermark));
        ctx.output(EXPIRED, e);
        return;
      }
      s = DrEventState.of(e);
      events.put(s.eventId, s);
      ctx.timerService().registerEventTimeTimer(dispatchAt(s));
      return;
    }
    if (e.getVersion() <= s.version) return; // a repeat or an older version
    if (e.getStatus() == DrStatus.CANCELLED) {
      long at = Math.max(s.startMillis, watermark);
      if (s.dispatched) release(s, at, out);
      remove(s);
      return;
    }
    s.update(e);
    events.put(s.eventId, s);
    ctx.timerService().registerEventTimeTimer(s.dispatched ? finish(s) : dispatchAt(s));
  }

  @Override
  public void onTimer(long t, OnTimerContext ctx, Collector<DispatchCommand> out) throws Exception {
    List<DrEventState> due = new ArrayList<>();
    for (DrEventState ev : events.values()) due.add(ev);
    due.sort((a, b) -> a.eventId.compareTo(b.eventId));
    for (DrEventState ev : due) {
      if (!ev.dispatched) {
        if (t >= dispatchAt(ev)) {
          dispatch(ev, ctx, out);
          if (markRefusals(ev, t)) coverRefusals(ev, t, ctx, out);
        }
      } else if (t >= finish(ev)) {
        finish(ev, t, ctx, out);
      } else if (t % intervalMillis == 0 && t > ev.startMillis) {
        markRefusals(ev, t);
        check(ev, t, ctx, out);
      } else if (markRefusals(ev, t)) {
        coverRefusals(ev, t, ctx, out);
      }
    }
    if (t % SWEEP_MILLIS == 0) sweep(t);
  }

  /** Round 0 at the event's start, or the lead before it. */
  private void dispatch(DrEventState ev, OnTimerContext ctx, Collector<DispatchCommand> out) throws Exception {
    long at = dispatchAt(ev);
    DrEventSpec spec = ev.spec();
    Map<String, Long> baselines = new HashMap<>();
    List<Dispatcher.Candidate> pool = pool(ev, at, Set.of(), baselines);
    Dispatcher.Plan plan = dispatcher.dispatch(spec, pool, at);
    emit(ev, plan, baselines, at, out);
    ev.dispatched = true;
    events.put(ev.eventId, ev);
    next(ev, Math.max(at, ev.startMillis), ctx);
  }

  /**
   * An interval boundary inside the window: re-dispatch if the devices that did not refuse delivered less than the
   * target. A device silent past its answer timeout gets its UNANSWERED row here, once.
   */
  private void check(DrEventState ev, long t, OnTimerContext ctx, Collector<DispatchCommand> out) throws Exception {
    long from = t - intervalMillis;
    Map<String, Long> delivered = verify(ev, t, ctx);
    List<String> ids = new ArrayList<>(commandedDevices(ev));
    ids.sort(null);
    List<CommandAnswers.Asked> asked = new ArrayList<>();
    for (String id : ids) {
      String key = ev.eventId + "|" + id;
      EventDeviceState c = commanded.get(key);
      AnswerState any = answers.get(key); // one state read for the standing, the pay and the silence
      AnswerState a = answerTo(ev, c, any);
      CommandAnswers.Standing st = standing(c, a, t);
      if (st == CommandAnswers.Standing.UNANSWERED && !c.unansweredNoted && any == null) {
        c.unansweredNoted = true;
        commanded.put(key, c);
        ctx.output(ANSWERS, new CommandAnswerRow(ev.eventId, id, commandId(ev, c), "UNANSWERED", null, Long.MIN_VALUE));
      }
      long askedMillis = Math.min(ev.endMillis, t) - Math.max(Math.max(ev.startMillis, from), paidFrom(c, a));
      asked.add(new CommandAnswers.Asked(st, c.requestedW, 0, delivered.getOrDefault(id, 0L), askedMillis));
    }
    long measuredW = CommandAnswers.measuredW(asked);
    if (t < ev.endMillis && measuredW < ev.targetW) redispatch(ev, t, measuredW, out);
    next(ev, t, ctx);
  }

  /** The end: release, reliability, forget the event. */
  private void finish(DrEventState ev, long t, OnTimerContext ctx, Collector<DispatchCommand> out) throws Exception {
    markRefusals(ev, t);
    verify(ev, t, ctx);
    for (String deviceId : commandedDevices(ev)) {
      EventDeviceState c = commanded.get(ev.eventId + "|" + deviceId);
      DeviceFlexState d = devices.get(deviceId);
      long requestedTotal = Math.floorDiv(Math.multiplyExact(c.requestedW, Math.max(0, ev.endMillis - c.fromMillis)), 3_600L);
      if (d == null) continue; // forgotten meanwhile: nothing to update
      d.reliabilityPpm = Reliability.update(d.reliability(rules.reliabilityPriorPpm()), c.deliveredMilliWh, requestedTotal, rules);
      devices.put(deviceId, d);
      ctx.output(RELIABILITY, new DeviceReliability(deviceId, d.reliabilityPpm, ev.eventId, requestedTotal, c.deliveredMilliWh, ev.endMillis));
    }
    release(ev, ev.endMillis, out);
    remove(ev);
  }

  /** Devices under the target with a baseline and something to give, as of {@code at}. */
  private List<Dispatcher.Candidate> pool(DrEventState ev, long at, Set<String> exclude, Map<String, Long> baselines) throws Exception {
    Registry reg = registry.get();
    DrEventSpec spec = ev.spec();
    DrEventSpec baselineSpec = ev.spec(dispatchAt(ev)); // baselines look at the window before the dispatch
    long holdMillis = ev.endMillis - Math.max(at, ev.startMillis);
    List<Dispatcher.Candidate> pool = new ArrayList<>();
    for (DeviceFlexState d : devices.values()) {
      if (!ev.covers(d) || exclude.contains(d.deviceId)) continue;
      Registry.Device r = reg.device(d.deviceId);
      DeviceProfile p = profile(r, d);
      if (p == null || !p.controllable()) continue;
      long available = Math.min(r.flexibleW(), Flexibility.of(p, d.powerBefore(at, intervalMillis), d.soc(), holdMillis, rules).in(spec.direction()));
      if (available <= 0) continue;
      OptionalLong b = baseline.of(baselineSpec, d.history(windowStart(ev), intervals.startOf(dispatchAt(ev))));
      if (b.isEmpty()) continue;
      baselines.put(d.deviceId, b.getAsLong());
      pool.add(new Dispatcher.Candidate(d.deviceId, available, d.reliability(rules.reliabilityPriorPpm()), p.costPerKwh(), d.lastAskedMillis));
    }
    return pool;
  }

  /**
   * The registry's view of a device for dispatch: controllable when the owner offers some flexible power and the
   * device is not revoked; the registry has no asking price yet (0) and no per-device SoC limits (the job's).
   */
  DeviceProfile profile(Registry.Device r, DeviceFlexState d) {
    if (r == null) return null;
    DeviceKind kind;
    try {
      kind = DeviceKind.parse(r.kind());
    } catch (RuntimeException unknownKind) {
      return null;
    }
    return new DeviceProfile(d.deviceId, d.ownerAddress, kind, d.feederId, Math.max(0, r.maxImportW()), Math.max(0, r.maxExportW()),
        Math.max(0, r.storageMilliWh()) / 1_000, minSocPpm, maxSocPpm, 0, !r.revoked() && r.flexibleW() > 0);
  }

  private void emit(DrEventState ev, Dispatcher.Plan plan, Map<String, Long> baselines, long from, Collector<DispatchCommand> out)
      throws Exception {
    for (DeviceCommand c : plan.commands()) {
      EventDeviceState s = new EventDeviceState();
      s.deviceId = c.deviceId();
      s.requestedW = c.requestedW();
      s.fromMillis = Math.max(from, ev.startMillis); // asked from the start, even when told ahead
      s.round = c.round();
      s.baselineMilliWh = baselines.get(c.deviceId());
      commanded.put(ev.eventId + "|" + c.deviceId(), s);
      DeviceFlexState d = devices.get(c.deviceId());
      d.lastAskedMillis = c.issuedAtMillis();
      devices.put(c.deviceId(), d);
      out.collect(avro(c));
    }
  }

  private void release(DrEventState ev, long at, Collector<DispatchCommand> out) throws Exception {
    for (DeviceCommand c : Dispatcher.release(ev.spec(), commandedDevices(ev), at)) out.collect(avro(c));
  }

  private void remove(DrEventState ev) throws Exception {
    // remove() by key, not through an iterator: the heap backend drops a map emptied by remove(), not by it.remove()
    String prefix = ev.eventId + "|";
    List<String> gone = new ArrayList<>();
    for (String k : commanded.keys()) if (k.startsWith(prefix)) gone.add(k);
    for (String k : gone) commanded.remove(k);
    List<String> answered = new ArrayList<>();
    for (String k : answers.keys()) if (k.startsWith(prefix)) answered.add(k);
    for (String k : answered) answers.remove(k);
    List<String> refused = new ArrayList<>();
    for (String k : refusalsDue.keys()) if (k.startsWith(prefix)) refused.add(k);
    for (String k : refused) refusalsDue.remove(k);
    events.remove(ev.eventId);
  }

  private Set<String> commandedDevices(DrEventState ev) throws Exception {
    String prefix = ev.eventId + "|";
    Set<String> ids = new HashSet<>();
    for (String k : commanded.keys()) if (k.startsWith(prefix)) ids.add(k.substring(prefix.length()));
    return ids;
  }

  /** Registers the next interval boundary of a running event (or its finish). */
  private void next(DrEventState ev, long t, OnTimerContext ctx) {
    ctx.timerService().registerEventTimeTimer(Math.min(intervals.endOf(t), finish(ev)));
  }

  /** When an event is finished: the end of the interval holding its last instant, once that interval is verified. */
  private long finish(DrEventState ev) {
    return intervals.endOf(ev.endMillis - 1);
  }

  private long windowStart(DrEventState ev) {
    return intervals.startOf(dispatchAt(ev)) - rules.baselineWindowIntervals() * intervalMillis;
  }

  /** When round 0 goes out: the dispatch lead before the start. */
  private long dispatchAt(DrEventState ev) {
    return ev.startMillis - leadMillis;
  }

  private void sweep(long t) throws Exception {
    Set<String> busy = new HashSet<>();
    for (String k : commanded.keys()) busy.add(k.substring(k.indexOf('|') + 1));
    List<String> silent = new ArrayList<>();
    for (Map.Entry<String, DeviceFlexState> en : devices.entries()) {
      if (en.getValue().lastIntervalEnd + idleMillis <= t && !busy.contains(en.getKey())) silent.add(en.getKey());
    }
    for (String id : silent) devices.remove(id);
    // answers to events this region no longer has (over, or never seen here): forgotten after an hour
    List<String> stale = new ArrayList<>();
    for (Map.Entry<String, AnswerState> en : answers.entries()) {
      String eventId = en.getKey().substring(0, en.getKey().lastIndexOf('|'));
      if (en.getValue().repliedAtMillis + SWEEP_MILLIS <= t && !events.contains(eventId)) stale.add(en.getKey());
    }
    for (String k : stale) answers.remove(k);
    stale.clear();
    for (Map.Entry<String, Long> en : refusalsDue.entries()) {
      String eventId = en.getKey().substring(0, en.getKey().lastIndexOf('|'));
      if (en.getValue() + SWEEP_MILLIS <= t && !events.contains(eventId)) stale.add(en.getKey());
    }
    for (String k : stale) refusalsDue.remove(k);
  }

  static DispatchCommand avro(DeviceCommand c) {
    return DispatchCommand.newBuilder().setCommandId(c.commandId()).setEventId(c.eventId()).setDeviceId(c.deviceId())
        .setAction(CommandAction.valueOf(c.action().name())).setRequestedW(c.requestedW())
        .setStart(Instant.ofEpochMilli(c.startMillis())).setEnd(Instant.ofEpochMilli(c.endMillis())).setRound(c.round())
        .setIssuedAt(Instant.ofEpochMilli(c.issuedAtMillis())).build();
  }

  private static long ceil(long t, long unit) {
    return -Math.floorDiv(-t, unit) * unit;
  }
}
