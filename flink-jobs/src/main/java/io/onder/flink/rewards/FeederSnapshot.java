package io.onder.flink.rewards;

/** What the network fee needs of one feeder interval, as Flink state (a POJO). */
public class FeederSnapshot {
  public String feederId;
  public String substationId;
  public String regionId;
  public long intervalStart;
  public long leavingMilliWh;
  public long enteringMilliWh;

  public FeederSnapshot() {}
}
