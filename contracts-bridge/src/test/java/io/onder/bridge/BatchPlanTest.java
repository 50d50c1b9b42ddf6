package io.onder.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.utils.Numeric;

class BatchPlanTest {
  @Test
  void entries_pack_into_twelve_big_endian_bytes_each() {
    BatchPlan p = new BatchPlan(7, List.of(), List.of(new BatchPlan.Entry(1, 0x0102030405060708L), new BatchPlan.Entry(0xfffffffeL, 5)), 0, List.of(), 2);
    ByteBuffer b = ByteBuffer.wrap(p.packedEntries());
    assertThat(b.remaining()).isEqualTo(24);
    assertThat(b.getInt()).isEqualTo(1);
    assertThat(b.getLong()).isEqualTo(0x0102030405060708L);
    assertThat(Integer.toUnsignedLong(b.getInt())).isEqualTo(0xfffffffeL);
    assertThat(b.getLong()).isEqualTo(5);
  }

  @Test
  void call_data_starts_with_the_settle_batch_selector() {
    BatchPlan p = new BatchPlan(0, List.of("0x00000000000000000000000000000000000000aa"), List.of(new BatchPlan.Entry(0, 1)), 1, List.of(), 1);
    assertThat(p.callData(new byte[32])).startsWith(HubErrors.selector("settleBatch(uint256,address[],bytes,bytes32)"));
  }

  @Test
  void the_lower_bound_counts_calldata_bytes_exactly() {
    assertThat(GasBench.calldataGas(Numeric.hexStringToByteArray("0x00ff0001"))).isEqualTo(4 + 16 + 4 + 16);
  }

  @Test
  void owners_are_lower_case_and_amounts_never_negative() {
    assertThat(new Owed("0xABCdef0000000000000000000000000000000001", 3).owner()).isEqualTo("0xabcdef0000000000000000000000000000000001");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Owed("0x01", -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
