package io.onder.simulator;

import io.onder.simulator.model.DeviceKind;
import io.onder.simulator.model.DeviceModel;
import io.onder.simulator.model.EvCharger;
import io.onder.simulator.model.HeatPump;
import io.onder.simulator.model.HomeBattery;
import io.onder.simulator.model.Household;
import io.onder.simulator.model.SolarPv;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A fleet laid out over a region: {@code substations} substations, {@code feeders} feeders spread over them, and
 * {@code devices} devices spread over the feeders — half household meters, a fifth PV, a tenth each batteries, EV
 * chargers and heat pumps. Deterministic for a seed. A feeder's capacity and reverse-flow limit are sized to its
 * devices so that the evening peak and the midday PV surplus both stress it now and then.
 */
public record FleetPlan(int devices, int feeders, int substations, String region, long seed, List<Feeder> feederList, List<Device> deviceList) {

  public record Feeder(String feederId, String substationId, long capacityW, long reverseFlowLimitW, String distributor) {}

  public record Device(String deviceId, DeviceKind kind, String feederId, String substationId, String owner, long maxImportW,
      long maxExportW, long flexibleW, long storageMilliWh, long seed) {

    public DeviceModel model(long startMillis) {
      return switch (kind) {
        case METER -> new Household(deviceId, seed, startMillis);
        case PV -> new SolarPv(deviceId, seed, startMillis);
        case BATTERY -> new HomeBattery(deviceId, seed, startMillis);
        case EV_CHARGER -> new EvCharger(deviceId, seed, startMillis);
        case HEAT_PUMP -> new HeatPump(deviceId, seed, startMillis);
      };
    }
  }

  public static FleetPlan of(int devices, int feeders, int substations, long seed) {
    if (devices < 1 || feeders < 1 || substations < 1 || feeders < substations) {
      throw new IllegalArgumentException("need at least one device, and at least as many feeders as substations");
    }
    SplittableRandom r = new SplittableRandom(seed);
    List<Feeder> fs = new ArrayList<>();
    long perFeeder = Math.max(1, devices / feeders);
    for (int f = 0; f < feeders; f++) {
      String sub = String.format("S%02d", f % substations + 1);
      String distributor = "0x" + HexFormat.of().formatHex(address(new SplittableRandom(seed * 31 + (f % substations))));
      fs.add(new Feeder(String.format("F%03d", f + 1), sub, perFeeder * 900 + 5_000, perFeeder * 450 + 2_000, distributor));
    }
    List<Device> ds = new ArrayList<>();
    for (int i = 0; i < devices; i++) {
      Feeder f = fs.get(i % feeders);
      double u = r.nextDouble();
      DeviceKind kind = u < 0.5 ? DeviceKind.METER : u < 0.7 ? DeviceKind.PV : u < 0.8 ? DeviceKind.BATTERY : u < 0.9 ? DeviceKind.EV_CHARGER : DeviceKind.HEAT_PUMP;
      String owner = "0x" + HexFormat.of().formatHex(address(r));
      long maxImport = switch (kind) { case METER -> 6_000; case PV -> 0; case BATTERY -> 5_000; case EV_CHARGER -> 11_000; case HEAT_PUMP -> 3_500; };
      long maxExport = switch (kind) { case PV -> 10_000; case BATTERY -> 5_000; default -> 0; };
      long flexible = switch (kind) { case METER -> 0; case PV -> 10_000; case BATTERY -> 5_000; case EV_CHARGER -> 11_000; case HEAT_PUMP -> 1_700; };
      long storage = kind == DeviceKind.BATTERY ? 10_000_000L : kind == DeviceKind.EV_CHARGER ? 60_000_000L : 0;
      ds.add(new Device(String.format("dev-%06d", i + 1), kind, f.feederId(), f.substationId(), owner, maxImport, maxExport, flexible, storage, r.nextLong()));
    }
    return new FleetPlan(devices, feeders, substations, "R1", seed, List.copyOf(fs), List.copyOf(ds));
  }

  private static byte[] address(SplittableRandom r) {
    byte[] a = new byte[20];
    for (int i = 0; i < a.length; i++) a[i] = (byte) r.nextInt(256);
    return a;
  }
}
