package io.onder.dashboards;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * A small grid written into the pipeline's own tables: two regions, three feeders, three hours of one-minute feeder
 * intervals around midnight UTC (so reads must cover two day buckets), a DR event with a re-dispatched device, ledger
 * lines of one settlement period for an owner, a distributor, the creators fund and the subsidy pool, what is owed and
 * three settlement transactions. Fixed instants: the dashboards' time window is {@link #FROM} to {@link #TO}.
 */
final class GridFixture {
  static final Instant FROM = Instant.parse("2026-11-21T23:00:00Z");
  static final Instant TO = Instant.parse("2026-11-22T01:00:00Z");
  static final Instant FIRST_INTERVAL = Instant.parse("2026-11-21T22:30:00Z");
  static final Instant LAST_INTERVAL = Instant.parse("2026-11-22T01:29:00Z");
  /** Ten minutes of peak stress on feeder-71 and of surplus stress on feeder-72, both across midnight. */
  static final Instant PEAK_START = Instant.parse("2026-11-21T23:55:00Z");
  static final Instant SURPLUS_START = Instant.parse("2026-11-21T23:58:00Z");
  static final Instant DR_START = Instant.parse("2026-11-21T23:30:00Z");
  static final Instant DR_END = Instant.parse("2026-11-22T00:15:00Z");
  static final Instant REDISPATCH = Instant.parse("2026-11-21T23:50:00Z");
  static final long PERIOD = 4242;
  static final String OWNER = "0x00000000000000000000000000000000000000a1";
  static final String OTHER_OWNER = "0x00000000000000000000000000000000000000b2";
  static final String HUB = "0x000000000000000000000000000000000000c0de";
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

  /** The variable values a user would pick on these rows (multi-value variables: every value the query offers). */
  static final Map<String, String> CHOSEN = Map.of("region", "north", "substation", "sub-7", "event", "dr-1",
      "distributor", "dso-north", "period", Long.toString(PERIOD), "owner", OWNER);

  /** What each variable's query must offer with {@link #CHOSEN} above it (in any order, duplicates allowed). */
  static final Map<String, List<String>> OFFERED = Map.of("region", List.of("north", "south"),
      "substation", List.of("sub-7"), "feeder", List.of("feeder-71", "feeder-72"), "event", List.of("dr-0", "dr-1"),
      "distributor", List.of("dso-north", "dso-south"));

  private GridFixture() {}

  static int day(Instant t) {
    return Integer.parseInt(DAY.format(t));
  }

  static void load(CqlSession s) {
    feeders(s);
    feederIntervals(s);
    demandResponse(s);
    ledger(s);
    settlement(s);
  }

  private static void feeders(CqlSession s) {
    PreparedStatement p = s.prepare("INSERT INTO feeders (feeder_id, substation_id, region_id, capacity_w,"
        + " reverse_flow_limit_w, distributor) VALUES (?, ?, ?, ?, ?, ?)");
    s.execute(p.bind("feeder-71", "sub-7", "north", 400_000L, 250_000L, "dso-north"));
    s.execute(p.bind("feeder-72", "sub-7", "north", 300_000L, 200_000L, "dso-north"));
    s.execute(p.bind("feeder-81", "sub-8", "south", 500_000L, 300_000L, "dso-south"));
  }

  private static void feederIntervals(CqlSession s) {
    PreparedStatement p = s.prepare("INSERT INTO feeder_interval (feeder_id, day, interval_start, substation_id, region_id,"
        + " import_milli_wh, export_milli_wh, net_w, capacity_w, reverse_flow_limit_w, local_match, clean_share, stress,"
        + " stress_level, devices_reporting, avg_voltage_v, avg_frequency_hz, revision)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    record F(String id, String substation, String region, long capacity, long reverseLimit) {}
    for (F f : List.of(new F("feeder-71", "sub-7", "north", 400_000, 250_000), new F("feeder-72", "sub-7", "north", 300_000,
        200_000), new F("feeder-81", "sub-8", "south", 500_000, 300_000))) {
      BatchStatementBuilder batch = BatchStatement.builder(DefaultBatchType.UNLOGGED);
      int i = 0;
      for (Instant t = FIRST_INTERVAL; !t.isAfter(LAST_INTERVAL); t = t.plus(Duration.ofMinutes(1)), i++) {
        long net = f.id().equals("feeder-72") ? -120_000 + 1_000L * (i % 40) : 200_000 + 1_500L * (i % 60);
        String stress = "NONE";
        double level = 0.0;
        if (f.id().equals("feeder-71") && !t.isBefore(PEAK_START) && t.isBefore(PEAK_START.plusSeconds(600))) {
          stress = "PEAK";
          net = 395_000;
          level = net / (double) f.capacity();
        }
        if (f.id().equals("feeder-72") && !t.isBefore(SURPLUS_START) && t.isBefore(SURPLUS_START.plusSeconds(600))) {
          stress = "SURPLUS";
          net = -198_000;
          level = -net / (double) f.reverseLimit();
        }
        long importMilliWh = Math.max(net, 0) * 1000 / 60;
        long exportMilliWh = Math.max(-net, 0) * 1000 / 60;
        batch.addStatement(p.bind(f.id(), day(t), t, f.substation(), f.region(), importMilliWh, exportMilliWh, net,
            f.capacity(), f.reverseLimit(), 0.3 + (i % 50) / 100.0, 0.5 + (i % 40) / 100.0, stress, level, 40 + i % 3,
            229.0 + (i % 10) / 10.0, 49.98 + (i % 5) / 100.0, 0));
        if (batch.getStatementsCount() == 30) {
          s.execute(batch.build());
          batch = BatchStatement.builder(DefaultBatchType.UNLOGGED);
        }
      }
      if (batch.getStatementsCount() > 0) s.execute(batch.build());
    }
  }

  private static void demandResponse(CqlSession s) {
    PreparedStatement e = s.prepare("INSERT INTO dr_events (event_id, utility_id, target_kind, target_id, direction,"
        + " target_w, start_ts, end_ts, rate, status, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.execute(e.bind("dr-0", "utility-1", "SUBSTATION", "sub-8", "INCREASE", 20_000L, DR_START.minus(Duration.ofDays(1)),
        DR_END.minus(Duration.ofDays(1)), 90_000L, "CANCELLED", 3));
    s.execute(e.bind("dr-1", "utility-1", "FEEDER", "feeder-71", "REDUCE", 15_000L, DR_START, DR_END, 120_000L, "ACTIVE", 2));
    PreparedStatement d = s.prepare("INSERT INTO dr_delivery (event_id, device_id, interval_start, owner_address,"
        + " baseline_milli_wh, actual_milli_wh, requested_milli_wh, delivered_milli_wh) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (String device : List.of("dev-1", "dev-2", "dev-3")) {
      Instant first = device.equals("dev-3") ? REDISPATCH : DR_START;
      int i = 0;
      for (Instant t = first; t.isBefore(DR_END); t = t.plus(Duration.ofMinutes(1)), i++) {
        long baseline = 120_000;
        long requested = 100_000;
        long actual = device.equals("dev-2") ? baseline - 40_000 - 1_000L * (i % 5) : baseline - 95_000;
        long delivered = Math.min(requested, Math.max(0, baseline - actual));
        s.execute(d.bind("dr-1", device, t, device.equals("dev-1") ? OWNER : OTHER_OWNER, baseline, actual, requested, delivered));
      }
    }
    s.execute(d.bind("dr-0", "dev-9", DR_START.minus(Duration.ofDays(1)), OTHER_OWNER, 50_000L, 50_000L, 30_000L, 0L));
  }

