package io.onder.flink.dr;

import static io.onder.flink.dr.DrFixtures.MIN;
import static io.onder.flink.dr.DrFixtures.T0;
import static io.onder.flink.dr.DrFixtures.energy;
import static io.onder.flink.dr.DrFixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.onder.avro.AckStatus;
import io.onder.avro.CommandAck;
import io.onder.avro.CommandAction;
import io.onder.avro.DispatchCommand;
import io.onder.avro.DrDelivery;
import io.onder.avro.DrEvent;
import io.onder.avro.DrStatus;
import io.onder.avro.TargetKind;
import io.onder.flink.registry.RegistryHolder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntToLongFunction;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DR operator on a small fleet (see {@link DrFixtures}), numbers from the rulebook onder-flex-2025.1: margin
 * 10 %, reliability prior 0.8 in bands of 0.1, EWMA weight 0.2, baseline over the 10 minutes before the start.
 */
class DemandResponseFunctionTest {
  static final long IDLE = 24 * 3_600_000L;
  KeyedOneInputStreamOperatorTestHarness<String, DrInput, DispatchCommand> h;

  @BeforeEach
  void harness() throws Exception {
    h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new DemandResponseFunction(new RegistryHolder(RegistryHolder.fixed(DrFixtures.REGISTRY), 60_000), "onder-flex-2025.1", MIN, IDLE,
            100_000, 1_000_000),
        r -> r.regionId, Types.STRING);
  }

  @AfterEach
  void close() throws Exception {
    h.close();
  }

  void send(DrEvent e) throws Exception {
    DrInput in = DrInput.of(e);
    in.regionId = "R1";
    h.processElement(new StreamRecord<>(in, in.timestamp()));
  }

  /**
   * Minutes {@code from}..{@code to}-1 of the fleet, each followed by the watermark at its end; every device accepts
   * each new command the moment it is issued, as a compliant device does (the tests of answers use {@link #fleet}).
   */
  void minutes(int from, int to, IntToLongFunction ev1, IntToLongFunction hp1) throws Exception {
    for (int i = from; i < to; i++) {
      for (var e : List.of(energy("ev1", i, ev1.applyAsLong(i)), energy("hp1", i, hp1.applyAsLong(i)), energy("m1", i, 20_000),
          energy("ld2", i, 40_000))) {
        DrInput in = DrInput.of(e);
        in.regionId = "R1";
        h.processElement(new StreamRecord<>(in, in.timestamp()));
      }
      h.processWatermark(new Watermark(T0 + (i + 1) * MIN));
      for (DispatchCommand c : commands()) {
        if (c.getAction() != CommandAction.RELEASE && accepted.add(c.getCommandId())) answer(c, AckStatus.ACCEPTED, c.getIssuedAt().toEpochMilli());
      }
    }
  }

  /** The commands {@link #minutes} has accepted. */
  final Set<String> accepted = new java.util.HashSet<>();

  List<DispatchCommand> commands() {
    return h.extractOutputValues();
  }

  List<DrDelivery> deliveries() {
    var out = h.getSideOutput(DemandResponseFunction.DELIVERY);
    return out == null ? List.of() : out.stream().map(StreamRecord::getValue).collect(Collectors.toList());
  }

  Map<String, Long> reliability() {
    var out = h.getSideOutput(DemandResponseFunction.RELIABILITY);
    return out == null ? Map.of() : out.stream().map(StreamRecord::getValue).collect(Collectors.toMap(r -> r.deviceId, r -> r.reliabilityPpm));
  }

  static String show(DispatchCommand c) {
    return c.getCommandId() + " " + c.getAction() + " " + c.getRequestedW();
  }

  /**
   * E1: reduce F1 by 6 kW from 12:20 to 12:30. Baselines (12:10-12:20): EV 100,000 mWh a minute (6 kW), heat pump
   * 50,000 (3 kW). The pool under F1: EV 6,000 W (its whole load), heat pump 1,500 W (half its load), meter
   * nothing; ld2 is on F2. Goal 6,600 W expected; both together are expected to give 0.8 × 7,500 = 6,000: both are
   * asked for everything. The EV stops (delivers its 100,000 mWh asked each minute); the heat pump runs at 35,000 (delivers
   * 15,000 of its 25,000 asked) except at 12:25 when it stops (50,000 below baseline, clamped to 25,000).
   */
  void firstEvent() throws Exception {
    send(event("E1", TargetKind.FEEDER, "F1", 6_000, 20, 30, 1, DrStatus.ACTIVE));
    minutes(0, 20, i -> 100_000, i -> 50_000);
  }

  @Test
  void dispatches_at_the_start_over_the_devices_under_the_target_and_verifies_each_interval() throws Exception {
    send(event("E1", TargetKind.FEEDER, "F1", 6_000, 20, 30, 1, DrStatus.ACTIVE));
    minutes(0, 19, i -> 100_000, i -> 50_000);
    assertThat(commands()).as("nothing before the start").isEmpty();
    minutes(19, 20, i -> 100_000, i -> 50_000);
    assertThat(commands()).extracting(DemandResponseFunctionTest::show)
        .containsExactlyInAnyOrder("E1/ev1/0 REDUCE 6000", "E1/hp1/0 REDUCE 1500");
    assertThat(commands()).allSatisfy(c -> {
      assertThat(c.getStart().toEpochMilli()).isEqualTo(T0 + 20 * MIN);
      assertThat(c.getEnd().toEpochMilli()).isEqualTo(T0 + 30 * MIN);
    });

    minutes(20, 35, i -> i < 30 ? 0 : 100_000, i -> i == 25 ? 0 : i < 30 ? 35_000 : 50_000);

    List<DrDelivery> d = deliveries();
    assertThat(d).as("two devices × ten minutes, nothing outside the window").hasSize(20)
        .allSatisfy(x -> assertThat(x.getIntervalStart().toEpochMilli()).isBetween(T0 + 20 * MIN, T0 + 29 * MIN))
        .allSatisfy(x -> assertThat(x.getDeliveredMilliWh()).isLessThanOrEqualTo(x.getRequestedMilliWh()))
        .allSatisfy(x -> assertThat(x.getUtilityAccount()).isEqualTo("utility:u1"));
    assertThat(d.stream().filter(x -> x.getDeviceId().equals("ev1"))).allSatisfy(x -> {
      assertThat(x.getBaselineMilliWh()).isEqualTo(100_000);
      assertThat(x.getRequestedMilliWh()).isEqualTo(100_000); // 6,000 W × 60 s
      assertThat(x.getDeliveredMilliWh()).isEqualTo(100_000);
    });
    assertThat(d.stream().filter(x -> x.getDeviceId().equals("hp1")).mapToLong(DrDelivery::getDeliveredMilliWh))
        .as("nine minutes of 15,000 and one clamped to the 25,000 asked").containsExactly(15_000L, 15_000L, 15_000L, 15_000L, 15_000L,
            25_000L, 15_000L, 15_000L, 15_000L, 15_000L);

    // every minute the pool delivered at least 6,900 W: no re-dispatch; at the end, a release to each
    assertThat(commands()).extracting(DemandResponseFunctionTest::show)
        .containsExactlyInAnyOrder("E1/ev1/0 REDUCE 6000", "E1/hp1/0 REDUCE 1500", "E1/ev1/release RELEASE 0", "E1/hp1/release RELEASE 0");
    // reliability: EV 0.8 × 0.8 + 0.2 × 1 = 0.84; heat pump delivered 160,000 of 250,000 = 0.64 → 0.8 × 0.8 + 0.2 × 0.64 = 0.768
    assertThat(reliability()).containsExactlyInAnyOrderEntriesOf(Map.of("ev1", 840_000L, "hp1", 768_000L));
  }

  @Test
  void with_a_dispatch_lead_the_commands_go_out_ahead_with_baselines_before_them_and_devices_are_asked_from_the_start() throws Exception {
    h.close();
    h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new DemandResponseFunction(new RegistryHolder(RegistryHolder.fixed(DrFixtures.REGISTRY), 60_000), "onder-flex-2025.1", MIN, IDLE,
            100_000, 1_000_000).dispatchingAhead(10 * MIN),
        r -> r.regionId, Types.STRING);
    send(event("E1", TargetKind.FEEDER, "F1", 6_000, 20, 30, 1, DrStatus.ACTIVE));
    // the baseline window (ten minutes) ends at the dispatch, 12:10, wholly before the ten minutes before the start
    minutes(0, 9, i -> 100_000, i -> 50_000);
    assertThat(commands()).as("nothing before the lead").isEmpty();
    minutes(9, 10, i -> 100_000, i -> 50_000);
    assertThat(commands()).extracting(DemandResponseFunctionTest::show)
        .containsExactlyInAnyOrder("E1/ev1/0 REDUCE 6000", "E1/hp1/0 REDUCE 1500");
    assertThat(commands()).allSatisfy(c -> {
      assertThat(c.getIssuedAt().toEpochMilli()).isEqualTo(T0 + 10 * MIN);
      assertThat(c.getStart().toEpochMilli()).isEqualTo(T0 + 20 * MIN);
    });
    minutes(10, 35, i -> i < 20 ? 100_000 : i < 30 ? 0 : 100_000, i -> i < 20 ? 50_000 : i < 30 ? 35_000 : 50_000);
    List<DrDelivery> d = deliveries();
    assertThat(d).as("verified from the start only: two devices × ten minutes").hasSize(20)
        .allSatisfy(x -> assertThat(x.getIntervalStart().toEpochMilli()).isBetween(T0 + 20 * MIN, T0 + 29 * MIN));
    assertThat(d.stream().filter(x -> x.getDeviceId().equals("ev1"))).allSatisfy(x -> {
      assertThat(x.getBaselineMilliWh()).isEqualTo(100_000);
      assertThat(x.getRequestedMilliWh()).as("asked for the minute, not the lead").isEqualTo(100_000);
      assertThat(x.getDeliveredMilliWh()).isEqualTo(100_000);
    });
    assertThat(reliability()).as("asked ten minutes, delivered all: 0.8 × 0.8 + 0.2").containsEntry("ev1", 840_000L);
  }

  /**
   * E2 after E1: reduce F1 by 3 kW from 12:40 to 12:50. The EV (0.84) now ranks above the heat pump (0.768, a lower
   * band): goal 3,300 W expected, the EV alone is expected to give 5,040, so it is asked only ⌈3,300 / 0.84⌉ = 3,929 W.
   * It reduces by 20,000 mWh in the first minute = 1,200 W: shortfall 1,800 W, goal 1,980; round 1 asks the heat pump
   * for all of its 1,500 W (expected 1,152), from 12:41.
   */
  @Test
  void re_dispatches_on_shortfall_to_devices_not_yet_asked_and_reliable_devices_go_first() throws Exception {
    firstEvent();
    minutes(20, 30, i -> 0, i -> i == 25 ? 0 : 35_000);
    send(event("E2", TargetKind.FEEDER, "F1", 3_000, 40, 50, 1, DrStatus.ACTIVE));
    minutes(30, 40, i -> 100_000, i -> 50_000);
    assertThat(commands()).extracting(DemandResponseFunctionTest::show).contains("E2/ev1/0 REDUCE 3929").noneMatch(s -> s.startsWith("E2/hp1"));
    minutes(40, 41, i -> 80_000, i -> 50_000);
    List<DispatchCommand> round1 = commands().stream().filter(c -> c.getRound() == 1).collect(Collectors.toList());
    assertThat(round1).extracting(DemandResponseFunctionTest::show).containsExactly("E2/hp1/1 REDUCE 1500");
    assertThat(round1.get(0).getStart().toEpochMilli()).isEqualTo(T0 + 41 * MIN);
    // the heat pump's first verified minute is the one after its command
    minutes(41, 42, i -> 80_000, i -> 25_000);
    assertThat(deliveries()).filteredOn(x -> x.getEventId().equals("E2") && x.getDeviceId().equals("hp1"))
        .singleElement().satisfies(x -> {
          assertThat(x.getIntervalStart().toEpochMilli()).isEqualTo(T0 + 41 * MIN);
          assertThat(x.getDeliveredMilliWh()).isEqualTo(25_000);
        });
  }

  @Test
  void a_cancelled_event_releases_its_devices_at_once_and_no_later_interval_is_verified() throws Exception {
    firstEvent();
    minutes(20, 25, i -> 0, i -> 35_000);
    send(event("E1", TargetKind.FEEDER, "F1", 6_000, 20, 30, 2, DrStatus.CANCELLED));
    assertThat(commands()).extracting(DemandResponseFunctionTest::show).endsWith("E1/ev1/release RELEASE 0", "E1/hp1/release RELEASE 0");
    minutes(25, 35, i -> 0, i -> 35_000);
    assertThat(deliveries()).as("five minutes of two devices before the cancellation").hasSize(10);
    assertThat(commands()).hasSize(4);
    assertThat(reliability()).as("the utility cut it short, not the devices").isEmpty();
  }

  @Test
  void a_repeated_or_older_version_changes_nothing() throws Exception {
    firstEvent();
    send(event("E1", TargetKind.FEEDER, "F1", 6_000, 20, 30, 1, DrStatus.CANCELLED));
    minutes(20, 31, i -> 0, i -> 35_000);
    assertThat(deliveries()).hasSize(20);
  }

  @Test
  void an_event_that_ended_before_it_was_seen_is_set_aside() throws Exception {
    minutes(0, 40, i -> 100_000, i -> 50_000);
    send(event("E0", TargetKind.FEEDER, "F1", 6_000, 20, 30, 1, DrStatus.ACTIVE));
    minutes(40, 41, i -> 100_000, i -> 50_000);
    assertThat(commands()).isEmpty();
    assertThat(h.getSideOutput(DemandResponseFunction.EXPIRED)).extracting(r -> r.getValue().getEventId()).containsExactly("E0");
  }

  @Test
  void a_device_without_a_baseline_is_not_asked() throws Exception {
    send(event("E1", TargetKind.SUBSTATION, "S1", 6_000, 20, 30, 1, DrStatus.ACTIVE));
    minutes(16, 20, i -> 100_000, i -> 50_000); // four minutes of history: fewer than the five a baseline needs
    assertThat(commands()).isEmpty();
  }

  @Test
  void a_finished_event_and_then_silent_devices_leave_no_state_and_no_timer_behind() throws Exception {
    firstEvent();
    minutes(20, 31, i -> 0, i -> 35_000);
    assertThat(reliability()).hasSize(2);
    assertThat(h.numKeyedStateEntries()).as("the devices' map, nothing of the event").isEqualTo(1);
    h.processWatermark(new Watermark(T0 + 31 * MIN + IDLE + DemandResponseFunction.SWEEP_MILLIS));
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
  }

  @Test
  void catching_up_verifies_the_same_when_the_energy_arrives_before_the_watermark() throws Exception {
    send(event("E1", TargetKind.FEEDER, "F1", 6_000, 20, 30, 1, DrStatus.ACTIVE));
    // the devices' acceptances are in too (given at 12:20, when the commands went out live)
    for (String id : List.of("ev1", "hp1")) {
      answer(DispatchCommand.newBuilder().setCommandId("E1/" + id + "/0").setEventId("E1").setDeviceId(id).setRound(0).setAction(CommandAction.REDUCE)
          .setRequestedW(0).setIssuedAt(Instant.ofEpochMilli(T0 + 20 * MIN)).setStart(Instant.ofEpochMilli(T0 + 20 * MIN))
          .setEnd(Instant.ofEpochMilli(T0 + 30 * MIN)).build(), AckStatus.ACCEPTED, T0 + 20 * MIN);
    }
    for (int i = 0; i < 35; i++) {
      int m = i;
      for (var e : List.of(energy("ev1", m, m >= 20 && m < 30 ? 0 : 100_000), energy("hp1", m, m >= 20 && m < 30 ? 35_000 : 50_000))) {
        DrInput in = DrInput.of(e);
        in.regionId = "R1";
        h.processElement(new StreamRecord<>(in, in.timestamp()));
      }
    }
    h.processWatermark(new Watermark(T0 + 35 * MIN));
    assertThat(deliveries()).hasSize(20);
    assertThat(deliveries().stream().mapToLong(DrDelivery::getDeliveredMilliWh).sum()).isEqualTo(10 * 100_000 + 10 * 15_000);
    assertThat(reliability()).containsExactlyInAnyOrderEntriesOf(Map.of("ev1", 840_000L, "hp1", 760_000L));
  }

  // ---- answers to commands --------------------------------------------------------------------------------------

  /** Baselines a minute: EV 100,000 mWh, heat pump 50,000, ld2 40,000 (the meter m1 is not controllable). */
  static final Map<String, Long> BASE = Map.of("ev1", 100_000L, "hp1", 50_000L, "m1", 20_000L, "ld2", 40_000L);

  /** Minutes {@code from}..{@code to}-1 of the whole fleet at its baseline, but devices in {@code stopped} import nothing. */
  void fleet(int from, int to, Set<String> stopped) throws Exception {
    for (int i = from; i < to; i++) {
      for (String id : List.of("ev1", "hp1", "m1", "ld2")) {
        DrInput in = DrInput.of(energy(id, i, stopped.contains(id) ? 0 : BASE.get(id)));
        in.regionId = "R1";
        h.processElement(new StreamRecord<>(in, in.timestamp()));
      }
      h.processWatermark(new Watermark(T0 + (i + 1) * MIN));
    }
  }

  void answer(DispatchCommand c, AckStatus status, long atMillis) throws Exception {
    DrInput in = DrInput.of(CommandAck.newBuilder().setCommandId(c.getCommandId()).setEventId(c.getEventId()).setDeviceId(c.getDeviceId())
        .setStatus(status).setReason(status == AckStatus.REJECTED ? "owner override" : null).setAckedAt(Instant.ofEpochMilli(atMillis)).build());
    in.regionId = "R1";
    h.processElement(new StreamRecord<>(in, in.timestamp()));
  }

  List<String> answerRows() {
    var out = h.getSideOutput(DemandResponseFunction.ANSWERS);
    return out == null ? List.of() : out.stream().map(r -> r.getValue().deviceId + " " + r.getValue().status + " "
        + (r.getValue().ackedAtMillis == Long.MIN_VALUE ? "-" : Instant.ofEpochMilli(r.getValue().ackedAtMillis).toString())).collect(Collectors.toList());
  }

  /**
   * E3: reduce S1 by 1,000 W from 12:20 to 12:30; under S1 the EV, the heat pump and ld2 can each give at least
   * 1,375 W. Goal 1,100 expected: the first-ranked device (x) alone is asked ⌈1,100 / 0.8⌉ = 1,375 W.
   */
  List<DispatchCommand> thirdEvent() throws Exception {
    send(event("E3", TargetKind.SUBSTATION, "S1", 1_000, 20, 30, 1, DrStatus.ACTIVE));
    fleet(0, 20, Set.of());
    assertThat(commands()).extracting(c -> c.getRound() + " " + c.getRequestedW()).containsExactly("0 1375");
    return List.copyOf(commands());
  }

  @Test
  void a_refusal_is_covered_at_once_by_another_device_and_the_refuser_is_neither_verified_nor_paid() throws Exception {
    DispatchCommand x = thirdEvent().get(0);
    long refusedAt = T0 + 20 * MIN + 30_000;
    answer(x, AckStatus.REJECTED, refusedAt);
    assertThat(answerRows()).as("stored when it arrives").containsExactly(x.getDeviceId() + " REJECTED 2026-06-21T12:20:30Z");
    assertThat(commands()).as("acted on when the watermark reaches it").hasSize(1);

    // the watermark reaches the refusal: at 12:20:30 the pool counts on nothing, so y is asked the whole 1,375 W from
    // the refusal on
    Set<String> others = Set.of("ev1", "hp1", "ld2").stream().filter(d -> !d.equals(x.getDeviceId())).collect(Collectors.toSet());
    h.processWatermark(new Watermark(refusedAt));
    List<DispatchCommand> round1 = commands().stream().filter(c -> c.getRound() == 1).collect(Collectors.toList());
    assertThat(round1).singleElement().satisfies(y -> {
      assertThat(y.getDeviceId()).isNotEqualTo(x.getDeviceId());
      assertThat(y.getRequestedW()).isEqualTo(1_375);
      assertThat(y.getIssuedAt().toEpochMilli()).isEqualTo(refusedAt);
      assertThat(y.getStart().toEpochMilli()).isEqualTo(refusedAt);
    });
    DispatchCommand y = round1.get(0);
    answer(y, AckStatus.ACCEPTED, refusedAt + 10_000);
    // y delivers from its acceptance at 12:20:40: 12:21 measures it over those 20 s (7,638 mWh → 1,374 W ≥ 1,000):
    // no third round
    fleet(20, 31, others);
    assertThat(commands().stream().filter(c -> c.getRound() > 1)).isEmpty();
    assertThat(commands()).extracting(DispatchCommand::getCommandId).contains("E3/" + x.getDeviceId() + "/release", "E3/" + y.getDeviceId() + "/release");
    assertThat(deliveries()).as("only y, ten minutes").hasSize(10).allSatisfy(dl -> assertThat(dl.getDeviceId()).isEqualTo(y.getDeviceId()));
    assertThat(deliveries().get(0).getRequestedMilliWh()).as("1,375 W × the 20 s after its acceptance").isEqualTo(7_638);
    assertThat(deliveries().get(0).getDeliveredMilliWh()).isEqualTo(7_638);
    // x asked 1,375 W × 600 s = 229,166 mWh, delivered nothing → 0.8 × 0.8 = 0.64. y asked 1,375 × 570 s = 217,708
    // from 12:20:30 and delivered 7,638 + 9 × 22,916 = 213,882 (982,426 ppm) → 0.64 + 0.2 × 0.982426 = 0.836485
    assertThat(reliability()).containsExactlyInAnyOrderEntriesOf(Map.of(x.getDeviceId(), 640_000L, y.getDeviceId(), 836_485L));
    assertThat(answerRows()).containsExactly(x.getDeviceId() + " REJECTED 2026-06-21T12:20:30Z", y.getDeviceId() + " ACCEPTED 2026-06-21T12:20:40Z");
    assertThat(h.numKeyedStateEntries()).as("the devices' map, nothing of the event or its answers").isEqualTo(1);
  }

  /**
   * x neither answers nor reduces: at 12:21 it is unanswered and the pool short, so y is asked (round 1). y refuses at
   * 12:21:30: x, silent past its timeout, is not counted on, so z is asked at once (round 2). x then follows without
   * answering from 12:22, and accepts late, at 12:25:10: it is verified and paid from then on only.
   */
  @Test
  void a_replay_with_the_answers_in_before_the_commands_are_issued_decides_the_same() throws Exception {
    // live: the refusal of test a_refusal_is_covered... arrives while the watermark is at 12:20
    DispatchCommand x = thirdEvent().get(0);
    answer(x, AckStatus.REJECTED, T0 + 20 * MIN + 30_000);
    Set<String> others = Set.of("ev1", "hp1", "ld2").stream().filter(d -> !d.equals(x.getDeviceId())).collect(Collectors.toSet());
    h.processWatermark(new Watermark(T0 + 20 * MIN + 30_000));
    DispatchCommand round1 = commands().stream().filter(c -> c.getRound() == 1).findFirst().orElseThrow();
    answer(round1, AckStatus.ACCEPTED, T0 + 20 * MIN + 40_000);
    fleet(20, 31, others);
    List<String> live = commands().stream().map(c -> show(c) + " @" + c.getIssuedAt()).collect(Collectors.toList());
    List<String> liveDeliveries = deliveries().stream().map(d -> d.getDeviceId() + " " + d.getIntervalStart() + " " + d.getDeliveredMilliWh())
        .collect(Collectors.toList());
    Map<String, Long> liveReliability = reliability();

    // replay: everything read before the watermark moves, answers before the commands they answer are issued
    h.close();
    harness();
    send(event("E3", TargetKind.SUBSTATION, "S1", 1_000, 20, 30, 1, DrStatus.ACTIVE));
    answer(x, AckStatus.REJECTED, T0 + 20 * MIN + 30_000);
    answer(round1, AckStatus.ACCEPTED, T0 + 20 * MIN + 40_000);
    for (int i = 0; i < 31; i++) {
      for (String id : List.of("ev1", "hp1", "m1", "ld2")) {
        DrInput in = DrInput.of(energy(id, i, i >= 20 && others.contains(id) ? 0 : BASE.get(id)));
        in.regionId = "R1";
        h.processElement(new StreamRecord<>(in, in.timestamp()));
      }
    }
    h.processWatermark(new Watermark(T0 + 31 * MIN));
    assertThat(commands().stream().map(c -> show(c) + " @" + c.getIssuedAt())).containsExactlyElementsOf(live);
    assertThat(deliveries().stream().map(d -> d.getDeviceId() + " " + d.getIntervalStart() + " " + d.getDeliveredMilliWh()))
        .containsExactlyElementsOf(liveDeliveries);
    assertThat(reliability()).isEqualTo(liveReliability).containsEntry(x.getDeviceId(), 640_000L);
  }

  @Test
  void a_device_silent_past_its_timeout_is_not_counted_on_and_is_paid_only_from_its_late_acceptance() throws Exception {
    DispatchCommand x = thirdEvent().get(0);
    fleet(20, 21, Set.of());
    assertThat(answerRows()).containsExactly(x.getDeviceId() + " UNANSWERED -");
    DispatchCommand y = commands().stream().filter(c -> c.getRound() == 1).collect(Collectors.toList()).get(0);
    assertThat(y.getIssuedAt().toEpochMilli()).isEqualTo(T0 + 21 * MIN);
    answer(y, AckStatus.REJECTED, T0 + 21 * MIN + 30_000);
    fleet(21, 22, Set.of());
    List<DispatchCommand> round2 = commands().stream().filter(c -> c.getRound() == 2).collect(Collectors.toList());
    assertThat(round2).singleElement().satisfies(z -> {
      assertThat(z.getDeviceId()).isNotIn(x.getDeviceId(), y.getDeviceId());
      assertThat(z.getRequestedW()).isEqualTo(1_375);
      assertThat(z.getIssuedAt().toEpochMilli()).isEqualTo(T0 + 21 * MIN + 30_000);
    });
    DispatchCommand z = round2.get(0);
    answer(z, AckStatus.ACCEPTED, T0 + 21 * MIN + 40_000);
    answer(x, AckStatus.ACCEPTED, T0 + 25 * MIN + 10_000);
    fleet(22, 31, Set.of(x.getDeviceId(), z.getDeviceId()));
    assertThat(deliveries()).filteredOn(dl -> dl.getDeviceId().equals(x.getDeviceId()))
        .as("stopped from 12:22 but accepted at 12:25:10: 12:25 (its last 50 s) to 12:29").extracting(dl -> dl.getIntervalStart().toEpochMilli())
        .containsExactly(T0 + 25 * MIN, T0 + 26 * MIN, T0 + 27 * MIN, T0 + 28 * MIN, T0 + 29 * MIN);
    assertThat(deliveries()).filteredOn(dl -> dl.getDeviceId().equals(x.getDeviceId())).first()
        .satisfies(dl -> assertThat(dl.getRequestedMilliWh()).as("1,375 W × 50 s").isEqualTo(19_097));
    assertThat(deliveries()).filteredOn(dl -> dl.getDeviceId().equals(y.getDeviceId())).as("y refused in its first minute").isEmpty();
    assertThat(answerRows()).containsExactly(x.getDeviceId() + " UNANSWERED -", y.getDeviceId() + " REJECTED 2026-06-21T12:21:30Z",
        z.getDeviceId() + " ACCEPTED 2026-06-21T12:21:40Z", x.getDeviceId() + " ACCEPTED 2026-06-21T12:25:10Z");
  }

  /**
   * x stops its load from 12:20 but never answers (its command may never have reached it): the drop is no answer to
   * the ask, so it is neither paid nor counted, and at 12:21 the pool, measuring nothing, asks another device.
   */
  @Test
  void a_device_that_never_accepts_is_neither_paid_nor_counted_whatever_its_load_does() throws Exception {
    DispatchCommand x = thirdEvent().get(0);
    fleet(20, 25, Set.of(x.getDeviceId()));
    assertThat(answerRows()).as("x, then the devices asked after it, silent too").first().isEqualTo(x.getDeviceId() + " UNANSWERED -");
    assertThat(deliveries()).as("nobody accepted").isEmpty();
    assertThat(commands()).filteredOn(c -> c.getRound() == 1).singleElement().satisfies(y -> {
      assertThat(y.getDeviceId()).isNotEqualTo(x.getDeviceId());
      assertThat(y.getIssuedAt().toEpochMilli()).isEqualTo(T0 + 21 * MIN);
    });
  }

  /**
   * After a restart or in a replay, an answer can be read behind the watermark: x accepted at 12:20:05 and follows,
   * but its answer is read only when the watermark is at 12:23. The intervals since the acceptance are verified at the
   * next boundary, each once, with the same figures as when the answer was in time.
   */
  @Test
  void an_acceptance_read_behind_the_watermark_is_paid_the_same() throws Exception {
    DispatchCommand x = thirdEvent().get(0);
    fleet(20, 23, Set.of(x.getDeviceId()));
    assertThat(deliveries()).isEmpty();
    answer(x, AckStatus.ACCEPTED, T0 + 20 * MIN + 5_000);
    fleet(23, 31, Set.of(x.getDeviceId()));
    List<String> late = deliveries().stream().filter(dl -> dl.getDeviceId().equals(x.getDeviceId()))
        .map(dl -> dl.getIntervalStart() + " " + dl.getRequestedMilliWh() + " " + dl.getDeliveredMilliWh()).collect(Collectors.toList());

    h.close();
    harness();
    thirdEvent();
    answer(x, AckStatus.ACCEPTED, T0 + 20 * MIN + 5_000);
    fleet(20, 31, Set.of(x.getDeviceId()));
    List<String> inTime = deliveries().stream().filter(dl -> dl.getDeviceId().equals(x.getDeviceId()))
        .map(dl -> dl.getIntervalStart() + " " + dl.getRequestedMilliWh() + " " + dl.getDeliveredMilliWh()).collect(Collectors.toList());
    assertThat(late).as("ten minutes, the first from 12:20:05: 1,375 W × 55 s").hasSize(10).startsWith("2026-06-21T12:20:00Z 21006 21006")
        .containsExactlyElementsOf(inTime);
  }

  @Test
  void answers_to_releases_and_repeats_change_nothing() throws Exception {
    DispatchCommand x = thirdEvent().get(0);
    answer(x, AckStatus.ACCEPTED, T0 + 20 * MIN + 5_000);
    answer(x, AckStatus.ACCEPTED, T0 + 20 * MIN + 5_000);
    DispatchCommand release = DispatchCommand.newBuilder(x).setCommandId("E3/" + x.getDeviceId() + "/release").setAction(CommandAction.RELEASE).build();
    answer(release, AckStatus.REJECTED, T0 + 20 * MIN + 6_000);
    fleet(20, 25, Set.of(x.getDeviceId()));
    assertThat(answerRows()).containsExactly(x.getDeviceId() + " ACCEPTED 2026-06-21T12:20:05Z");
    assertThat(commands()).as("counted on and delivering: no re-dispatch").hasSize(1);
    // a refusal after accepting, given at 12:25 and arriving when the watermark is there already: acted on just
    // after the watermark, and x is verified only up to it, each minute once
    answer(x, AckStatus.REJECTED, T0 + 25 * MIN);
    fleet(25, 26, Set.of(x.getDeviceId()));
    assertThat(commands()).filteredOn(c -> c.getRound() == 1).singleElement()
        .satisfies(c -> assertThat(c.getIssuedAt().toEpochMilli()).isEqualTo(T0 + 25 * MIN + 1));
    assertThat(deliveries()).filteredOn(dl -> dl.getDeviceId().equals(x.getDeviceId())).as("12:20-12:25").hasSize(5);
  }
}
