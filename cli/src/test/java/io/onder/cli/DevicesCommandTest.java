package io.onder.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevicesCommandTest {
  static final String OWNER = "0x" + "ab".repeat(20);

  /** The registry as a map; records what would be written. */
  static final class Fake implements DevicesCommand.Registry {
    final Map<String, DevicesCommand.Feeder> feeders = new HashMap<>();
    final List<String> devices = new ArrayList<>();
    final List<String> refs = new ArrayList<>();

    Fake() {
      feeders.put("F001", new DevicesCommand.Feeder("F001", "S01", "R1", 10_000, 5_000, OWNER));
    }

    @Override public Optional<DevicesCommand.Feeder> feeder(String id) { return Optional.ofNullable(feeders.get(id)); }
    @Override public boolean deviceExists(String id) { return devices.contains(id); }
    @Override public void insert(DevicesCommand.Device d, DevicesCommand.Feeder f, String identity, String ref, Instant now) { devices.add(d.deviceId()); refs.add(ref); }
    @Override public void insert(DevicesCommand.Feeder f) { feeders.put(f.feederId(), f); }
  }

  @Test
  void aGoodDeviceHasNoProblems() {
    assertThat(DevicesCommand.check("dev-1", "F001", "pv", OWNER, new Fake())).isEmpty();
  }

  @Test
  void badOwnerKindAndFeederAreNamed() {
    Fake r = new Fake();
    assertThat(DevicesCommand.check("dev-1", "F001", "pv", "0x1234", r)).containsExactly("owner address '0x1234': 0x followed by 40 hex digits");
    assertThat(DevicesCommand.check("dev-1", "F001", "pv", "ab".repeat(20), r)).hasSize(1);
    assertThat(DevicesCommand.check("dev-1", "F001", "toaster", OWNER, r))
        .containsExactly("unknown kind 'toaster': choose from meter, pv, battery, ev_charger, heat_pump, load");
    assertThat(DevicesCommand.check("dev-1", "F999", "pv", OWNER, r)).singleElement().asString().startsWith("unknown feeder 'F999'");
    assertThat(DevicesCommand.check("bad id!", "F001", "pv", OWNER, r)).singleElement().asString().startsWith("device id 'bad id!'");
    r.devices.add("dev-1");
    assertThat(DevicesCommand.check("dev-1", "F001", "pv", OWNER, r)).singleElement().asString().contains("registered already");
  }

  @Test
  void oneBadRowAndNothingIsWritten(@TempDir Path dir) {
    Fake r = new Fake();
    List<String> csv = List.of("device_id,feeder_id,kind,owner_address", "dev-1,F001,pv," + OWNER, "dev-2,F404,battery," + OWNER,
        "dev-3,F001,toaster,0xnope", "dev-1,F001,meter," + OWNER);
    assertThatThrownBy(() -> DevicesCommand.parseDevices(csv, r))
        .isInstanceOf(DevicesCommand.Invalid.class)
        .hasMessageContaining("line 3: unknown feeder 'F404'")
        .hasMessageContaining("line 4: unknown kind 'toaster'")
        .hasMessageContaining("line 4: owner address '0xnope'")
        .hasMessageContaining("line 5: device dev-1 appears twice");
    assertThat(r.devices).isEmpty();
    assertThat(dir.resolve("psk.properties")).doesNotExist();
  }

  @Test
  void registeringStoresAKeyPerDeviceInAPrivateFileAndOnlyAReferenceInTheRegistry(@TempDir Path dir) throws Exception {
    Fake r = new Fake();
    List<DevicesCommand.Device> ds = DevicesCommand.parseDevices(List.of("dev-1,F001,PV," + OWNER.toUpperCase().replace("0X", "0x"),
        "dev-2,F001,battery," + OWNER + ",1,2,3,4"), r);
    assertThat(ds.get(0).kind()).isEqualTo("pv");
    assertThat(ds.get(0).ownerAddress()).isEqualTo(OWNER);
    assertThat(ds.get(1).storageMilliWh()).isEqualTo(4);
    Path secrets = dir.resolve("ingest/device-psk.properties");
    DevicesCommand.register(ds, r, secrets, Instant.now());
    assertThat(r.devices).containsExactly("dev-1", "dev-2");
    assertThat(r.refs).containsExactly("file:" + secrets.toAbsolutePath() + "#dev-1", "file:" + secrets.toAbsolutePath() + "#dev-2");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets))).isEqualTo("rw-------");
    var p = DrCommand.load(secrets);
    assertThat(java.util.Base64.getDecoder().decode(p.getProperty("dev-1"))).hasSize(16);
    assertThat(p.getProperty("dev-1")).isNotEqualTo(p.getProperty("dev-2"));
  }

  @Test
  void feederCsvIsCheckedRowByRow() {
    assertThat(DevicesCommand.parseFeeders(List.of("feeder_id,substation_id,region_id,capacity_w,reverse_flow_limit_w,distributor",
        "F001,S01,R1,50000,20000," + OWNER))).singleElement().extracting(DevicesCommand.Feeder::capacityW).isEqualTo(50_000L);
    assertThatThrownBy(() -> DevicesCommand.parseFeeders(List.of("F001,S01,R1,-5,x,0x12", "F002,S01")))
        .hasMessageContaining("line 1: capacity_w '-5': positive watts")
        .hasMessageContaining("line 1: reverse_flow_limit_w 'x': an integer")
        .hasMessageContaining("line 1: distributor '0x12'")
        .hasMessageContaining("line 2: expected 6 columns");
  }

  @Test
  void drEventBodyIsCheckedBeforeItIsSent() {
    String body = DrCommand.eventBody("substation", "S01", 100, false, "2026-11-21T17:00:00Z", "PT1H", 50_000, "x");
    assertThat(body).contains("\"type\":\"SUBSTATION\"", "\"REDUCE_LOAD_KW\"", "\"start\":\"2026-11-21T17:00:00Z\"", "\"duration\":\"PT1H\"");
    assertThatThrownBy(() -> DrCommand.eventBody("house", "S01", 100, false, "2026-11-21T17:00:00Z", "PT1H", 1, "x")).hasMessageContaining("--target-kind");
    assertThatThrownBy(() -> DrCommand.eventBody("FEEDER", "F1", -1, false, "2026-11-21T17:00:00Z", "PT1H", 1, "x")).hasMessageContaining("--kw");
    assertThatThrownBy(() -> DrCommand.eventBody("FEEDER", "F1", 1, false, "tomorrow", "PT1H", 1, "x")).hasMessageContaining("--start");
  }

  @Test
  void simulatedHoursEndBeforeTheGatewaysClock() {
    Instant now = Instant.parse("2026-11-21T12:00:00Z");
    Instant s = SimulateCommand.simStart(now, 1, 120, null);
    // the simulated clock reaches the end (s + 1 h) after 30 s of wall time: by then it must not be ahead of now + 30 s
    assertThat(s.plusSeconds(3600)).isBeforeOrEqualTo(now.plusSeconds(30));
    Instant at = SimulateCommand.simStart(now, 2, 60, LocalTime.of(17, 0));
    assertThat(at).isEqualTo(Instant.parse("2026-11-20T17:00:00Z"));
    assertThatThrownBy(() -> SimulateCommand.simStart(now, 1, 0.5, null)).hasMessageContaining("--speed");
    assertThatThrownBy(() -> SimulateCommand.simStart(now, 200, 1000, null)).hasMessageContaining("horizon");
  }
}
