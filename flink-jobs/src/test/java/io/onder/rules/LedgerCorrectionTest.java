package io.onder.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerCorrectionTest {

    static final RewardCalculator CALC = new RewardCalculator(Rulebook.defaults());

    static DeviceInterval pv(long exportMilliWh) {
        return new DeviceInterval("pv-1", "0xa11ce", "f1", 0, 0, exportMilliWh, EnergySource.PV, QualityVector.NONE,
                new QualityVector(1_000_000, 0, 0, Stress.NONE, 0));
    }

    @Test
    void a_late_reading_adds_only_the_difference_and_conserves() {
        // revision 0: 0.5 kWh × 20 000 = 10 000 (fee 100); revision 1: 0.6 kWh → 12 000 (fee 120)
        List<LedgerLine> delta = LedgerCorrection.delta(CALC.device(pv(500_000), 0), CALC.device(pv(600_000), 0), 1);
        assertThat(delta).extracting(LedgerLine::entryId, LedgerLine::amount).containsExactly(
                tuple("dev/pv-1/0/CLEAN_PRODUCTION/funding/r1", -2_000L),
                tuple("dev/pv-1/0/CLEAN_PRODUCTION/payee/r1", 1_980L),
                tuple("dev/pv-1/0/CLEAN_PRODUCTION/creators/r1", 20L));
        assertThat(Conservation.of(delta).conserved()).isTrue();
    }

    @Test
    void an_unchanged_recomputation_writes_nothing_and_a_vanished_reward_is_reversed() {
        assertThat(LedgerCorrection.delta(CALC.device(pv(500_000), 0), CALC.device(pv(500_000), 0), 1)).isEmpty();
        List<LedgerLine> reversed = LedgerCorrection.delta(CALC.device(pv(500_000), 0), List.of(), 2);
        assertThat(reversed).extracting(LedgerLine::amount).containsExactly(10_000L, -9_900L, -100L);
    }
}
