package io.onder.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.onder.rules.Dispatcher.Candidate;
import io.onder.rules.Dispatcher.Plan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Default rulebook: margin 10 %, reliability bands of 0.1. */
class DispatcherTest {

    static final Dispatcher DISPATCHER = new Dispatcher(Rulebook.defaults().dr());
    static final long NEVER = Candidate.NEVER;

    static DrEventSpec reduce(long targetW) {
        return new DrEventSpec("ev-1", "utility:u", DrDirection.REDUCE, targetW, 3_600_000, 7_200_000, 100_000, 0);
    }

    static Candidate c(String id, long availableW, long reliabilityPpm, long cost, long lastAsked) {
        return new Candidate(id, availableW, reliabilityPpm, cost, lastAsked);
    }

    @Test
    void dispatch_covers_the_target_with_the_margin_asking_the_last_device_only_for_what_is_missing() {
        // goal 10 000 × 1.1 = 11 000: a 5 000, b 5 000, c the missing 1 000
        Plan plan = DISPATCHER.dispatch(reduce(10_000), List.of(
                c("c", 5_000, 1_000_000, 0, 3), c("a", 5_000, 1_000_000, 0, 1), c("b", 5_000, 1_000_000, 0, 2)), 99);
        assertThat(plan.commands()).extracting(DeviceCommand::deviceId, DeviceCommand::requestedW)
                .containsExactly(tuple("a", 5_000L), tuple("b", 5_000L), tuple("c", 1_000L));
        assertThat(plan.goalExpectedW()).isEqualTo(11_000);
        assertThat(plan.expectedW()).isEqualTo(11_000);
        assertThat(plan.shortfallW()).isZero();
        assertThat(plan.commands().get(0)).isEqualTo(new DeviceCommand("ev-1/a/0", "ev-1", "a",
                DeviceCommand.Action.REDUCE, 5_000, 3_600_000, 7_200_000, 0, 99));
    }

    @Test
    void reliable_devices_are_asked_first_and_asked_enough_to_expect_the_goal() {
        // goal 1 100; x (0.95) first: asks ceil(1 100 / 0.95) = 1 158 → expects floor(1 100.1) = 1 100
        Plan plan = DISPATCHER.dispatch(reduce(1_000), List.of(
                c("y", 5_000, 500_000, 0, NEVER), c("x", 5_000, 950_000, 0, NEVER)), 0);
        assertThat(plan.commands()).extracting(DeviceCommand::deviceId, DeviceCommand::requestedW)
                .containsExactly(tuple("x", 1_158L));
        assertThat(plan.expectedW()).isEqualTo(1_100);
    }

    @Test
    void within_a_reliability_band_the_cheaper_device_goes_first() {
        Plan plan = DISPATCHER.dispatch(reduce(1_000), List.of(
                c("p", 5_000, 990_000, 500, NEVER), c("q", 5_000, 910_000, 0, NEVER)), 0);
        assertThat(plan.commands()).extracting(DeviceCommand::deviceId).containsExactly("q");
    }

    @Test
    void the_burden_rotates_to_devices_asked_longest_ago() {
        Plan plan = DISPATCHER.dispatch(reduce(2_500), List.of(
                c("r", 1_000, 1_000_000, 0, 1_000), c("s", 1_000, 1_000_000, 0, NEVER), c("t", 1_000, 1_000_000, 0, 500),
                c("u", 1_000, 1_000_000, 0, 2_000)), 0);
        // goal 2 750: s (never), t (500), r (1 000) for the last 750; u (asked most recently) rests
        assertThat(plan.commands()).extracting(DeviceCommand::deviceId, DeviceCommand::requestedW)
                .containsExactly(tuple("s", 1_000L), tuple("t", 1_000L), tuple("r", 750L));
    }

    @Test
    void the_plan_does_not_depend_on_the_order_the_pool_comes_in() {
        List<Candidate> pool = new ArrayList<>();
        Random rnd = new Random(5);
        for (int i = 0; i < 500; i++) {
            pool.add(c("d" + i, 100 + rnd.nextInt(5_000), rnd.nextInt(1_000_001), rnd.nextInt(3) * 100,
                    rnd.nextInt(4) == 0 ? NEVER : rnd.nextInt(10)));
        }
        Plan plan = DISPATCHER.dispatch(reduce(200_000), pool, 0);
        Collections.shuffle(pool, new Random(6));
        assertThat(DISPATCHER.dispatch(reduce(200_000), pool, 0)).isEqualTo(plan);
    }

