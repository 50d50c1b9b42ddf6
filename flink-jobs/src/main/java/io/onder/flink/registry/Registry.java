package io.onder.flink.registry;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * The device registry and feeder topology as the jobs see them: a snapshot read from Cassandra (tables
 * {@code devices} and {@code feeders}), refreshed by its holder. Data, not constants in code.
 */
public final class Registry implements Serializable {
  private static final long serialVersionUID = 1L;

  public record Device(String deviceId, String feederId, String substationId, String regionId, String kind, String owner,
      long maxImportW, long maxExportW, long flexibleW, long storageMilliWh, boolean revoked) implements Serializable {}

  public record Feeder(String feederId, String substationId, String regionId, long capacityW, long reverseFlowLimitW,
      String distributor) implements Serializable {}

  private final Map<String, Device> devices;
  private final Map<String, Feeder> feeders;

  public Registry(Map<String, Device> devices, Map<String, Feeder> feeders) {
    this.devices = Map.copyOf(devices);
    this.feeders = Map.copyOf(feeders);
  }

  public static Registry load(CqlSession session) {
    Map<String, Device> devices = new HashMap<>();
    Map<String, String> names = new HashMap<>(); // feeders, substations, regions and kinds repeat: one string each
    for (Row r : session.execute("SELECT device_id, feeder_id, substation_id, region_id, kind, owner_address, max_import_w, "
        + "max_export_w, flexible_w, storage_milli_wh, revoked FROM devices")) {
      devices.put(r.getString(0), new Device(r.getString(0), one(names, r.getString(1)), one(names, r.getString(2)), one(names, r.getString(3)),
          one(names, r.getString(4)), r.getString(5), r.getLong(6), r.getLong(7), r.getLong(8), r.getLong(9), r.getBoolean(10)));
    }
    Map<String, Feeder> feeders = new HashMap<>();
    for (Row r : session.execute("SELECT feeder_id, substation_id, region_id, capacity_w, reverse_flow_limit_w, distributor FROM feeders")) {
      feeders.put(r.getString(0), new Feeder(r.getString(0), r.getString(1), r.getString(2), r.getLong(3), r.getLong(4), r.getString(5)));
    }
    return new Registry(devices, feeders);
  }

  private static String one(Map<String, String> names, String s) {
    return s == null ? null : names.computeIfAbsent(s, k -> k);
  }

  public Device device(String id) {
    return devices.get(id);
  }

  public Feeder feeder(String id) {
    return feeders.get(id);
  }

  public Map<String, Device> devices() {
    return devices;
  }

  public Map<String, Feeder> feeders() {
    return feeders;
  }
}
