package io.onder.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Default rulebook: window 10 intervals, at least 5, adjustment over the last 2 capped at ±20 %. One-minute intervals. */
class BaselineTest {

    static final Baseline BASELINE = new Baseline(Rulebook.defaults().dr(), Intervals.ONE_MINUTE);
    static final long MIN = 60_000;
    static final long START = 20 * MIN;

    static DrEventSpec event(long announcedAt) {
        return new DrEventSpec("ev", "u", DrDirection.REDUCE, 1_000, START, START + 30 * MIN, 1, announcedAt);
    }

    /** Net import per interval over the 10 minutes before the event: the first 8 at {@code early}, the last 2 at {@code late}. */
    static Map<Long, Long> history(long early, long late) {
        Map<Long, Long> h = new HashMap<>();
        for (int i = 0; i < 10; i++) h.put(START - (10 - i) * MIN, i < 8 ? early : late);
        return h;
    }

    @Test
    void a_steady_load_is_its_own_baseline() {
        assertThat(BASELINE.of(event(0), history(1_000, 1_000))).hasValue(1_000);
    }

    @Test
    void the_baseline_is_adjusted_to_the_latest_intervals() {
        // average (8 × 1 000 + 2 × 1 100) / 10 = 1 020; latest 1 100 → +80 (cap 204) → 1 100
        assertThat(BASELINE.of(event(0), history(1_000, 1_100))).hasValue(1_100);
    }

    @Test
    void the_adjustment_is_capped() {
        // average (8 000 + 4 000) / 10 = 1 200; latest 2 000 → +800, capped at 20 % of 1 200 = 240 → 1 440
        assertThat(BASELINE.of(event(0), history(1_000, 2_000))).hasValue(1_440);
    }

    @Test
    void load_raised_after_the_announcement_does_not_inflate_the_baseline() {
        // announced at START − 2 min: the last two intervals (at 5 000) are left out
        assertThat(BASELINE.of(event(START - 2 * MIN), history(1_000, 5_000))).hasValue(1_000);
    }

    @Test
    void too_few_intervals_give_no_baseline() {
        Map<Long, Long> h = new HashMap<>();
        for (int i = 1; i <= 4; i++) h.put(START - i * MIN, 1_000L);
        assertThat(BASELINE.of(event(0), h)).isEmpty();
    }

    @Test
    void intervals_outside_the_window_are_ignored() {
        Map<Long, Long> h = history(1_000, 1_000);
        h.put(START - 11 * MIN, 99_999L);
        h.put(START, 99_999L);
        assertThat(BASELINE.of(event(0), h)).hasValue(1_000);
    }

    @Test
    void an_exporting_household_has_a_negative_baseline() {
        assertThat(BASELINE.of(event(0), history(-500, -500))).hasValue(-500);
    }
}
