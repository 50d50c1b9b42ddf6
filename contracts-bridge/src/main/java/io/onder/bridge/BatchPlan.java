package io.onder.bridge;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;

/**
 * One settleBatch call, built against the chain state it names ({@code expectedOwnerCount}): owners paid for the
 * first time get indices expectedOwnerCount, +1, …; entries are sorted by index so the contract rewrites each
 * packed slot once. {@code total} is what the call will credit if the chain has not moved. {@code scannedTo}: the
 * position in the planner's owner list up to which the chain was read for this plan.
 */
public record BatchPlan(long expectedOwnerCount, List<String> newOwners, List<Entry> entries, long total,
    List<String> overpaid, int scannedTo) {

  /** uint32 owner index, uint64 cumulative amount. */
  public record Entry(long index, long cumulativeAmount) {}

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The packed entries: 12 bytes each, big-endian index (4) then cumulative amount (8). */
  public byte[] packedEntries() {
    ByteBuffer b = ByteBuffer.allocate(entries.size() * 12);
    for (Entry e : entries) {
      b.putInt((int) e.index());
      b.putLong(e.cumulativeAmount());
    }
    return b.array();
  }

  /** ABI-encoded call data of {@code settleBatch(expectedOwnerCount, newOwners, entries, batchRef)}. */
  public String callData(byte[] batchRef) {
    List<Address> owners = newOwners.stream().map(Address::new).toList();
    Function f = new Function("settleBatch", List.of(new Uint256(BigInteger.valueOf(expectedOwnerCount)),
        new DynamicArray<>(Address.class, owners), new DynamicBytes(packedEntries()), new Bytes32(batchRef)), List.of());
    return FunctionEncoder.encode(f);
  }
}
