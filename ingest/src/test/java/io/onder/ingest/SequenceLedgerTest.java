package io.onder.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceLedgerTest {
  private final SequenceLedger ledger = new SequenceLedger(8);

  private static Reading r(long seq, Long imp) {
    return new Reading("d", seq, seq * 1000, imp, null, false, null, null, null, null, null);
  }

  private void ack(Reading... rs) {
    SequenceLedger.Reservation res = ledger.reserve("d", List.of(rs));
    ledger.commit("d", res.fresh());
  }

  @Test
  void a_late_reading_inside_the_window_is_new_and_one_below_it_is_a_repeat() {
    ack(r(20, 100L));
    assertThat(ledger.reserve("d", List.of(r(15, null))).fresh()).extracting(Reading::seq).containsExactly(15L);
    assertThat(ledger.reserve("d", List.of(r(12, null))).duplicates()).isEqualTo(1);
  }

  @Test
  void a_released_reservation_can_be_sent_again_and_a_pending_one_is_busy() {
    SequenceLedger.Reservation first = ledger.reserve("d", List.of(r(1, 1L)));
    assertThat(ledger.reserve("d", List.of(r(1, 1L))).busy()).isTrue();
    ledger.release("d", first.fresh());
    assertThat(ledger.reserve("d", List.of(r(1, 1L))).fresh()).hasSize(1);
  }

  @Test
  void registers_are_compared_with_the_highest_acknowledged_reading_only() {
    ack(r(10, 500L));
    assertThat(ledger.reserve("d", List.of(r(11, 499L))).refusal()).contains("import register decreases");
    // a late reading below the highest is not compared (its neighbours are unknown here)
    assertThat(ledger.reserve("d", List.of(r(9, 400L))).refusal()).isNull();
    // a reading without the register does not reset what is remembered
    ack(r(12, null));
    assertThat(ledger.reserve("d", List.of(r(13, 499L))).refusal()).isNotNull();
  }

  @Test
  void devices_are_independent() {
    ack(r(5, 5L));
    assertThat(ledger.reserve("other", List.of(r(5, 1L))).fresh()).hasSize(1);
  }
}
