package io.onder.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void mul_div_is_exact_when_the_product_overflows_a_long() {
        // (2^62 − 1) × 4 overflows; / 8 = 2^61 − 0.5 → floor 2^61 − 1 = Long.MAX_VALUE / 4
        assertThat(Money.mulDiv(Long.MAX_VALUE / 2, 4, 8)).isEqualTo(Long.MAX_VALUE / 4);
    }

    @Test
    void mul_div_rounds_down() {
        assertThat(Money.mulDiv(10, 1, 3)).isEqualTo(3);   // 3.33 → 3
        assertThat(Money.mulDiv(20, 1, 3)).isEqualTo(6);   // 6.67 → 6
    }

    @Test
    void energy_amount_divides_once_whatever_the_weights() {
        // 0.6 kWh × 20 000 /kWh × clean 1.0 × weight 2.25 = 27 000
        assertThat(Money.energyAmount(600_000, 20_000, 1_000_000, 2_250_000)).isEqualTo(27_000);
        // 1 mWh × 1 /kWh = 0.000001 → 0: a single floor, not several
        assertThat(Money.energyAmount(1, 1)).isZero();
        // 333 333 mWh × 3 /kWh × 0.5 = 0.4999995 → 0; 333 334 mWh → 0.500001 → 0; 666 667 mWh → 1.0000005 → 1
        assertThat(Money.energyAmount(666_667, 3, 500_000)).isEqualTo(1);
    }

    @Test
    void basis_point_fee_rounds_down_so_the_payee_keeps_the_remainder() {
        assertThat(Money.basisPoints(99, 100)).isZero();      // 0.99 → 0
        assertThat(Money.basisPoints(27_000, 100)).isEqualTo(270);
    }

    @Test
    void share_of_nothing_is_zero() {
        assertThat(Money.sharePpm(5, 0)).isZero();
        assertThat(Money.sharePpm(1, 3)).isEqualTo(333_333);
    }

    @Test
    void negative_operands_are_refused() {
        assertThatThrownBy(() -> Money.mulDiv(-1, 2, 3)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Money.energyAmount(-1, 2)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void base_units_render_with_six_decimals() {
        assertThat(Money.format(1_234_567)).isEqualTo("1.234567");
        assertThat(Money.format(-5)).isEqualTo("-0.000005");
    }
}
