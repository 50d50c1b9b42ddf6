package io.onder.bridge;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onder.avro.OwedAmount;
import io.onder.avro.SettlementBatch;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettlementBridgeTest {
  @Test
  void a_batch_whose_amounts_do_not_add_up_is_refused_before_anything_is_signed_or_paid() {
    // no chain, store or producer: the check must come first
    SettlementBridge bridge = new SettlementBridge(null, null, null, null, null, "receipts", 0, 10, Clock.systemUTC());
    SettlementBatch bad = SettlementBatch.newBuilder().setBatchId("b").setSettlementPeriod(1).setPeriodEnd(Instant.EPOCH)
        .setRulebookVersion("r1").setOwed(List.of(new OwedAmount("0x00000000000000000000000000000000000000aa", 5L)))
        .setTotalCumulative(6).build();
    assertThatThrownBy(() -> bridge.handle(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sum to 5");
  }
}
