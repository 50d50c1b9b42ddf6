package io.onder.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.onder.ingest.dr.UtilityTokens;
import io.onder.stack.StackConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "dr", mixinStandardHelpOptions = true,
    description = "Demand response as a utility sees it: bearer tokens, and a client of the running DR API (bin/onder gateway).",
    subcommands = {DrCommand.Token.class, DrCommand.Trigger.class, DrCommand.ListEvents.class, DrCommand.Cancel.class})
final class DrCommand implements Runnable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Pattern UTILITY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** The tokens file the gateway reads by default: digests only. */
  static Path tokensFile(StackConfig stack) {
    return stack.runtimeDir().resolve("ingest").resolve("dr-tokens.properties");
  }

  /** Writes properties to {@code file} with mode 600, atomically (a temporary file, then a move). */
  static void storePrivate(Path file, Properties p, String comment) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        p.store(out, comment);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static Properties load(Path file) throws IOException {
    Properties p = new Properties();
    if (Files.exists(file)) try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    return p;
  }

  /** The bearer token from its file (first line), never from the command line. */
  static String readToken(Path file) throws IOException {
    if (file == null) throw new IllegalArgumentException("--token-file is required (the token is never passed on the command line)");
    if (!Files.isRegularFile(file)) throw new IllegalArgumentException("--token-file " + file + ": no such file");
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
      System.err.println("warning: " + file + " is readable by others; chmod 600 it");
    }
    String token = Files.readString(file).lines().findFirst().orElse("").strip();
    if (token.isEmpty()) throw new IllegalArgumentException("--token-file " + file + ": empty");
    return token;
  }

  /** Options shared by the API client commands. */
  static final class Api {
    @Option(names = "--url", description = "The DR API (default ${DEFAULT-VALUE})") String url = "http://127.0.0.1:8480";
    @Option(names = "--token-file", paramLabel = "FILE", required = true, description = "File holding the utility's bearer token (mode 600)") Path tokenFile;

    HttpResponse<String> send(String method, String path, String body) throws Exception {
      String token = readToken(tokenFile);
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path)).timeout(Duration.ofSeconds(20))
          .header("Authorization", "Bearer " + token).header("Accept", "application/json");
      if (body != null) b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
      else b.method(method, HttpRequest.BodyPublishers.noBody());
      try {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(b.build(), HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException e) {
        throw new IllegalStateException("the DR API at " + url + " does not answer (is bin/onder gateway running, with a tokens file?)");
      }
    }

    /** The API's error as one line, or null when the call succeeded. */
    static String failure(HttpResponse<String> r) {
      if (r.statusCode() / 100 == 2) return null;
      try {
        JsonNode n = JSON.readTree(r.body());
        return "HTTP " + r.statusCode() + " " + n.path("error").asText("") + ": " + n.path("detail").asText(r.body());
      } catch (Exception notJson) {
        return "HTTP " + r.statusCode();
      }
    }
  }

  static Table eventTable() {
    return new Table("id", "status", "target", "load", "start", "duration", "rate", "version");
  }

  static void addRow(Table t, JsonNode e) {
    JsonNode target = e.path("targets").path(0);
    String load = "";
    String rate = "";
    for (JsonNode p : e.path("intervals").path(0).path("payloads")) {
      String type = p.path("type").asText();
      if (type.equals("PRICE")) rate = p.path("values").path(0).asText();
      else if (type.endsWith("_LOAD_KW")) load = type.substring(0, type.indexOf('_')).toLowerCase(Locale.ROOT) + " " + p.path("values").path(0).asText() + " kW";
    }
    t.row(e.path("id").asText(), e.path("status").asText(), target.path("type").asText() + " " + target.path("values").path(0).asText(), load,
        e.path("intervalPeriod").path("start").asText(), e.path("intervalPeriod").path("duration").asText(), rate, e.path("version").asText());
  }

  @Command(name = "token", mixinStandardHelpOptions = true,
      description = {"Create a random bearer token for a utility; only its SHA-256 is stored (in the gateway's tokens file, mode 600).",
          "The token is printed once (or written to --out, mode 600). The gateway reads the tokens file at start: restart it."})
  static final class Token implements Callable<Integer> {
    @Parameters(paramLabel = "UTILITY", description = "The utility's id (letters, digits, - and _)") String utility;
    @Option(names = "--replace", description = "Replace the utility's existing token") boolean replace;
    @Option(names = "--out", paramLabel = "FILE", description = "Write the token to this new file (mode 600) instead of printing it") Path out;
    @Option(names = "--tokens-file", paramLabel = "FILE", description = "The digests file (default .onder/ingest/dr-tokens.properties)") Path tokensFile;

    @Override
    public Integer call() throws Exception {
      if (!UTILITY_ID.matcher(utility).matches()) throw new IllegalArgumentException("utility id '" + utility + "': 1-64 letters, digits, - or _");
      Path file = tokensFile != null ? tokensFile : tokensFile(StackConfig.local());
      Properties p = load(file);
      String key = "utility." + utility + ".token-sha256";
      if (p.containsKey(key) && !replace) throw new IllegalArgumentException("utility " + utility + " has a token already (--replace to rotate it)");
      if (out != null && Files.exists(out)) throw new IllegalArgumentException("--out " + out + " exists; choose a new file");
      byte[] raw = new byte[32];
      new SecureRandom().nextBytes(raw);
      String token = "odr_" + HexFormat.of().formatHex(raw);
      if (out != null) {
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(Files.createFile(out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), token + "\n");
      }
      p.setProperty(key, UtilityTokens.sha256Hex(token));
      storePrivate(file, p, "Onder DR API: utility bearer tokens as SHA-256 digests (bin/onder dr token). Never a token.");
      System.out.println((replace ? "replaced" : "created") + " the token of utility " + utility + "; its SHA-256 is in " + file.toAbsolutePath());
      if (out != null) {
        System.out.println("token written to " + out.toAbsolutePath() + " (mode 600); use it with --token-file");
      } else {
        System.out.println("token (shown once; keep it in a file of mode 600 and use --token-file):");
        System.out.println(token);
      }
      System.out.println("restart bin/onder gateway so the DR API loads it");
      return 0;
    }
  }

  /** The OpenADR 3 shaped body of an event; checks what can be checked before the API does. */
  static String eventBody(String targetKind, String target, double kw, boolean increase, String start, String duration, long rate, String name) {
    String kind = targetKind.toUpperCase(Locale.ROOT);
    if (!Set.of("FEEDER", "SUBSTATION", "REGION").contains(kind)) throw new IllegalArgumentException("--target-kind: FEEDER, SUBSTATION or REGION");
    if (target == null || target.isBlank()) throw new IllegalArgumentException("--target: the feeder, substation or region id");
    if (!(kw > 0) || Double.isInfinite(kw)) throw new IllegalArgumentException("--kw: a positive number of kW");
    if (rate < 0) throw new IllegalArgumentException("--rate: S* base units per kWh, never negative");
    Instant s;
    try {
      s = Instant.parse(start);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--start '" + start + "': an instant such as 2026-11-21T17:00:00Z");
    }
    Duration d;
    try {
      d = Duration.parse(duration);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--duration '" + duration + "': an ISO 8601 duration such as PT1H");
    }
    if (d.isZero() || d.isNegative()) throw new IllegalArgumentException("--duration: positive");
    ObjectNode o = JSON.createObjectNode();
    o.put("programID", "onder-dr");
    o.put("eventName", name);
    ObjectNode t = o.putArray("targets").addObject();
    t.put("type", kind);
    t.putArray("values").add(target);
    ObjectNode period = o.putObject("intervalPeriod");
    period.put("start", s.toString());
    period.put("duration", d.toString());
    ObjectNode interval = o.putArray("intervals").addObject();
    interval.put("id", 0);
    var payloads = interval.putArray("payloads");
    ObjectNode load = payloads.addObject();
    load.put("type", increase ? "INCREASE_LOAD_KW" : "REDUCE_LOAD_KW");
    load.putArray("values").add(kw);
    ObjectNode price = payloads.addObject();
    price.put("type", "PRICE");
    price.putArray("values").add(rate);
    return o.toString();
  }

  @Command(name = "trigger", mixinStandardHelpOptions = true, description = "Post a DR event (OpenADR 3 shape) to the DR API.")
  static final class Trigger implements Callable<Integer> {
    @Mixin Api api = new Api();
    @Option(names = "--target-kind", required = true, description = "FEEDER, SUBSTATION or REGION") String targetKind;
    @Option(names = "--target", required = true, description = "Its id, as in the feeders table (e.g. S01)") String target;
    @Option(names = "--kw", required = true, description = "kW to shed (or to add with --increase)") double kw;
    @Option(names = "--increase", description = "Ask for more load (INCREASE_LOAD_KW) instead of less") boolean increase;
    @Option(names = "--start", required = true, description = "Start, e.g. 2026-11-21T17:00:00Z") String start;
    @Option(names = "--duration", description = "ISO 8601 (default ${DEFAULT-VALUE})") String duration = "PT1H";
    @Option(names = "--rate", required = true, description = "S* base units per verified kWh") long rate;
    @Option(names = "--name", description = "Event name (default ${DEFAULT-VALUE})") String name = "onder cli";

    @Override
    public Integer call() throws Exception {
      String body = eventBody(targetKind, target, kw, increase, start, duration, rate, name);
      HttpResponse<String> r = api.send("POST", "/events", body);
      String failed = Api.failure(r);
      if (failed != null) {
        System.err.println("onder: event refused: " + failed);
        return 1;
      }
      Table t = eventTable();
      addRow(t, JSON.readTree(r.body()));
      System.out.print(t.render());
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "The utility's DR events.")
  static final class ListEvents implements Callable<Integer> {
    @Mixin Api api = new Api();

    @Override
    public Integer call() throws Exception {
      HttpResponse<String> r = api.send("GET", "/events", null);
      String failed = Api.failure(r);
      if (failed != null) {
        System.err.println("onder: " + failed);
        return 1;
      }
      JsonNode n = JSON.readTree(r.body());
      JsonNode events = n.isArray() ? n : n.path("events");
      Table t = eventTable();
      for (JsonNode e : events) addRow(t, e);
      System.out.print(t.render());
      System.out.println(events.size() + " events");
      return 0;
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a DR event.")
  static final class Cancel implements Callable<Integer> {
    @Parameters(paramLabel = "ID", description = "The event's id (bin/onder dr list)") String id;
    @Mixin Api api = new Api();

    @Override
    public Integer call() throws Exception {
      HttpResponse<String> r = api.send("DELETE", "/events/" + URLEncoder.encode(id, StandardCharsets.UTF_8), null);
      String failed = Api.failure(r);
      if (failed != null) {
        System.err.println("onder: cannot cancel " + id + ": " + failed);
        return 1;
      }
      Table t = eventTable();
      if (!r.body().isBlank()) addRow(t, JSON.readTree(r.body()));
      System.out.print(t.render());
      return 0;
    }
  }
}
