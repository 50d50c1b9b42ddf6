package io.onder.flink.rewards;

import io.onder.avro.DrDelivery;
import io.onder.avro.RewardEntry;
import io.onder.flink.quality.Rulebooks;
import io.onder.rules.LedgerLine;
import io.onder.rules.RewardCalculator;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * Payments of verified DR delivery under one rulebook: delivered × the event's rate, funded by the utility's account
 * (every cause sums to zero). A delivery without a utility account (written before the field existed) has nobody to
 * fund it, so it is counted and not paid rather than paid from the market. Stateless.
 */
public class DrPayments extends RichFlatMapFunction<DrDelivery, RewardEntry> {
  private static final long serialVersionUID = 1L;
  private final String rulebookVersion;
  private transient RewardCalculator calculator;
  private transient Counter unfunded;

  public DrPayments(String rulebookVersion) {
    this.rulebookVersion = rulebookVersion;
  }

  @Override
  public void open(OpenContext ctx) {
    calculator = new RewardCalculator(Rulebooks.load(rulebookVersion));
    unfunded = getRuntimeContext().getMetricGroup().counter("unfundedDrDeliveries");
  }

  @Override
  public void flatMap(DrDelivery d, Collector<RewardEntry> out) {
    if (d.getDeliveredMilliWh() <= 0) return;
    if (d.getUtilityAccount() == null || d.getUtilityAccount().isEmpty()) {
      unfunded.inc();
      return;
    }
    RewardCalculator.DrPayment p = new RewardCalculator.DrPayment(d.getEventId(), d.getUtilityAccount(), d.getDeviceId(),
        d.getOwnerAddress(), d.getIntervalStart().toEpochMilli(), d.getDeliveredMilliWh(), d.getRate());
    for (LedgerLine l : calculator.drDelivery(p)) out.collect(Ledger.entry(l));
  }
}
