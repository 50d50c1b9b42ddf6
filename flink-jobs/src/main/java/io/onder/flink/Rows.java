package io.onder.flink;

import io.onder.avro.DeviceIntervalEnergy;
import io.onder.avro.FeederIntervalState;
import io.onder.avro.OwedAmount;
import io.onder.avro.RewardEntry;
import io.onder.avro.SettlementBatch;
import java.time.Instant;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;
import io.onder.flink.io.CassandraSink.RowMapper;

/** How the jobs' records become Cassandra rows: idempotent upserts keyed by what the record is about. */
public final class Rows {
  private Rows() {}

  /**
   * Rows of a device's or a feeder's interval, in a partition per subject and day. A watermark closes many subjects'
   * intervals at once (and a backlog several of one's), and their rows go in batches. The linger is short: live, each
   * millisecond here is one more between the window's close and the row; the rows a watermark's timers emit together
   * are batched however short it is, the linger timer running only after them.
   */
  abstract static class IntervalRows<T> implements RowMapper<T> {
    private final SerializableFunction<T, String> subject;
    private final SerializableFunction<T, Instant> intervalStart;

    IntervalRows(SerializableFunction<T, String> subject, SerializableFunction<T, Instant> intervalStart) {
      this.subject = subject;
      this.intervalStart = intervalStart;
    }

    @Override
    public Object partition(T row) {
      return subject.apply(row) + "|" + Days.of(intervalStart.apply(row));
    }

    @Override
    public long lingerMillis() {
      return 5;
    }
  }

  public static final RowMapper<DeviceIntervalEnergy> DEVICE_INTERVAL =
      new IntervalRows<>(DeviceIntervalEnergy::getDeviceId, DeviceIntervalEnergy::getIntervalStart) {
    @Override
    public String cql(String ks) {
      return "INSERT INTO " + ks + ".device_interval (device_id, day, interval_start, import_milli_wh, export_milli_wh, "
          + "import_clean, import_local, export_clean, export_local, stress, stress_level, revision) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)";
    }

    @Override
    public Object[] values(DeviceIntervalEnergy e) {
      return new Object[] {e.getDeviceId(), Days.of(e.getIntervalStart()), e.getIntervalStart(), e.getImportMilliWh(), e.getExportMilliWh(),
          e.getImportQuality().getClean(), e.getImportQuality().getLocal(), e.getExportQuality().getClean(), e.getExportQuality().getLocal(),
          e.getImportQuality().getStress().name(), e.getImportQuality().getStressLevel(), e.getRevision()};
    }
  };

  public static final RowMapper<FeederIntervalState> FEEDER_INTERVAL =
      new IntervalRows<>(FeederIntervalState::getFeederId, FeederIntervalState::getIntervalStart) {
    @Override
    public String cql(String ks) {
      return "INSERT INTO " + ks + ".feeder_interval (feeder_id, day, interval_start, substation_id, region_id, import_milli_wh, "
          + "export_milli_wh, net_w, capacity_w, reverse_flow_limit_w, local_match, clean_share, stress, stress_level, "
          + "devices_reporting, avg_voltage_v, avg_frequency_hz, revision) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    }

    @Override
    public Object[] values(FeederIntervalState f) {
      return new Object[] {f.getFeederId(), Days.of(f.getIntervalStart()), f.getIntervalStart(), f.getSubstationId(), f.getRegionId(),
          f.getImportMilliWh(), f.getExportMilliWh(), f.getNetW(), f.getCapacityW(), f.getReverseFlowLimitW(), f.getLocalMatch(),
          f.getCleanShare(), f.getStress().name(), f.getStressLevel(), f.getDevicesReporting(), f.getAvgVoltageV(),
          f.getAvgFrequencyHz(), f.getRevision()};
    }
  };

  public static final RowMapper<RewardEntry> LEDGER = new RowMapper<>() {
    @Override
    public String cql(String ks) {
      return "INSERT INTO " + ks + ".ledger (account, settlement_period, entry_id, account_kind, device_id, reason, amount, "
          + "energy_milli_wh, interval_start, rulebook_version) VALUES (?,?,?,?,?,?,?,?,?,?)";
    }

    @Override
    public Object[] values(RewardEntry e) {
      return new Object[] {e.getAccount(), e.getSettlementPeriod(), e.getEntryId(), e.getAccountKind().name(), e.getDeviceId(),
          e.getReason().name(), e.getAmount(), e.getEnergyMilliWh(), e.getIntervalStart(), e.getRulebookVersion()};
    }

    @Override
    public Object partition(RewardEntry e) {
      return e.getAccount() + "|" + e.getSettlementPeriod();
    }
  };

  /** One row per payee of a batch: what the ledger owes it in total, as of that batch. */
  public static final class OwedRow implements java.io.Serializable {
    public String owner;
    public long cumulative;
    public long period;
    public String batchId;

    public OwedRow() {}
  }

  public static final class OwedRows implements FlatMapFunction<SettlementBatch, OwedRow> {
    @Override
    public void flatMap(SettlementBatch b, Collector<OwedRow> out) {
      for (OwedAmount o : b.getOwed()) {
        OwedRow r = new OwedRow();
        r.owner = o.getOwner();
        r.cumulative = o.getCumulativeAmount();
        r.period = b.getSettlementPeriod();
        r.batchId = b.getBatchId();
        out.collect(r);
      }
    }
  }

  public static final RowMapper<OwedRow> OWED = new RowMapper<>() {
    @Override
    public String cql(String ks) {
      return "INSERT INTO " + ks + ".owed (owner_address, cumulative_amount, settlement_period, batch_id) VALUES (?,?,?,?)";
    }

    @Override
    public Object[] values(OwedRow r) {
      return new Object[] {r.owner, r.cumulative, r.period, r.batchId};
    }
  };
}
