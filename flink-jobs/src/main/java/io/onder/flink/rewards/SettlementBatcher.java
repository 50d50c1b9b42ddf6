package io.onder.flink.rewards;

import io.onder.avro.AccountKind;
import io.onder.avro.OwedAmount;
import io.onder.avro.RewardEntry;
import io.onder.avro.SettlementBatch;
import io.onder.flink.quality.Rulebooks;
import io.onder.rules.SettlementPeriods;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The whole ledger in one place (a single key): keeps every payee's cumulative amount owed and, when the
 * watermark passes the end of a settlement period, emits a {@link SettlementBatch} with the cumulative amount of
 * every payee credited in that period. Cumulative amounts never decrease, so the bridge pays only differences and
 * a batch repeated after a restart pays nothing twice. Conservation is checked at every batch: the period's lines
 * sum to zero, or the job fails loudly rather than pay out money nobody funded.
 */
public class SettlementBatcher extends KeyedProcessFunction<Integer, RewardEntry, SettlementBatch> {
  private static final long serialVersionUID = 1L;
  private final String rulebookVersion;
  /** Where named accounts (the creators fund, say) are paid on chain; addresses are paid as they are. */
  private final Map<String, String> payoutAddresses;
  /** Each payee's cumulative amount as of the last batch. */
  private transient MapState<String, Long> settled;
  /** Credits not yet in a batch, by "period|account". */
  private transient MapState<String, Long> pending;
  /** Sum of every line of a period not yet settled (funding included): zero when the period conserves. */
  private transient MapState<Long, Long> periodSum;
  /** Batches already emitted per period: a line that arrives after its period closed goes into a further batch. */
  private transient MapState<Long, Integer> emitted;
  private transient SettlementPeriods periods;

  public SettlementBatcher(String rulebookVersion) {
    this(rulebookVersion, Map.of());
  }

  public SettlementBatcher(String rulebookVersion, Map<String, String> payoutAddresses) {
    this(rulebookVersion, payoutAddresses, MAX_PAYEES_PER_BATCH);
  }

  /** @param maxPayees the most payees in one batch: a period with more is settled in several batches */
  SettlementBatcher(String rulebookVersion, Map<String, String> payoutAddresses, int maxPayees) {
    if (maxPayees < 1) throw new IllegalArgumentException("maxPayees must be >= 1");
    this.rulebookVersion = rulebookVersion;
    this.payoutAddresses = Map.copyOf(payoutAddresses);
    this.maxPayees = maxPayees;
  }

  /**
   * The most payees in one batch. A batch is one Kafka record, and Kafka takes records of up to 1 MiB by default: a
   * period of 82,000 payees made a 3.6 MB batch, which the sink could not send, and nothing was settled. 10,000 payees
   * are about 450 KB.
   */
  public static final int MAX_PAYEES_PER_BATCH = 10_000;
  private final int maxPayees;

