package io.onder.flink.dr;

import io.onder.avro.DeviceIntervalEnergy;
import io.onder.avro.DrDirection;
import io.onder.avro.DrEvent;
import io.onder.avro.DrStatus;
import io.onder.avro.Quality;
import io.onder.avro.StressKind;
import io.onder.avro.TargetKind;
import io.onder.flink.registry.Registry;
import java.time.Instant;
import java.util.Map;

/**
 * A small region for DR tests: feeders F1 and F2 under substation S1 in region R1. On F1 an EV charger (6 kW, all
 * of it flexible), a heat pump (3 kW, sheds half) and a meter (nothing to give); on F2 a controllable load.
 */
final class DrFixtures {
  static final long T0 = Instant.parse("2026-06-21T12:00:00Z").toEpochMilli();
  static final long MIN = 60_000;
  static final String OWNER = "0x00000000000000000000000000000000000000e1";

  static final Registry REGISTRY = new Registry(Map.of(
      "ev1", new Registry.Device("ev1", "F1", "S1", "R1", "ev_charger", OWNER, 6_000, 0, 6_000, 40_000_000, false),
      "hp1", new Registry.Device("hp1", "F1", "S1", "R1", "heat_pump", OWNER, 3_000, 0, 3_000, 0, false),
      "m1", new Registry.Device("m1", "F1", "S1", "R1", "meter", OWNER, 10_000, 0, 0, 0, false),
      "ld2", new Registry.Device("ld2", "F2", "S1", "R1", "load", OWNER, 2_400, 0, 2_400, 0, false)),
      Map.of(
          "F1", new Registry.Feeder("F1", "S1", "R1", 100_000, 50_000, "0xd5"),
          "F2", new Registry.Feeder("F2", "S1", "R1", 100_000, 50_000, "0xd5")));

  private DrFixtures() {}

  static String feederOf(String device) {
    return REGISTRY.device(device).feederId();
  }

  /** The device's energy in minute {@code i} after T0. */
  static DeviceIntervalEnergy energy(String device, int i, long importMilliWh) {
    Quality q = Quality.newBuilder().setClean(0.3).setLocal(0).setStress(StressKind.NONE).build();
    return DeviceIntervalEnergy.newBuilder().setDeviceId(device).setOwnerAddress(OWNER).setKind(REGISTRY.device(device).kind())
        .setFeederId(feederOf(device)).setSubstationId("S1").setRegionId("R1")
        .setIntervalStart(Instant.ofEpochMilli(T0 + i * MIN)).setIntervalEnd(Instant.ofEpochMilli(T0 + (i + 1) * MIN))
        .setImportMilliWh(importMilliWh).setExportMilliWh(0).setImportQuality(q).setExportQuality(q).build();
  }

  static DrEvent event(String id, TargetKind kind, String target, long targetW, int fromMinute, int toMinute, int version, DrStatus status) {
    return DrEvent.newBuilder().setEventId(id).setUtilityId("u1").setTargetKind(kind).setTargetId(target).setDirection(DrDirection.REDUCE)
        .setTargetW(targetW).setStart(Instant.ofEpochMilli(T0 + fromMinute * MIN)).setEnd(Instant.ofEpochMilli(T0 + toMinute * MIN))
        .setRate(100_000).setStatus(status).setVersion(version).setCreatedAt(Instant.ofEpochMilli(T0)).build();
  }
}
