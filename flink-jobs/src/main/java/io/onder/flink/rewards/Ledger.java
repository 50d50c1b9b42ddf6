package io.onder.flink.rewards;

import io.onder.avro.AccountKind;
import io.onder.avro.DeviceIntervalEnergy;
import io.onder.avro.RewardEntry;
import io.onder.avro.RewardReason;
import io.onder.rules.DeviceInterval;
import io.onder.rules.EnergySource;
import io.onder.rules.LedgerLine;
import io.onder.rules.QualityVector;
import io.onder.rules.Stress;
import java.time.Instant;

/** Mapping between the Avro records on Kafka and the rules' plain types. */
final class Ledger {
  private Ledger() {}

  static long ppm(double share) {
    return Math.round(share * 1_000_000d);
  }

  static QualityVector quality(io.onder.avro.Quality q) {
    Stress stress = Stress.valueOf(q.getStress().name());
    long clean = ppm(q.getClean());
    long local = ppm(q.getLocal());
    long localClean = Math.min(Math.min(clean, local), ppm(q.getLocalClean()));
    return new QualityVector(clean, local, localClean, stress, stress == Stress.NONE ? 0 : ppm(q.getStressLevel()));
  }

  static DeviceInterval device(DeviceIntervalEnergy e) {
    return new DeviceInterval(e.getDeviceId(), e.getOwnerAddress(), e.getFeederId(), e.getIntervalStart().toEpochMilli(),
        e.getImportMilliWh(), e.getExportMilliWh(), EnergySource.valueOf(e.getExportSource().name()),
        quality(e.getImportQuality()), quality(e.getExportQuality()));
  }

  /** The ledger entry of a line; its id carries the rulebook version, so a replay under new rules never overwrites. */
  static RewardEntry entry(LedgerLine l) {
    return RewardEntry.newBuilder()
        .setEntryId(l.entryId() + "@" + l.rulebookVersion())
        .setAccount(l.account())
        .setAccountKind(AccountKind.valueOf(l.accountKind().name()))
        .setDeviceId(l.deviceId())
        .setReason(RewardReason.valueOf(l.reason().name()))
        .setAmount(l.amount())
        .setEnergyMilliWh(l.energyMilliWh())
        .setIntervalStart(Instant.ofEpochMilli(l.intervalStart()))
        .setSettlementPeriod(l.settlementPeriod())
        .setRulebookVersion(l.rulebookVersion())
        .build();
  }
}
