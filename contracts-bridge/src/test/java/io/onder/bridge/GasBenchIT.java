package io.onder.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.stack.Server;
import io.onder.testkit.RealServers;
import io.onder.testkit.TestAnvil;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The headline figure, measured on a real node: batch settlement gas per owner, beside the EVM lower bound. */
@RealServers(Server.ANVIL)
class GasBenchIT {
  @Test
  void existing_owners_cost_at_most_6000_gas_each_in_batches_of_100_or_more(TestAnvil anvil) throws Exception {
    String m = anvil.mnemonic();
    GasBench.Result r;
    BenchChain bench = new BenchChain(anvil.rpcUrl(), anvil.chainId(), GasBench.account(m, 8), GasBench.account(m, 9), Map.of());
    try (Chain chain = bench.open()) {
      r = new GasBench(chain, bench).run();
    }
    System.out.print(r.table());
    for (int n : new int[] {100, 500}) {
      for (String kind : new String[] {"existing dense", "existing sparse"}) {
        GasBench.Row row = r.row(n, kind);
        assertThat(row.gasPerOwner()).as(kind + " x " + n).isLessThanOrEqualTo(6_000);
        assertThat(row.gasPerOwner()).as("measured is never below the EVM bound").isGreaterThanOrEqualTo(row.lowerBoundPerOwner());
      }
      assertThat(r.row(n, "first-time").gasPerOwner()).as("first-time x " + n).isLessThan(60_400);
    }
  }
}
