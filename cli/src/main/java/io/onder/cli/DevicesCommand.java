package io.onder.cli;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.onder.stack.LocalStack;
import io.onder.stack.StackConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "devices", mixinStandardHelpOptions = true,
    description = {"The device registry (keyspace onder of the local stack): add, import, list and revoke devices; import the feeder topology.",
        "A new device gets a random pre-shared key in .onder/ingest/device-psk.properties (mode 600), which the gateway reads; keys are never printed."},
    subcommands = {DevicesCommand.Add.class, DevicesCommand.Import.class, DevicesCommand.ListDevices.class, DevicesCommand.Revoke.class,
        DevicesCommand.FeedersImport.class})
final class DevicesCommand implements Runnable {
  static final Set<String> KINDS = Set.of("meter", "pv", "battery", "ev_charger", "heat_pump", "load");
  static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}");
  static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  static final List<String> DEVICE_COLUMNS = List.of("device_id", "feeder_id", "kind", "owner_address", "max_import_w", "max_export_w", "flexible_w",
      "storage_milli_wh");
  static final List<String> FEEDER_COLUMNS = List.of("feeder_id", "substation_id", "region_id", "capacity_w", "reverse_flow_limit_w", "distributor");

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  record Feeder(String feederId, String substationId, String regionId, long capacityW, long reverseFlowLimitW, String distributor) {}

  record Device(String deviceId, String feederId, String kind, String ownerAddress, long maxImportW, long maxExportW, long flexibleW,
      long storageMilliWh) {}

  /** What the registry commands need of the registry; Cassandra in use, a map in tests. */
  interface Registry {
    Optional<Feeder> feeder(String feederId);

    boolean deviceExists(String deviceId);

    void insert(Device d, Feeder f, String pskIdentity, String pskSecretRef, Instant now);

    void insert(Feeder f);
  }

  /** Refusals of a batch, each naming its line; empty when every row is good. */
  static final class Invalid extends IllegalArgumentException {
    final List<String> problems;

    Invalid(List<String> problems) {
      super(problems.size() == 1 ? problems.get(0) : problems.size() + " problems, nothing written:\n  " + String.join("\n  ", problems));
      this.problems = List.copyOf(problems);
    }
  }

  // ---------- validation (pure) ----------

  /** Kind-typed defaults of the power figures, as the simulator's fleet has them. */
  static long[] defaults(String kind) {
    return switch (kind) { // max import, max export, flexible, storage (mWh)
      case "meter", "load" -> new long[] {6_000, 0, 0, 0};
      case "pv" -> new long[] {0, 10_000, 10_000, 0};
      case "battery" -> new long[] {5_000, 5_000, 5_000, 10_000_000L};
      case "ev_charger" -> new long[] {11_000, 0, 11_000, 60_000_000L};
      case "heat_pump" -> new long[] {3_500, 0, 1_700, 0};
      default -> throw new IllegalArgumentException("unknown kind " + kind);
    };
  }

  /** Checks one device's fields; the problems, or an empty list. Figures may be null (the kind's defaults). */
  static List<String> check(String id, String feederId, String kind, String owner, Registry registry) {
    List<String> p = new ArrayList<>();
    if (id == null || !ID.matcher(id).matches()) p.add("device id '" + nz(id) + "': 1-64 letters, digits, or _ . : - (starting with a letter or digit)");
    else if (registry.deviceExists(id)) p.add("device " + id + " is registered already (revoke it, or choose another id)");
    if (kind == null || !KINDS.contains(kind)) p.add("unknown kind '" + nz(kind) + "': choose from meter, pv, battery, ev_charger, heat_pump, load");
    if (owner == null || !ADDRESS.matcher(owner).matches()) p.add("owner address '" + nz(owner) + "': 0x followed by 40 hex digits");
    if (feederId == null || feederId.isBlank()) p.add("feeder: required");
    else if (registry.feeder(feederId).isEmpty()) p.add("unknown feeder '" + feederId + "' (import the topology first: bin/onder devices feeders-import FILE)");
    return p;
  }

  static Device device(String id, String feederId, String kind, String owner, Long maxImport, Long maxExport, Long flexible, Long storage) {
    long[] d = defaults(kind);
    return new Device(id, feederId, kind, owner.toLowerCase(Locale.ROOT), maxImport != null ? maxImport : d[0], maxExport != null ? maxExport : d[1],
        flexible != null ? flexible : d[2], storage != null ? storage : d[3]);
  }

  /** Parses a devices CSV (device_id,feeder_id,kind,owner_address[,max_import_w,max_export_w,flexible_w,storage_milli_wh]); all or nothing. */
  static List<Device> parseDevices(List<String> lines, Registry registry) {
    List<String> problems = new ArrayList<>();
    List<Device> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#") || (i == 0 && line.toLowerCase(Locale.ROOT).startsWith("device_id"))) continue;
      String at = "line " + (i + 1) + ": ";
      String[] c = line.split(",", -1);
      for (int k = 0; k < c.length; k++) c[k] = c[k].strip();
      if (c.length != 4 && c.length != 8) {
        problems.add(at + "expected 4 or 8 columns (" + String.join(",", DEVICE_COLUMNS) + "), found " + c.length);
        continue;
      }
      List<String> p = check(c[0], c[1], c[2].toLowerCase(Locale.ROOT), c[3], registry);
      if (p.isEmpty() && !seen.add(c[0])) p.add("device " + c[0] + " appears twice in the file");
      Long[] fig = new Long[4];
      if (c.length == 8) for (int k = 0; k < 4; k++) {
        try {
          fig[k] = Long.parseLong(c[4 + k]);
          if (fig[k] < 0) p.add(DEVICE_COLUMNS.get(4 + k) + " '" + c[4 + k] + "': never negative");
        } catch (NumberFormatException e) {
          p.add(DEVICE_COLUMNS.get(4 + k) + " '" + c[4 + k] + "': an integer");
        }
      }
      if (!p.isEmpty()) {
        for (String s : p) problems.add(at + s);
        continue;
      }
      out.add(device(c[0], c[1], c[2].toLowerCase(Locale.ROOT), c[3], fig[0], fig[1], fig[2], fig[3]));
    }
    if (!problems.isEmpty()) throw new Invalid(problems);
    if (out.isEmpty()) throw new IllegalArgumentException("no devices in the file");
    return out;
  }

  /** Parses a topology CSV (feeder_id,substation_id,region_id,capacity_w,reverse_flow_limit_w,distributor); all or nothing. */
  static List<Feeder> parseFeeders(List<String> lines) {
    List<String> problems = new ArrayList<>();
    Map<String, Feeder> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#") || (i == 0 && line.toLowerCase(Locale.ROOT).startsWith("feeder_id"))) continue;
      String at = "line " + (i + 1) + ": ";
      String[] c = line.split(",", -1);
      for (int k = 0; k < c.length; k++) c[k] = c[k].strip();
      if (c.length != 6) {
        problems.add(at + "expected 6 columns (" + String.join(",", FEEDER_COLUMNS) + "), found " + c.length);
        continue;
      }
      int before = problems.size();
      for (int k = 0; k < 3; k++) {
        if (!ID.matcher(c[k]).matches()) problems.add(at + FEEDER_COLUMNS.get(k) + " '" + c[k] + "': 1-64 letters, digits, or _ . : -");
      }
      long[] w = new long[2];
      for (int k = 0; k < 2; k++) {
        try {
          w[k] = Long.parseLong(c[3 + k]);
          if (w[k] <= 0) problems.add(at + FEEDER_COLUMNS.get(3 + k) + " '" + c[3 + k] + "': positive watts");
        } catch (NumberFormatException e) {
          problems.add(at + FEEDER_COLUMNS.get(3 + k) + " '" + c[3 + k] + "': an integer (watts)");
        }
      }
      if (!ADDRESS.matcher(c[5]).matches()) problems.add(at + "distributor '" + c[5] + "': 0x followed by 40 hex digits");
      if (problems.size() == before && out.containsKey(c[0])) problems.add(at + "feeder " + c[0] + " appears twice in the file");
      if (problems.size() == before) out.put(c[0], new Feeder(c[0], c[1], c[2], w[0], w[1], c[5].toLowerCase(Locale.ROOT)));
    }
    if (!problems.isEmpty()) throw new Invalid(problems);
    if (out.isEmpty()) throw new IllegalArgumentException("no feeders in the file");
    return List.copyOf(out.values());
  }

  /**
   * Registers devices, all checked first: each gets a fresh random 16-byte PSK stored in {@code secretsFile} (mode
   * 600), and the registry row refers to it as {@code file:<abs path>#<deviceId>}.
   */
  static void register(List<Device> devices, Registry registry, Path secretsFile, Instant now) throws IOException {
    Map<String, Feeder> feeders = new LinkedHashMap<>();
    for (Device d : devices) feeders.put(d.feederId(), registry.feeder(d.feederId()).orElseThrow());
    Path abs = secretsFile.toAbsolutePath();
    Properties secrets = DrCommand.load(abs);
    SecureRandom random = new SecureRandom();
    for (Device d : devices) {
      byte[] key = new byte[16];
      random.nextBytes(key);
      secrets.setProperty(d.deviceId(), Base64.getEncoder().encodeToString(key));
    }
    // the keys first: the gateway resolves a device's key when it sees the row
    DrCommand.storePrivate(abs, secrets, "Onder device pre-shared keys (base64). Readable by the gateway's user only.");
    for (Device d : devices) registry.insert(d, feeders.get(d.feederId()), "psk-" + d.deviceId(), "file:" + abs + "#" + d.deviceId(), now);
  }

  // ---------- Cassandra ----------

  static final class CassandraRegistry implements Registry {
    final CqlSession session;
    private final Map<String, Optional<Feeder>> feeders = new java.util.HashMap<>();
    private PreparedStatement insertDevice;

    CassandraRegistry(CqlSession session) {
      this.session = session;
    }

    @Override
    public Optional<Feeder> feeder(String id) {
      return feeders.computeIfAbsent(id, k -> {
        Row r = session.execute(session.prepare("SELECT feeder_id, substation_id, region_id, capacity_w, reverse_flow_limit_w, distributor "
            + "FROM feeders WHERE feeder_id = ?").bind(k)).one();
        return r == null ? Optional.empty() : Optional.of(new Feeder(r.getString(0), r.getString(1), r.getString(2), r.getLong(3), r.getLong(4), r.getString(5)));
      });
    }

    @Override
    public boolean deviceExists(String id) {
      return session.execute(session.prepare("SELECT device_id FROM devices WHERE device_id = ?").bind(id)).one() != null;
    }

    @Override
    public void insert(Device d, Feeder f, String pskIdentity, String ref, Instant now) {
      if (insertDevice == null) {
        insertDevice = session.prepare("INSERT INTO devices (device_id, feeder_id, substation_id, region_id, kind, owner_address, max_import_w, "
            + "max_export_w, flexible_w, storage_milli_wh, psk_identity, psk_secret_ref, revoked, registered_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,false,?)");
      }
      session.execute(insertDevice.bind(d.deviceId(), d.feederId(), f.substationId(), f.regionId(), d.kind(), d.ownerAddress(), d.maxImportW(),
          d.maxExportW(), d.flexibleW(), d.storageMilliWh(), pskIdentity, ref, now));
    }

    @Override
    public void insert(Feeder f) {
      session.execute(session.prepare("INSERT INTO feeders (feeder_id, substation_id, region_id, capacity_w, reverse_flow_limit_w, distributor) "
          + "VALUES (?,?,?,?,?,?)").bind(f.feederId(), f.substationId(), f.regionId(), f.capacityW(), f.reverseFlowLimitW(), f.distributor()));
      feeders.remove(f.feederId());
    }
  }

  /** Options shared by the subcommands: the keyspace and the secrets file. */
  static final class Target {
    @Option(names = "--keyspace", description = "Cassandra keyspace (default: the local stack's, onder)") String keyspace;

    CqlSession session() {
      StackConfig config = StackConfig.local();
      LocalStack stack = new LocalStack(config);
      String ks = keyspace != null ? keyspace : config.get("onder.cassandra.keyspace");
      try {
        return stack.cassandra().session(ks);
      } catch (AllNodesFailedException e) {
        throw new IllegalStateException("Cassandra of the local stack is not reachable at " + stack.cassandra().endpoint() + " (bin/onder stack up)");
      } catch (com.datastax.oss.driver.api.core.InvalidKeyspaceException e) {
        throw new IllegalStateException("keyspace " + ks + " does not exist (bin/onder stack up creates onder)");
      }
    }
  }

  static Path defaultSecrets() {
    return StackConfig.local().runtimeDir().resolve("ingest").resolve("device-psk.properties");
  }

  static List<String> readCsv(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException(file + ": no such file");
    return Files.readAllLines(file);
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Register one device, with a fresh random PSK in the secrets file.")
  static final class Add implements Callable<Integer> {
    @Mixin Target target = new Target();
    @Option(names = "--id", required = true, description = "Device id") String id;
    @Option(names = "--feeder", required = true, description = "Its feeder (must be in the topology)") String feeder;
    @Option(names = "--kind", required = true, description = "meter, pv, battery, ev_charger, heat_pump or load") String kind;
    @Option(names = "--owner", required = true, description = "The owner's address, 0x + 40 hex digits") String owner;
    @Option(names = "--psk-file", paramLabel = "FILE", description = "Secrets file for the key (default .onder/ingest/device-psk.properties)") Path pskFile;
    @Option(names = "--max-import-w", description = "Default by kind") Long maxImport;
    @Option(names = "--max-export-w", description = "Default by kind") Long maxExport;
    @Option(names = "--flexible-w", description = "Default by kind") Long flexible;
    @Option(names = "--storage-milli-wh", description = "Default by kind") Long storage;

    @Override
    public Integer call() throws Exception {
      String k = kind.toLowerCase(Locale.ROOT);
      for (Long v : new Long[] {maxImport, maxExport, flexible, storage}) if (v != null && v < 0) throw new IllegalArgumentException("power and storage figures are never negative");
      try (CqlSession s = target.session()) {
        Registry r = new CassandraRegistry(s);
        List<String> p = check(id, feeder, k, owner, r);
        if (!p.isEmpty()) throw new Invalid(p);
        Path secrets = pskFile != null ? pskFile : defaultSecrets();
        register(List.of(device(id, feeder, k, owner, maxImport, maxExport, flexible, storage)), r, secrets, Instant.now());
        System.out.println("registered " + id + " (" + k + ") on feeder " + feeder + "; its PSK (identity psk-" + id + ") is in " + secrets.toAbsolutePath());
      }
      return 0;
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Register devices from a CSV: device_id,feeder_id,kind,owner_address[,max_import_w,max_export_w,flexible_w,storage_milli_wh]. "
          + "Every row is checked first; one bad row and nothing is written.")
  static final class Import implements Callable<Integer> {
    @Mixin Target target = new Target();
    @Parameters(paramLabel = "CSV") Path csv;
    @Option(names = "--psk-file", paramLabel = "FILE", description = "Secrets file for the keys (default .onder/ingest/device-psk.properties)") Path pskFile;

    @Override
    public Integer call() throws Exception {
      List<String> lines = readCsv(csv);
      try (CqlSession s = target.session()) {
        Registry r = new CassandraRegistry(s);
        List<Device> devices = parseDevices(lines, r);
        Path secrets = pskFile != null ? pskFile : defaultSecrets();
        register(devices, r, secrets, Instant.now());
        System.out.println("registered " + devices.size() + " devices; their PSKs are in " + secrets.toAbsolutePath());
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "The registered devices (no secrets).")
  static final class ListDevices implements Callable<Integer> {
    @Mixin Target target = new Target();
    @Option(names = "--feeder", description = "Only this feeder's devices") String feeder;
    @Option(names = "--limit", description = "At most this many rows (default ${DEFAULT-VALUE})") int limit = 1000;

    @Override
    public Integer call() {
      try (CqlSession s = target.session()) {
        Table t = new Table("device", "kind", "feeder", "substation", "owner", "psk identity", "revoked", "registered");
        int n = 0;
        int shown = 0;
        List<Row> rows = new ArrayList<>();
        for (Row r : s.execute("SELECT device_id, kind, feeder_id, substation_id, owner_address, psk_identity, revoked, registered_at FROM devices")) {
          if (feeder != null && !feeder.equals(r.getString("feeder_id"))) continue;
          rows.add(r);
        }
        rows.sort(java.util.Comparator.comparing(r -> nz(r.getString("device_id"))));
        for (Row r : rows) {
          n++;
          if (shown >= limit) continue;
          shown++;
          t.row(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5), r.getBoolean(6) ? "yes" : "no",
              r.getInstant(7));
        }
        System.out.print(t.render());
        System.out.println(n + " devices" + (shown < n ? " (" + shown + " shown; --limit)" : ""));
      }
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revoke a device: the registry marks it revoked and its key leaves the secrets file; the gateway refuses it from its next registry refresh.")
  static final class Revoke implements Callable<Integer> {
    @Mixin Target target = new Target();
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() throws Exception {
      try (CqlSession s = target.session()) {
        Row r = s.execute(s.prepare("SELECT revoked, psk_secret_ref FROM devices WHERE device_id = ?").bind(id)).one();
        if (r == null) throw new IllegalArgumentException("no device " + id + " (see: bin/onder devices list)");
        if (r.getBoolean(0)) {
          System.out.println(id + " was revoked already");
          return 0;
        }
        s.execute(s.prepare("UPDATE devices SET revoked = true WHERE device_id = ?").bind(id));
        String ref = r.getString(1);
        String keyNote = "";
        if (ref != null && ref.startsWith("file:") && ref.lastIndexOf('#') > 5) {
          Path f = Path.of(ref.substring(5, ref.lastIndexOf('#')));
          String name = ref.substring(ref.lastIndexOf('#') + 1);
          if (Files.isRegularFile(f)) {
            Properties p = DrCommand.load(f);
            if (p.remove(name) != null) {
              DrCommand.storePrivate(f, p, "Onder device pre-shared keys (base64). Readable by the gateway's user only.");
              keyNote = "; its key is removed from " + f;
            }
          }
        }
        System.out.println("revoked " + id + keyNote);
      }
      return 0;
    }
  }

  @Command(name = "feeders-import", mixinStandardHelpOptions = true,
      description = "Import the grid topology from a CSV: feeder_id,substation_id,region_id,capacity_w,reverse_flow_limit_w,distributor "
          + "(a header row is optional). Every row is checked first; existing feeders are updated.")
  static final class FeedersImport implements Callable<Integer> {
    @Mixin Target target = new Target();
    @Parameters(paramLabel = "CSV") Path csv;

    @Override
    public Integer call() throws Exception {
      List<Feeder> feeders = parseFeeders(readCsv(csv));
      try (CqlSession s = target.session()) {
        Registry r = new CassandraRegistry(s);
        for (Feeder f : feeders) r.insert(f);
      }
      Set<String> subs = new java.util.TreeSet<>();
      for (Feeder f : feeders) subs.add(f.substationId());
      System.out.println("imported " + feeders.size() + " feeders under " + subs.size() + " substations (" + String.join(", ", subs) + ")");
      return 0;
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
