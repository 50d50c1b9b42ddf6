package io.onder.flink.quality;

import io.onder.rules.BatteryCleanStock;

/** A storage device's clean stock as Flink state (a POJO). */
public class BatteryStockState {
  public long storedMilliWh;
  public long cleanMilliWh;
  public long shiftableMilliWh;

  public BatteryStockState() {}

  static BatteryStockState of(BatteryCleanStock s) {
    BatteryStockState b = new BatteryStockState();
    b.storedMilliWh = s.storedMilliWh();
    b.cleanMilliWh = s.cleanMilliWh();
    b.shiftableMilliWh = s.shiftableMilliWh();
    return b;
  }

  BatteryCleanStock toStock() {
    return new BatteryCleanStock(storedMilliWh, cleanMilliWh, shiftableMilliWh);
  }
}