    @Test
    void among_otherwise_equal_devices_a_different_one_goes_first_in_each_event() {
        List<Candidate> pool = new ArrayList<>();
        for (int i = 0; i < 50; i++) pool.add(c("d" + i, 1_000, 1_000_000, 0, NEVER));
        Set<String> firstAsked = new java.util.TreeSet<>();
        for (int e = 0; e < 5; e++) {
            DrEventSpec event = new DrEventSpec("ev-" + e, "u", DrDirection.REDUCE, 500, 0, 60_000, 1, 0);
            String first = DISPATCHER.dispatch(event, pool, 0).commands().get(0).deviceId();
            assertThat(DISPATCHER.dispatch(event, pool, 0).commands().get(0).deviceId()).isEqualTo(first);
            firstAsked.add(first);
        }
        assertThat(firstAsked).hasSizeGreaterThan(1);
    }

    @Test
    void the_packed_ranking_and_the_comparator_for_huge_pools_agree() {
        // band width 1 ppm: 10^6 bands need 20 bits; 16 383 devices pack (20 + 3 × 14 = 62 bits), 16 384 do not
        java.util.Properties p = Rulebook.defaultProperties();
        p.setProperty("dr.reliability.band.ppm", "1");
        Dispatcher fine = new Dispatcher(Rulebook.load(p).dr());
        List<Candidate> pool = new ArrayList<>();
        Random rnd = new Random(11);
        for (int i = 0; i < 16_383; i++) {
            pool.add(c("d" + i, 100 + rnd.nextInt(5_000), 900_000 + rnd.nextInt(3) * 50_000, rnd.nextInt(3),
                    rnd.nextInt(3) == 0 ? NEVER : rnd.nextInt(5)));
        }
        Plan packed = fine.dispatch(reduce(5_000_000), pool, 0);
        pool.add(c("never-reached", 100, 1, 1_000_000, 0));
        Plan compared = fine.dispatch(reduce(5_000_000), pool, 0);
        assertThat(packed.commands()).hasSizeGreaterThan(100);
        assertThat(compared).isEqualTo(packed);
    }

    @Test
    void a_pool_too_small_is_all_asked_and_the_shortfall_reported() {
        Plan plan = DISPATCHER.dispatch(reduce(10_000), List.of(c("a", 3_000, 1_000_000, 0, NEVER)), 0);
        assertThat(plan.requestedW()).isEqualTo(3_000);
        assertThat(plan.shortfallW()).isEqualTo(8_000);
    }

    @Test
    void devices_with_nothing_to_give_or_no_reliability_are_not_asked() {
        Plan plan = DISPATCHER.dispatch(reduce(1_000), List.of(
                c("a", 0, 1_000_000, 0, NEVER), c("b", 5_000, 0, 0, NEVER), c("c", 1, 1, 0, NEVER)), 0);
        assertThat(plan.commands()).isEmpty();
    }

    @Test
    void redispatch_on_shortfall_asks_new_devices_in_the_next_round() {
        List<Candidate> pool = List.of(c("a", 5_000, 1_000_000, 0, NEVER), c("b", 5_000, 1_000_000, 0, NEVER),
                c("c", 5_000, 1_000_000, 0, NEVER));
        // target 10 000, measured 6 000: shortfall 4 000 → goal 4 400 from devices not yet commanded
        Plan plan = DISPATCHER.redispatch(reduce(10_000), pool, 6_000, Set.of("a", "b"), 1, 0);
        assertThat(plan.commands()).extracting(DeviceCommand::commandId, DeviceCommand::requestedW, DeviceCommand::round)
                .containsExactly(tuple("ev-1/c/1", 4_400L, 1));
        assertThat(DISPATCHER.redispatch(reduce(10_000), pool, 10_000, Set.of("a", "b"), 1, 0).commands()).isEmpty();
    }

    @Test
    void an_increase_event_sends_increase_commands_and_release_frees_every_device() {
        DrEventSpec up = new DrEventSpec("ev-2", "utility:u", DrDirection.INCREASE, 1_000, 0, 60_000, 1, 0);
        assertThat(DISPATCHER.dispatch(up, List.of(c("a", 5_000, 1_000_000, 0, NEVER)), 0).commands())
                .extracting(DeviceCommand::action).containsExactly(DeviceCommand.Action.INCREASE);
        assertThat(Dispatcher.release(up, Set.of("b", "a"), 60_000)).extracting(DeviceCommand::commandId, DeviceCommand::action)
                .containsExactly(tuple("ev-2/a/release", DeviceCommand.Action.RELEASE), tuple("ev-2/b/release", DeviceCommand.Action.RELEASE));
    }

    @Test
    void a_hundred_thousand_device_pool_is_dispatched_well_under_a_second() {
        DispatchBench.Pool pool = DispatchBench.Pool.random(100_000, 42);
        Rulebook rulebook = Rulebook.defaults();
        DrEventSpec event = new DrEventSpec("bench", "utility:u", DrDirection.REDUCE, pool.totalLoadW / 3, 3_600_000,
                7_200_000, 1, 0);
        DispatchBench.once(rulebook, pool, event); // warm up
        long t0 = System.nanoTime();
        Plan plan = DispatchBench.once(rulebook, pool, event);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(plan.shortfallW()).isZero();
        assertThat(millis).isLessThan(1_000);
    }
}
