package io.onder.flink.rewards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onder.avro.AccountKind;
import io.onder.avro.OwedAmount;
import io.onder.avro.RewardEntry;
import io.onder.avro.RewardReason;
import io.onder.avro.SettlementBatch;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import io.onder.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SettlementBatcherTest {
  static final long HOUR = 3_600_000;
  static final long P = 490_000; // a settlement period index (hours since the epoch)
  KeyedOneInputStreamOperatorTestHarness<Integer, RewardEntry, SettlementBatch> h;

  @BeforeEach
  void harness() throws Exception {
    h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new SettlementBatcher("onder-flex-2025.1"), e -> 0, Types.INT);
  }

  @AfterEach
  void close() throws Exception {
    h.close();
  }

  static RewardEntry line(String id, String account, AccountKind kind, long amount, long period) {
    return RewardEntry.newBuilder().setEntryId(id).setAccount(account).setAccountKind(kind).setReason(RewardReason.CLEAN_PRODUCTION)
        .setAmount(amount).setIntervalStart(Instant.ofEpochMilli(period * HOUR)).setSettlementPeriod(period)
        .setRulebookVersion("onder-flex-2025.1").build();
  }

  void cause(String id, String owner, long amount, long period) throws Exception {
    long ts = period * HOUR + 60_000;
    h.processElement(new StreamRecord<>(line(id + "/f", "market", AccountKind.MARKET, -amount, period), ts));
    h.processElement(new StreamRecord<>(line(id + "/p", owner, AccountKind.OWNER, amount, period), ts));
  }

  @Test
  void each_period_settles_the_cumulative_amount_of_every_payee_it_credited_and_leaves_no_timer() throws Exception {
    cause("a", "0xa", 100, P);
    cause("b", "0xb", 40, P);
    cause("c", "0xa", 5, P + 1); // next period: must not leak into the first batch
    h.processWatermark(new Watermark((P + 1) * HOUR));
    assertThat(h.extractOutputValues()).singleElement().satisfies(b -> {
      assertThat(b.getSettlementPeriod()).isEqualTo(P);
      assertThat(b.getOwed()).containsExactly(new OwedAmount("0xa", 100L), new OwedAmount("0xb", 40L));
      assertThat(b.getTotalCumulative()).isEqualTo(140);
    });
    h.processWatermark(new Watermark((P + 2) * HOUR));
    assertThat(h.extractOutputValues()).hasSize(2);
    // cumulative: 0xa was owed 100, then 5 more
    assertThat(h.extractOutputValues().get(1).getOwed()).containsExactly(new OwedAmount("0xa", 105L));
    assertThat(h.numEventTimeTimers()).isZero();
  }

  @Test
  void a_period_with_more_payees_than_a_batch_holds_settles_in_several_each_payee_in_one() throws Exception {
    h.close();
    h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(new SettlementBatcher("onder-flex-2025.1", java.util.Map.of(), 2), e -> 0, Types.INT);
    for (int i = 1; i <= 5; i++) cause("c" + i, "0x" + i, 10L * i, P);
    h.processWatermark(new Watermark((P + 1) * HOUR));
    var batches = h.extractOutputValues();
    assertThat(batches).extracting(SettlementBatch::getBatchId)
        .containsExactly("onder-flex-2025.1/" + P, "onder-flex-2025.1/" + P + "/2", "onder-flex-2025.1/" + P + "/3");
    assertThat(batches).extracting(b -> b.getOwed().size()).containsExactly(2, 2, 1);
    assertThat(batches).allSatisfy(b -> assertThat(b.getTotalCumulative()).isEqualTo(b.getOwed().stream().mapToLong(OwedAmount::getCumulativeAmount).sum()));
    assertThat(batches.stream().flatMap(b -> b.getOwed().stream()).toList()).containsExactly(new OwedAmount("0x1", 10L), new OwedAmount("0x2", 20L),
        new OwedAmount("0x3", 30L), new OwedAmount("0x4", 40L), new OwedAmount("0x5", 50L));

    cause("late", "0x9", 7, P); // a straggler of the closed period: the next number
    Await.until("the straggler's batch", java.time.Duration.ofSeconds(10), () -> {
      try {
        h.setProcessingTime(h.getProcessingTime() + 1_000);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return h.extractOutputValues().size() == 4;
    });
    assertThat(h.extractOutputValues().get(3).getBatchId()).isEqualTo("onder-flex-2025.1/" + P + "/4");
  }

  @Test
  void an_unbalanced_period_is_never_paid_and_stops_the_job_once_its_lines_cannot_still_be_on_their_way() throws Exception {
    h.processElement(new StreamRecord<>(line("x/p", "0xa", AccountKind.OWNER, 10, P), P * HOUR + 1));
    h.processWatermark(new Watermark((P + 1) * HOUR));
    assertThat(h.extractOutputValues()).as("no batch while the period does not conserve").isEmpty();
    assertThatThrownBy(() -> h.processWatermark(new Watermark((P + 2) * HOUR))).hasStackTraceContaining("does not conserve");
  }

  @Test
  void a_funding_line_arriving_after_its_payee_line_lets_the_period_settle() throws Exception {
    long ts = P * HOUR + 60_000;
    h.processElement(new StreamRecord<>(line("a/p", "0xa", AccountKind.OWNER, 7, P), ts));
    h.processWatermark(new Watermark((P + 1) * HOUR));
    assertThat(h.extractOutputValues()).isEmpty();
    h.processElement(new StreamRecord<>(line("a/f", "market", AccountKind.MARKET, -7, P), ts));
    h.processWatermark(new Watermark((P + 1) * HOUR + 1_000));
    assertThat(h.extractOutputValues()).singleElement().satisfies(b -> assertThat(b.getOwed()).containsExactly(new OwedAmount("0xa", 7L)));
  }

  @Test
  void a_straggler_after_its_period_closed_is_settled_in_a_further_batch_of_cumulative_amounts() throws Exception {
    cause("a", "0xa", 100, P);
    h.processWatermark(new Watermark((P + 1) * HOUR));
    cause("late", "0xa", 3, P);
    h.setProcessingTime(h.getProcessingTime() + 1_000); // the watermark need not move again: a second of wall time does
    assertThat(h.extractOutputValues()).extracting(SettlementBatch::getBatchId)
        .containsExactly("onder-flex-2025.1/" + P, "onder-flex-2025.1/" + P + "/2");
    assertThat(h.extractOutputValues().get(1).getOwed()).containsExactly(new OwedAmount("0xa", 103L));
  }
}
