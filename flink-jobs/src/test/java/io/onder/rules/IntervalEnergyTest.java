package io.onder.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.rules.IntervalEnergy.Energy;
import io.onder.rules.RegisterTimeline.Accept;
import org.junit.jupiter.api.Test;

class IntervalEnergyTest {

    static final long S = 1_000;
    static final long MIN = 60 * S;

    private static Reading imp(long seq, long t, long importMilliWh) {
        return new Reading(seq, t, importMilliWh, null, false);
    }

    private static long importIn(IntervalEnergy e, long from, long to) {
        return e.between(from, to).orElseThrow().importMilliWh();
    }

    @Test
    void energy_is_the_difference_of_registers() {
        IntervalEnergy e = new IntervalEnergy();
        e.accept(Reading.of(1, 0, 1_000, 50));
        e.accept(Reading.of(2, MIN, 2_000, 80));
        assertThat(e.between(0, MIN)).contains(new Energy(0, MIN, 1_000, 30));
    }

    @Test
    void readings_straddling_a_boundary_are_interpolated_and_apportioned() {
        IntervalEnergy e = new IntervalEnergy();
        e.accept(imp(1, 30 * S, 1_000));
        e.accept(imp(2, 90 * S, 4_000));
        e.accept(imp(3, 150 * S, 4_600));
        // R(60 s) = 1 000 + 3 000 × 30/60 = 2 500; R(120 s) = 4 000 + 600 × 30/60 = 4 300 → 1 800
        assertThat(importIn(e, MIN, 2 * MIN)).isEqualTo(1_800);
        // before the first reading nothing is known yet
        assertThat(e.between(0, MIN)).isEmpty();
    }

    @Test
    void a_lost_packet_loses_no_energy() {
        IntervalEnergy e = new IntervalEnergy();
        e.accept(imp(1, 0, 0));
        e.accept(imp(4, 3 * MIN, 9_000)); // readings 2 and 3 never arrived
        assertThat(importIn(e, 0, MIN)).isEqualTo(3_000);
        assertThat(importIn(e, MIN, 2 * MIN)).isEqualTo(3_000);
        assertThat(importIn(e, 2 * MIN, 3 * MIN)).isEqualTo(3_000);
    }

    @Test
    void rounding_telescopes_so_intervals_add_up_to_the_register_change() {
        IntervalEnergy e = new IntervalEnergy();
        e.accept(imp(1, 0, 0));
        e.accept(imp(2, 3 * MIN, 10));
        // R(60) = floor(10/3) = 3, R(120) = floor(20/3) = 6 → 3, 3, 4: sum 10
        assertThat(importIn(e, 0, MIN)).isEqualTo(3);
        assertThat(importIn(e, MIN, 2 * MIN)).isEqualTo(3);
        assertThat(importIn(e, 2 * MIN, 3 * MIN)).isEqualTo(4);
    }

    @Test
    void a_flagged_meter_reset_counts_the_new_register_from_zero() {
        IntervalEnergy e = new IntervalEnergy();
        e.accept(imp(1, 0, 5_000));
        e.accept(imp(2, MIN, 6_000));
        e.accept(new Reading(3, 2 * MIN, 700L, null, true));
        assertThat(importIn(e, 0, MIN)).isEqualTo(1_000);
        assertThat(importIn(e, MIN, 2 * MIN)).isEqualTo(700);
    }

    @Test
    void a_register_going_backwards_without_the_flag_is_taken_as_a_reset_not_negative_energy() {
        IntervalEnergy e = new IntervalEnergy();
        e.accept(imp(1, 0, 5_000));
        e.accept(imp(2, MIN, 700));
        assertThat(importIn(e, 0, MIN)).isEqualTo(700);
    }

    @Test
    void out_of_order_readings_give_the_same_energy_as_in_order() {
        IntervalEnergy inOrder = new IntervalEnergy();
        IntervalEnergy shuffled = new IntervalEnergy();
        Reading a = imp(1, 0, 100), b = imp(2, MIN, 900), c = new Reading(3, 2 * MIN, 50L, null, true), d = imp(4, 3 * MIN, 650);
        for (Reading r : new Reading[]{a, b, c, d}) inOrder.accept(r);
        for (Reading r : new Reading[]{d, b, a, c}) shuffled.accept(r);
        for (long t = 0; t < 3 * MIN; t += MIN) {
            assertThat(shuffled.between(t, t + MIN)).isEqualTo(inOrder.between(t, t + MIN));
        }
        // 800, then the reset: 50, then 600
        assertThat(importIn(inOrder, MIN, 2 * MIN)).isEqualTo(50);
        assertThat(importIn(inOrder, 2 * MIN, 3 * MIN)).isEqualTo(600);
    }

    @Test
    void a_repeated_reading_is_dropped_never_counted_twice() {
        IntervalEnergy e = new IntervalEnergy();
        e.accept(imp(1, 0, 0));
        e.accept(imp(2, MIN, 1_000));
        assertThat(e.accept(imp(2, MIN, 1_000))).isEqualTo(Accept.DUPLICATE);
        assertThat(e.accept(imp(2, 30 * S, 1_000))).isEqualTo(Accept.DUPLICATE); // same seq, other time
        assertThat(importIn(e, 0, MIN)).isEqualTo(1_000);
    }

