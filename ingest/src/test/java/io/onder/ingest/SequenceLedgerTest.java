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
  void the_window_holds_while_the_seqs_go_round_its_ring_many_times() {
    for (long seq = 1; seq <= 1_000; seq++) ack(r(seq, seq));
    SequenceLedger.Reservation res = ledger.reserve("d", List.of(r(992, null), r(993, null), r(1_000, null), r(1_001, 1_001L)));
    assertThat(res.duplicates()).as("992 is below the window, 993-1000 are acknowledged").isEqualTo(3);
    assertThat(res.fresh()).extracting(Reading::seq).containsExactly(1_001L);
  }

  @Test
  void a_jump_past_the_ring_forgets_what_it_passed_and_a_gap_stays_open() {
    ack(r(3, 3L));
    ack(r(5_000, 5_000L));
    assertThat(ledger.reserve("d", List.of(r(4_995, null))).fresh()).as("a gap in the window is not a repeat").hasSize(1);
    SequenceLedger ledger2 = new SequenceLedger(100);
    ledger2.commit("d", ledger2.reserve("d", List.of(r(10, 10L))).fresh());
    ledger2.commit("d", ledger2.reserve("d", List.of(r(10 + 128, 138L))).fresh()); // the same bit of its 128-seq ring
    assertThat(ledger2.reserve("d", List.of(r(137, null))).fresh()).as("137 was passed over, not acknowledged").hasSize(1);
    assertThat(ledger2.reserve("d", List.of(r(138, null))).duplicates()).isEqualTo(1);
  }

  /** Random acknowledgements and questions, against the plain meaning: acknowledged in the window, or below it. */
  @Test
  void it_answers_as_a_set_of_the_acknowledged_seqs_would() {
    java.util.Random random = new java.util.Random(7);
    int window = 100;
    SequenceLedger l = new SequenceLedger(window);
    java.util.Set<Long> acked = new java.util.HashSet<>();
    long highest = -1;
    for (int i = 0; i < 20_000; i++) {
      long seq = Math.max(0, highest + random.nextInt(260) - 200); // mostly late and repeated, sometimes far ahead
      SequenceLedger.Reservation res = l.reserve("d", List.of(r(seq, null)));
      boolean repeat = acked.contains(seq) || (highest >= 0 && seq <= highest - window);
      assertThat(res.duplicates()).as("seq %d after highest %d", seq, highest).isEqualTo(repeat ? 1 : 0);
      if (random.nextInt(4) == 0) {
        l.release("d", res.fresh());
      } else {
        l.commit("d", res.fresh());
        if (!repeat) {
          acked.add(seq);
          highest = Math.max(highest, seq);
        }
      }
    }
  }

  @Test
  void devices_are_independent() {
    ack(r(5, 5L));
    assertThat(ledger.reserve("other", List.of(r(5, 1L))).fresh()).hasSize(1);
  }
}