  /** {@code name=0x…,name2=0x…}, as given on the job's command line ({@code --payout-addresses}). */
  public static Map<String, String> parsePayoutAddresses(String spec) {
    Map<String, String> m = new TreeMap<>();
    if (spec == null || spec.isBlank()) return m;
    for (String pair : spec.split(",")) {
      int eq = pair.indexOf('=');
      if (eq <= 0 || !pair.substring(eq + 1).strip().matches("0x[0-9a-fA-F]{40}")) {
        throw new IllegalArgumentException("--payout-addresses wants name=0x<40 hex digits>, got '" + pair + "'");
      }
      m.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip().toLowerCase());
    }
    return m;
  }

  @Override
  public void open(OpenContext ctx) {
    settled = getRuntimeContext().getMapState(new MapStateDescriptor<>("settled", Types.STRING, Types.LONG));
    pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.STRING, Types.LONG));
    periodSum = getRuntimeContext().getMapState(new MapStateDescriptor<>("period-sum", Types.LONG, Types.LONG));
    emitted = getRuntimeContext().getMapState(new MapStateDescriptor<>("emitted", Types.LONG, Types.INT));
    periods = Rulebooks.load(rulebookVersion).settlement();
  }

  static boolean payee(AccountKind k) {
    return k == AccountKind.OWNER || k == AccountKind.DISTRIBUTOR || k == AccountKind.CREATORS_FUND;
  }

  @Override
  public void processElement(RewardEntry e, Context ctx, Collector<SettlementBatch> out) throws Exception {
    long period = e.getSettlementPeriod();
    Long sum = periodSum.get(period);
    if (sum == null) ctx.timerService().registerEventTimeTimer(periods.endOf(period));
    // A straggler of a period already closed is settled in a further batch within a second of wall time: at the end of
    // the input the watermark may never move again.
    if (periods.endOf(period) <= ctx.timerService().currentWatermark()) {
      ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 1_000);
    }
    periodSum.put(period, Math.addExact(sum == null ? 0 : sum, e.getAmount()));
    if (!payee(e.getAccountKind()) || e.getAmount() == 0) return;
    String key = period + "|" + e.getAccount();
    Long p = pending.get(key);
    pending.put(key, Math.addExact(p == null ? 0 : p, e.getAmount()));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<SettlementBatch> out) throws Exception {
    boolean wallClock = ctx.timeDomain() == org.apache.flink.streaming.api.TimeDomain.PROCESSING_TIME;
    long upTo = wallClock ? ctx.timerService().currentWatermark() : timestamp;
    List<Long> due = new ArrayList<>();
    for (Long p : periodSum.keys()) if (periods.endOf(p) <= upTo) due.add(p);
    due.sort(Long::compareTo);
    for (long period : due) {
      long sum = periodSum.get(period);
      if (sum != 0) {
        // the rest of a cause may still be on its way from another channel: wait, but never pay out an unbalanced period
        if (upTo >= periods.endOf(period) + CONSERVATION_PATIENCE_MILLIS) {
          throw new IllegalStateException("the ledger does not conserve: period " + period + "'s lines sum to " + sum + " base units");
        }
        if (wallClock) ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 1_000);
        else ctx.timerService().registerEventTimeTimer(timestamp + 1);
        continue;
      }
      periodSum.remove(period);
      settle(period, out);
    }
  }

  /** How long past its end a period may stay unbalanced while its last lines arrive. */
  static final long CONSERVATION_PATIENCE_MILLIS = 3_600_000;

  private void settle(long period, Collector<SettlementBatch> out) throws Exception {
    String prefix = period + "|";
    Map<String, Long> credits = new TreeMap<>();
    for (Map.Entry<String, Long> en : pending.entries()) {
      if (en.getKey().startsWith(prefix)) credits.put(en.getKey().substring(prefix.length()), en.getValue());
    }
    if (credits.isEmpty()) return;
    List<OwedAmount> owed = new ArrayList<>();
    long total = 0;
    for (Map.Entry<String, Long> c : credits.entrySet()) {
      Long before = settled.get(c.getKey());
      long cumulative = Math.addExact(before == null ? 0 : before, c.getValue());
      settled.put(c.getKey(), cumulative);
      pending.remove(prefix + c.getKey());
      owed.add(new OwedAmount(payoutAddresses.getOrDefault(c.getKey(), c.getKey()), cumulative));
      total = Math.addExact(total, cumulative);
      if (owed.size() == maxPayees) {
        emit(period, owed, total, out);
        owed = new ArrayList<>();
        total = 0;
      }
    }
    if (!owed.isEmpty()) emit(period, owed, total, out);
  }

  /** One batch of a period: its first keeps the period's id, the further ones (more payees, stragglers) are numbered. */
  private void emit(long period, List<OwedAmount> owed, long total, Collector<SettlementBatch> out) throws Exception {
    Integer before = emitted.get(period);
    emitted.put(period, before == null ? 1 : before + 1);
    String batchId = rulebookVersion + "/" + period + (before == null ? "" : "/" + (before + 1));
    out.collect(SettlementBatch.newBuilder().setBatchId(batchId).setSettlementPeriod(period)
        .setPeriodEnd(Instant.ofEpochMilli(periods.endOf(period))).setRulebookVersion(rulebookVersion).setOwed(owed)
        .setTotalCumulative(total).build());
  }
}
