package io.onder.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onder.rules.CumulativeOwed.Owed;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettlementTest {

    static final SettlementPeriods HOURLY = new SettlementPeriods(0, 3_600_000);

    static LedgerLine line(String id, String account, AccountKind kind, long amount) {
        return new LedgerLine(id, account, kind, null, RewardReason.CLEAN_PRODUCTION, amount, 0, 0, 0, "v1");
    }

    @Test
    void a_period_index_comes_from_the_time() {
        assertThat(HOURLY.indexOf(0)).isZero();
        assertThat(HOURLY.indexOf(3_599_999)).isZero();
        assertThat(HOURLY.indexOf(3_600_000)).isEqualTo(1);
        assertThat(HOURLY.indexOf(-1)).isEqualTo(-1);
        assertThat(HOURLY.endOf(1)).isEqualTo(7_200_000);
        assertThat(new SettlementPeriods(1_000, 60_000).indexOf(61_000)).isEqualTo(1);
    }

    @Test
    void the_batch_lists_every_payee_cumulatively_sorted_and_leaves_funders_out() {
        CumulativeOwed owed = new CumulativeOwed();
        owed.applyAll(List.of(
                line("1", "market", AccountKind.MARKET, -1_100),
                line("2", "0xBEEF", AccountKind.OWNER, 1_000),
                line("3", "creators", AccountKind.CREATORS_FUND, 100)));
        CumulativeOwed.Batch first = owed.batch(0, HOURLY, "v1");
        assertThat(first.owed()).containsExactly(new Owed("0xbeef", 1_000), new Owed("creators", 100));
        assertThat(first.totalCumulative()).isEqualTo(1_100);
        assertThat(first.batchId()).isEqualTo("0/v1");
        assertThat(first.periodEndMillis()).isEqualTo(3_600_000);

        owed.applyAll(List.of(line("4", "0xbeef", AccountKind.OWNER, 500), line("5", "market", AccountKind.MARKET, -500)));
        CumulativeOwed.Batch second = owed.batch(1, HOURLY, "v1");
        // cumulative, not the period's increment: the bridge pays 1 500 − 1 000 already paid
        assertThat(second.owed()).containsExactly(new Owed("0xbeef", 1_500), new Owed("creators", 100));
    }

    @Test
    void an_owed_amount_that_would_fall_is_refused_so_payouts_never_exceed_the_ledger() {
        CumulativeOwed owed = new CumulativeOwed();
        owed.apply(line("1", "0xbeef", AccountKind.OWNER, 1_000));
        owed.batch(0, HOURLY, "v1");
        owed.apply(line("2", "0xbeef", AccountKind.OWNER, -1));
        assertThatThrownBy(() -> owed.batch(1, HOURLY, "v1")).isInstanceOf(IllegalStateException.class);
    }
}
