package io.onder.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.rules.Verification.Delivery;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class VerificationTest {

    static final long MIN = 60_000;
    static final DrEventSpec REDUCE = new DrEventSpec("ev", "u", DrDirection.REDUCE, 1_000, 10 * MIN, 20 * MIN, 1, 0);
    static final DrEventSpec INCREASE = new DrEventSpec("ev", "u", DrDirection.INCREASE, 1_000, 10 * MIN, 20 * MIN, 1, 0);

    @Test
    void delivery_is_baseline_minus_actual_for_a_reduce_event() {
        // asked 3 kW for a minute = 50 000 mWh; delivered 1 000 − 400 = 600
        assertThat(Verification.verify(REDUCE, 10 * MIN, 11 * MIN, OptionalLong.of(1_000), 400, 3_000))
                .isEqualTo(new Delivery(10 * MIN, 11 * MIN, 1_000, 400, 50_000, 600, true));
    }

    @Test
    void delivery_is_never_above_what_was_asked() {
        // asked 30 W for a minute = 500 mWh
        assertThat(Verification.verify(REDUCE, 10 * MIN, 11 * MIN, OptionalLong.of(1_000), 400, 30).deliveredMilliWh())
                .isEqualTo(500);
    }

    @Test
    void a_device_that_went_the_wrong_way_delivered_nothing() {
        assertThat(Verification.verify(REDUCE, 10 * MIN, 11 * MIN, OptionalLong.of(1_000), 1_200, 3_000).deliveredMilliWh())
                .isZero();
    }

    @Test
    void delivery_is_actual_minus_baseline_for_an_increase_event() {
        assertThat(Verification.verify(INCREASE, 10 * MIN, 11 * MIN, OptionalLong.of(1_000), 1_700, 3_000).deliveredMilliWh())
                .isEqualTo(700);
    }

    @Test
    void only_delivery_inside_the_event_window_counts() {
        assertThat(Verification.verify(REDUCE, 20 * MIN, 21 * MIN, OptionalLong.of(1_000), 0, 3_000))
                .isEqualTo(new Delivery(20 * MIN, 21 * MIN, 1_000, 0, 0, 0, true));
        // event starts half-way into the interval: 600 × 30/60 = 300; asked 3 kW × 30 s = 25 000
        DrEventSpec late = new DrEventSpec("ev", "u", DrDirection.REDUCE, 1_000, 10 * MIN + 30_000, 20 * MIN, 1, 0);
        assertThat(Verification.verify(late, 10 * MIN, 11 * MIN, OptionalLong.of(1_000), 400, 3_000))
                .isEqualTo(new Delivery(10 * MIN, 11 * MIN, 1_000, 400, 25_000, 300, true));
    }

    @Test
    void without_a_baseline_nothing_is_verified_or_paid() {
        Delivery d = Verification.verify(REDUCE, 10 * MIN, 11 * MIN, OptionalLong.empty(), 0, 3_000);
        assertThat(d.verifiable()).isFalse();
        assertThat(d.deliveredMilliWh()).isZero();
    }

    @Test
    void reliability_moves_toward_the_share_delivered() {
        Rulebook.DrRules rules = Rulebook.defaults().dr(); // alpha 0.2
        // 0.8 × 0.8 + 0.5 × 0.2 = 0.74
        assertThat(Reliability.update(800_000, 500, 1_000, rules)).isEqualTo(740_000);
        // over-delivery counts as 1: 0.8 × 0.8 + 1 × 0.2 = 0.84
        assertThat(Reliability.update(800_000, 5_000, 1_000, rules)).isEqualTo(840_000);
        // nothing asked: unchanged
        assertThat(Reliability.update(800_000, 0, 0, rules)).isEqualTo(800_000);
    }
}