  private static void ledger(CqlSession s) {
    PreparedStatement p = s.prepare("INSERT INTO ledger (account, settlement_period, entry_id, account_kind, device_id,"
        + " reason, amount, energy_milli_wh, interval_start, rulebook_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    Instant t = FROM.plusSeconds(600);
    String rb = "2026.11-1";
    s.execute(p.bind(OWNER, PERIOD, "e1", "OWNER", "dev-1", "CLEAN_PRODUCTION", 1_200_000L, 4_000_000L, t, rb));
    s.execute(p.bind(OWNER, PERIOD, "e2", "OWNER", "dev-1", "CLEAN_PRODUCTION", 800_000L, 2_500_000L, t.plusSeconds(60), rb));
    s.execute(p.bind(OWNER, PERIOD, "e3", "OWNER", "dev-1", "DR_DELIVERY", 540_000L, 4_500_000L, t, rb));
    s.execute(p.bind(OWNER, PERIOD, "e4", "OWNER", "dev-1", "SUBSIDY_TOPUP", 100_000L, 4_000_000L, t, rb));
    s.execute(p.bind("dso-north", PERIOD, "e5", "DISTRIBUTOR", "dev-1", "NETWORK_FEE", 30_000L, 6_500_000L, t, rb));
    s.execute(p.bind("creators-fund:onder", PERIOD, "e6", "CREATORS_FUND", "dev-1", "CREATORS_FUND_FEE", 12_000L, 0L, t, rb));
    s.execute(p.bind("pool:community-solar", PERIOD, "e7", "SUBSIDY_POOL", null, "FUNDING", 5_000_000L, 0L, t, rb));
    s.execute(p.bind("pool:community-solar", PERIOD, "e8", "SUBSIDY_POOL", "dev-1", "SUBSIDY_TOPUP", -100_000L, 4_000_000L, t, rb));
  }

  private static void settlement(CqlSession s) {
    PreparedStatement o = s.prepare("INSERT INTO owed (owner_address, cumulative_amount, settlement_period, batch_id) VALUES (?, ?, ?, ?)");
    s.execute(o.bind(OWNER, 2_640_000L, PERIOD, "b-4242-1"));
    s.execute(o.bind(OTHER_OWNER, 910_000L, PERIOD, "b-4242-2"));
    PreparedStatement v = s.prepare("INSERT INTO vouchers (owner_address, cumulative_amount, chain_id, hub, signature,"
        + " batch_id, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    s.execute(v.bind(OWNER, 2_640_000L, 31337L, HUB, ByteBuffer.wrap(new byte[65]), "b-4242-1", FROM.plusSeconds(1800)));
    PreparedStatement r = s.prepare("INSERT INTO settlement_receipts (batch_id, chain_id, hub, tx_hash, block_number,"
        + " gas_used, payees, paid_total, status, confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.execute(r.bind("b-4241-1", 31337L, HUB, "0x" + "1".repeat(64), 90L, 2_700_000L, 100, 41_000_000L, "CONFIRMED",
        FROM.minus(Duration.ofDays(1))));
    s.execute(r.bind("b-4242-1", 31337L, HUB, "0x" + "2".repeat(64), 101L, 2_650_000L, 100, 2_640_000L, "CONFIRMED",
        FROM.plusSeconds(2700)));
    s.execute(r.bind("b-4242-2", 31337L, HUB, "0x" + "3".repeat(64), 102L, 61_000L, 1, 910_000L, "CONFIRMED",
        FROM.plusSeconds(4800)));
  }
}