    @Test
    void at_the_same_instant_the_higher_sequence_number_wins_whatever_the_arrival_order() {
        IntervalEnergy first = new IntervalEnergy();
        IntervalEnergy second = new IntervalEnergy();
        first.accept(imp(1, 0, 0));
        first.accept(imp(2, MIN, 500));
        first.accept(imp(3, MIN, 600));
        second.accept(imp(1, 0, 0));
        second.accept(imp(3, MIN, 600));
        assertThat(second.accept(imp(2, MIN, 500))).isEqualTo(Accept.DUPLICATE);
        assertThat(importIn(first, 0, MIN)).isEqualTo(600).isEqualTo(importIn(second, 0, MIN));
    }

    @Test
    void a_reading_older_than_what_is_kept_is_refused_as_too_late() {
        IntervalEnergy e = new IntervalEnergy();
        e.accept(imp(1, 0, 0));
        e.accept(imp(2, MIN, 100));
        e.accept(imp(3, 2 * MIN, 200));
        e.forgetBefore(2 * MIN);
        assertThat(e.imports().points()).hasSize(1);
        assertThat(e.accept(imp(9, 90 * S, 150))).isEqualTo(Accept.TOO_LATE);
        e.accept(imp(4, 3 * MIN, 350));
        assertThat(importIn(e, 2 * MIN, 3 * MIN)).isEqualTo(150);
    }

    @Test
    void a_reading_that_would_move_a_closed_instant_is_too_late_so_the_emitted_and_the_next_intervals_still_add_up() {
        // readings at 00:30 (0) and 03:30 (3,000): 00:00-01:00 can't be known, 01:00-02:00 and 02:00-03:00 are 1,000 each
        // and were emitted, so 03:00 is closed; its value (2,500) stands between the readings at 00:30 and 03:30
        IntervalEnergy e = new IntervalEnergy();
        e.accept(imp(1, 30 * S, 0));
        e.accept(imp(5, 210 * S, 3_000));
        long emitted = importIn(e, MIN, 2 * MIN) + importIn(e, 2 * MIN, 3 * MIN);
        e.forgetBefore(3 * MIN);
        // readings 2-4 arrive now: at 01:30, 02:30 and 03:15, the last of them after the closed instant but before the
        // reading that fixes its value. Each would move 03:00 (2,500 interpolated); each is refused
        assertThat(e.accept(imp(2, 90 * S, 1_000), 3 * MIN)).isEqualTo(Accept.TOO_LATE);
        assertThat(e.accept(imp(3, 150 * S, 2_200), 3 * MIN)).isEqualTo(Accept.TOO_LATE);
        assertThat(e.accept(imp(4, 195 * S, 2_900), 3 * MIN)).isEqualTo(Accept.TOO_LATE);
        assertThat(e.accept(imp(6, 210 * S, 3_100), 3 * MIN)).as("a newer reading at the fixing reading's instant").isEqualTo(Accept.TOO_LATE);
        assertThat(e.accept(imp(5, 210 * S, 3_000), 3 * MIN)).as("the fixing reading again").isEqualTo(Accept.DUPLICATE);
        // one after the fixing reading is taken: it moves nothing before 03:30
        assertThat(e.accept(imp(7, 270 * S, 4_000), 3 * MIN)).isEqualTo(Accept.ACCEPTED);
        long next = importIn(e, 3 * MIN, 4 * MIN);
        // 03:00-04:00: 3,000 - 2,500 + 1,000 × 30/60 = 1,000; with what was emitted, every mWh from 01:00 to 04:00 once
        assertThat(next).isEqualTo(1_000);
        assertThat(emitted + next).isEqualTo(e.imports().valueAt(4 * MIN).getAsLong() - 500);
        // without the closed instant, the same reading at 02:30 would have been taken, and 03:00 would have moved
        IntervalEnergy open = new IntervalEnergy();
        open.accept(imp(1, 30 * S, 0));
        open.accept(imp(5, 210 * S, 3_000));
        open.forgetBefore(3 * MIN);
        assertThat(open.accept(imp(3, 150 * S, 2_200))).isEqualTo(Accept.ACCEPTED);
        assertThat(open.imports().valueAt(3 * MIN)).isNotEqualTo(e.imports().valueAt(3 * MIN));
    }

    @Test
    void a_register_the_device_never_reports_counts_as_zero() {
        IntervalEnergy e = new IntervalEnergy();
        e.accept(new Reading(1, 0, null, 0L, false));
        e.accept(new Reading(2, MIN, null, 1_200L, false));
        assertThat(e.between(0, MIN)).contains(new Energy(0, MIN, 0, 1_200));
        assertThat(e.coveredUntil()).hasValue(MIN);
    }

    @Test
    void an_interval_is_covered_only_up_to_the_register_reported_least_recently() {
        IntervalEnergy e = new IntervalEnergy();
        e.accept(Reading.of(1, 0, 0, 0));
        e.accept(new Reading(2, 2 * MIN, 10L, null, false));
        e.accept(new Reading(3, MIN, null, 5L, false));
        assertThat(e.coveredUntil()).hasValue(MIN);
        assertThat(e.between(MIN, 2 * MIN)).isEmpty();
    }
}
