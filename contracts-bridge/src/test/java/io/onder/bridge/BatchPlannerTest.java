package io.onder.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.utils.Numeric;

class BatchPlannerTest {
  private static final BigInteger NONE = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);

  /** What accountsOf returns, encoded by web3j: (uint256[] indices, uint256[] paid). */
  private static byte[] answer(List<BigInteger> indices, List<BigInteger> paid) {
    var tuple = new DynamicStruct(new DynamicArray<>(Uint256.class, indices.stream().map(Uint256::new).toList()),
        new DynamicArray<>(Uint256.class, paid.stream().map(Uint256::new).toList()));
    return Numeric.hexStringToByteArray(TypeEncoder.encode(tuple));
  }

  private static List<BigInteger> big(long... v) {
    return java.util.Arrays.stream(v).mapToObj(BigInteger::valueOf).toList();
  }

  @Test
  void decodes_indices_and_amounts_with_no_index_as_minus_one() {
    byte[] abi = answer(List.of(BigInteger.ZERO, NONE, BigInteger.valueOf(70_000)), big(5, 0, Long.MAX_VALUE));
    long[][] d = BatchPlanner.decodeTwoArrays(abi, 3);
    assertThat(d[0]).containsExactly(0, -1, 70_000);
    assertThat(d[1]).containsExactly(5, 0, Long.MAX_VALUE);
  }

  @Test
  void decodes_a_large_answer_in_order() {
    int n = 5_000;
    List<BigInteger> idx = new java.util.ArrayList<>();
    List<BigInteger> paid = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      idx.add(BigInteger.valueOf(i * 3L));
      paid.add(BigInteger.valueOf(1_000_000L + i));
    }
    long[][] d = BatchPlanner.decodeTwoArrays(answer(idx, paid), n);
    assertThat(d[0][n - 1]).isEqualTo((n - 1) * 3L);
    assertThat(d[1][1234]).isEqualTo(1_001_234L);
  }

  @Test
  void refuses_an_answer_of_another_length_a_value_past_63_bits_or_a_short_answer() {
    assertThatThrownBy(() -> BatchPlanner.decodeTwoArrays(answer(big(1, 2), big(3, 4)), 3))
        .hasMessageContaining("2 values for 3 owners");
    assertThatThrownBy(() -> BatchPlanner.decodeTwoArrays(answer(big(1), List.of(BigInteger.ONE.shiftLeft(63))), 1))
        .hasMessageContaining("too large");
    assertThatThrownBy(() -> BatchPlanner.decodeTwoArrays(answer(big(1), List.of(NONE)), 1))
        .as("all ones is 'no index' only among the indices").hasMessageContaining("too large");
    byte[] abi = answer(big(1, 2), big(3, 4));
    assertThatThrownBy(() -> BatchPlanner.decodeTwoArrays(java.util.Arrays.copyOf(abi, abi.length - 32), 2))
        .hasMessageContaining("too short");
  }

  @Test
  void distinct_keeps_each_owner_once_with_its_largest_amount_in_first_seen_order() {
    var d = BatchPlanner.distinct(List.of(new Owed("0xb", 5), new Owed("0xa", 7), new Owed("0xb", 9), new Owed("0xb", 2)));
    assertThat(d).containsExactly(new Owed("0xb", 9), new Owed("0xa", 7));
  }
}
