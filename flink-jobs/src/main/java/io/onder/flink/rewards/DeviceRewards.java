package io.onder.flink.rewards;

import io.onder.avro.DeviceIntervalEnergy;
import io.onder.avro.RewardEntry;
import io.onder.flink.quality.Rulebooks;
import io.onder.rules.LedgerLine;
import io.onder.rules.RewardCalculator;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;

/** Rewards of each device interval under one rulebook: ledger entries (every cause sums to zero). Stateless. */
public class DeviceRewards extends RichFlatMapFunction<DeviceIntervalEnergy, RewardEntry> {
  private static final long serialVersionUID = 1L;
  private final String rulebookVersion;
  private transient RewardCalculator calculator;

  public DeviceRewards(String rulebookVersion) {
    this.rulebookVersion = rulebookVersion;
  }

  @Override
  public void open(OpenContext ctx) {
    calculator = new RewardCalculator(Rulebooks.load(rulebookVersion));
  }

  @Override
  public void flatMap(DeviceIntervalEnergy e, Collector<RewardEntry> out) {
    for (LedgerLine l : calculator.device(Ledger.device(e), e.getShiftableReleasedMilliWh())) out.collect(Ledger.entry(l));
  }
}
