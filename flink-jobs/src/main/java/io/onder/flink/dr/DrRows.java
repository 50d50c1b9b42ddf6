package io.onder.flink.dr;

import io.onder.avro.DrDelivery;
import io.onder.flink.io.CassandraSink.RowMapper;
import java.time.Instant;

/** How the DR job's records become Cassandra rows: idempotent upserts keyed by what they are about. */
public final class DrRows {
  private DrRows() {}

  /** One row per event, device and interval: what a utility and an owner ask of an event's results. */
  public static final RowMapper<DrDelivery> DELIVERY = new RowMapper<>() {
    @Override
    public String cql(String ks) {
      return "INSERT INTO " + ks + ".dr_delivery (event_id, device_id, interval_start, owner_address, baseline_milli_wh, "
          + "actual_milli_wh, requested_milli_wh, delivered_milli_wh) VALUES (?,?,?,?,?,?,?,?)";
    }

    @Override
    public Object[] values(DrDelivery d) {
      return new Object[] {d.getEventId(), d.getDeviceId(), d.getIntervalStart(), d.getOwnerAddress(), d.getBaselineMilliWh(),
          d.getActualMilliWh(), d.getRequestedMilliWh(), d.getDeliveredMilliWh()};
    }
  };

  /** A device's reliability after its latest event (table of V002__dr.cql). */
  public static final RowMapper<DeviceReliability> RELIABILITY = new RowMapper<>() {
    @Override
    public String cql(String ks) {
      return "INSERT INTO " + ks + ".device_reliability (device_id, reliability_ppm, last_event_id, last_requested_milli_wh, "
          + "last_delivered_milli_wh, last_event_end) VALUES (?,?,?,?,?,?)";
    }

    @Override
    public Object[] values(DeviceReliability r) {
      return new Object[] {r.deviceId, r.reliabilityPpm, r.eventId, r.requestedMilliWh, r.deliveredMilliWh, Instant.ofEpochMilli(r.eventEndMillis)};
    }
  };

  /** A commanded device's answer in an event (table of V003__dr_command_ack.cql). */
  public static final RowMapper<CommandAnswerRow> COMMAND_ACK = new RowMapper<>() {
    @Override
    public String cql(String ks) {
      return "INSERT INTO " + ks + ".dr_command_ack (event_id, device_id, command_id, status, reason, acked_at) VALUES (?,?,?,?,?,?)";
    }

    @Override
    public Object[] values(CommandAnswerRow r) {
      return new Object[] {r.eventId, r.deviceId, r.commandId, r.status, r.reason,
          r.ackedAtMillis == Long.MIN_VALUE ? null : Instant.ofEpochMilli(r.ackedAtMillis)};
    }

    /** A later answer replaces the row whole: a reason it has not clears the one before. */
    @Override
    public boolean nullLeavesColumn() {
      return false;
    }
  };
}
