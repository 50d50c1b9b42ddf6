package io.onder.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.onder.stack.Server;
import io.onder.testkit.RealServers;
import io.onder.testkit.TestCassandra;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@RealServers(Server.CASSANDRA)
class SettlementStoreIT {
  @Test
  void a_batch_with_more_payees_than_a_connection_takes_at_once_is_stored_whole(TestCassandra cassandra) {
    int payees = 20_000; // a connection takes 1,024 requests at once: all sent together, this many failed here
    List<Voucher> vouchers = new ArrayList<>(payees);
    byte[] signature = new byte[65];
    for (int i = 0; i < payees; i++) {
      vouchers.add(new Voucher(String.format("0x%040x", i + 1), 1_000L + i, 31337, "0x00000000000000000000000000000000000000aa", signature));
    }
    try (CqlSession session = cassandra.session()) {
      SettlementStore store = new SettlementStore(session);
      store.putVouchers(vouchers, "big-batch", Instant.parse("2026-11-21T12:00:00Z"));
      Map<String, Voucher> stored = store.vouchers();
      assertThat(stored).hasSize(payees);
      for (Voucher v : vouchers) assertThat(stored.get(v.owner()).cumulativeAmount()).as(v.owner()).isEqualTo(v.cumulativeAmount());
    }
  }
}
