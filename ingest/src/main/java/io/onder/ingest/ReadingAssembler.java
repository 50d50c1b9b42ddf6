package io.onder.ingest;

import io.onder.ingest.senml.SenmlRecord;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns resolved SenML records of one authenticated device into readings: one reading per distinct time.
 *
 * <p>Names (after the base name, see {@link #localName}) and units:
 * <pre>
 *   seq        (no unit)   the device's sequence number of the reading at that time; required, integer &ge; 0
 *   import     kWh | Wh    cumulative import register
 *   export     kWh | Wh    cumulative export register
 *   power      W | kW      average power, positive is import
 *   soc        % | %EL     battery state of charge, 0..100
 *   voltage    V           0..100000
 *   frequency  Hz          0..1000
 *   src        vs          source of exported energy: pv wind hydro battery v2g chp diesel grid unknown
 *   reset      vb          true: the registers restarted at this reading
 * </pre>
 * A base name may only name the authenticated device: {@code <deviceId>:} or {@code urn:dev:onder:<deviceId>:}
 * ("/" works as the separator too). Anything else naming a device is refused.
 */
public final class ReadingAssembler {
  public static final Set<String> SOURCES = Set.of("unknown", "pv", "wind", "hydro", "battery", "v2g", "chp", "diesel", "grid");
  private static final String URN = "urn:dev:onder:";
  private static final double MAX_REGISTER_KWH = 1e9; // far beyond any meter, well inside a long of mWh

  private final Clock clock;
  private final Duration maxSkew;
  private final Duration horizon;

  public ReadingAssembler(Clock clock, Duration maxSkew, Duration horizon) {
    this.clock = clock;
    this.maxSkew = maxSkew;
    this.horizon = horizon;
  }

  /** The readings of one request, sorted by sequence number; throws at the first bad record. */
  public List<Reading> assemble(String deviceId, List<SenmlRecord> records) throws BadInput {
    long now = clock.millis();
    Map<Long, Builder> byTime = new LinkedHashMap<>();
    for (SenmlRecord r : records) {
      String local = localName(deviceId, r);
      if (r.timeMillis() > now + maxSkew.toMillis()) {
        throw BadInput.bad("future", label(r, local) + ": time is " + (r.timeMillis() - now) / 1000 + " s in the future (at most " + maxSkew.toSeconds() + " s allowed)");
      }
      if (r.timeMillis() < now - horizon.toMillis()) {
        throw BadInput.bad("too_old", label(r, local) + ": time is older than the " + horizon.toHours() + " h horizon");
      }
      Builder b = byTime.computeIfAbsent(r.timeMillis(), t -> new Builder(r.index(), t));
      b.add(r, local);
    }
    List<Reading> out = new ArrayList<>(byTime.size());
    for (Builder b : byTime.values()) out.add(b.build(deviceId));
    out.sort(Comparator.comparingLong(Reading::seq));
    for (int i = 1; i < out.size(); i++) {
      Reading prev = out.get(i - 1);
      Reading cur = out.get(i);
      if (prev.seq() == cur.seq()) throw BadInput.bad("seq_repeated", "seq " + cur.seq() + " is used by two different times in this request");
      String why = decreasing(prev.importMilliWh(), prev.exportMilliWh(), cur);
      if (why != null) throw BadInput.bad("register_decreasing", "reading seq " + cur.seq() + ": " + why + " below seq " + prev.seq());
    }
    return out;
  }

  /** Null when {@code cur}'s registers do not go below the given ones (or it reports a meter reset). */
  public static String decreasing(Long lastImport, Long lastExport, Reading cur) {
    if (cur.meterReset()) return null;
    if (lastImport != null && cur.importMilliWh() != null && cur.importMilliWh() < lastImport) return "import register decreases without a meter reset";
    if (lastExport != null && cur.exportMilliWh() != null && cur.exportMilliWh() < lastExport) return "export register decreases without a meter reset";
    return null;
  }

  /** The record's name without the device prefix; refuses a prefix naming anyone but {@code deviceId}. */
  static String localName(String deviceId, SenmlRecord r) throws BadInput {
    String name = r.name();
    int sep = Math.max(name.lastIndexOf(':'), name.lastIndexOf('/'));
    if (sep < 0) return name;
    String prefix = name.substring(0, sep);
    String local = name.substring(sep + 1);
    String named = prefix.startsWith(URN) ? prefix.substring(URN.length()) : prefix;
    if (!named.equals(deviceId)) {
      throw new BadInput(BadInput.Kind.FORBIDDEN, "other_device",
          r.label() + ": the name prefix does not name this device (the DTLS identity decides who is posting)");
    }
    return local;
  }

  private static String label(SenmlRecord r, String local) {
    return "record[" + r.index() + "] (" + local + ")";
  }

  private static final class Builder {
    private final int firstIndex;
    private final long time;
    private Long seq;
    private Long imp;
    private Long exp;
    private boolean reset;
    private Double power;
    private Double soc;
    private Double voltage;
    private Double frequency;
    private String src;
    private int seen; // a bit per name already given at this time (nameBit)

    Builder(int firstIndex, long time) {
      this.firstIndex = firstIndex;
      this.time = time;
    }

    void add(SenmlRecord r, String local) throws BadInput {
      String at = label(r, local);
      int bit = nameBit(local);
      if ((seen & bit) != 0) throw BadInput.bad("repeated_name", at + ": '" + local + "' appears twice at the same time");
      seen |= bit;
      String u = r.unit();
      switch (local) {
        case "seq" -> {
          noUnit(at, u);
          double v = number(r, at);
          if (v < 0 || v != Math.rint(v) || v > 9.007199254740991E15) throw BadInput.bad("seq", at + ": seq must be an integer >= 0");
          seq = (long) v;
        }
        case "import" -> imp = register(r, at);
        case "export" -> exp = register(r, at);
        case "power" -> {
          double v = number(r, at);
          if ("W".equals(u)) power = v;
          else if ("kW".equals(u)) power = v * 1000;
          else throw unit(at, u, "W or kW");
          if (Math.abs(power) > 1e9) throw BadInput.bad("range", at + ": power out of range");
        }
        case "soc" -> {
          if (!"%".equals(u) && !"%EL".equals(u)) throw unit(at, u, "% or %EL");
          soc = range(number(r, at), 0, 100, at);
        }
        case "voltage" -> {
          if (!"V".equals(u)) throw unit(at, u, "V");
          voltage = range(number(r, at), 0, 100_000, at);
        }
        case "frequency" -> {
          if (!"Hz".equals(u)) throw unit(at, u, "Hz");
          frequency = range(number(r, at), 0, 1000, at);
        }
        case "src" -> {
          noUnit(at, u);
          if (r.stringValue() == null) throw BadInput.bad("type", at + ": src is a string value (vs)");
          if (!SOURCES.contains(r.stringValue())) throw BadInput.bad("src", at + ": unknown source; one of " + new java.util.TreeSet<>(SOURCES));
          src = r.stringValue();
        }
        case "reset" -> {
          noUnit(at, u);
          if (r.boolValue() == null) throw BadInput.bad("type", at + ": reset is a boolean value (vb)");
          reset = r.boolValue();
        }
        default -> throw BadInput.bad("unknown_name", at + ": unknown name; known: seq import export power soc voltage frequency src reset");
      }
    }

    /** The bit of a known name, 0 for another (refused as unknown). */
    private static int nameBit(String local) {
      return switch (local) {
        case "seq" -> 1; case "import" -> 1 << 1; case "export" -> 1 << 2; case "power" -> 1 << 3; case "soc" -> 1 << 4;
        case "voltage" -> 1 << 5; case "frequency" -> 1 << 6; case "src" -> 1 << 7; case "reset" -> 1 << 8;
        default -> 0;
      };
    }

    Reading build(String deviceId) throws BadInput {
      if (seq == null) throw BadInput.bad("no_seq", "record[" + firstIndex + "]: the reading at this time has no seq record");
      if (Integer.bitCount(seen) == 1) throw BadInput.bad("no_measurement", "record[" + firstIndex + "]: the reading seq " + seq + " has no measurement");
      return new Reading(deviceId, seq, time, imp, exp, reset, power, soc, voltage, frequency, src);
    }

    private static Long register(SenmlRecord r, String at) throws BadInput {
      double v = number(r, at);
      double kwh;
      if ("kWh".equals(r.unit())) kwh = v;
      else if ("Wh".equals(r.unit())) kwh = v / 1000;
      else throw unit(at, r.unit(), "kWh or Wh");
      if (kwh < 0) throw BadInput.bad("range", at + ": a register is never negative");
      if (kwh > MAX_REGISTER_KWH) throw BadInput.bad("range", at + ": register out of range");
      return "kWh".equals(r.unit()) ? Math.round(v * 1_000_000d) : Math.round(v * 1000d);
    }

    private static double number(SenmlRecord r, String at) throws BadInput {
      if (r.value() == null) throw BadInput.bad("type", at + ": needs a numeric value (v)");
      return r.value();
    }

    private static double range(double v, double lo, double hi, String at) throws BadInput {
      if (v < lo || v > hi) throw BadInput.bad("range", at + ": value out of range [" + (long) lo + ", " + (long) hi + "]");
      return v;
    }

    private static void noUnit(String at, String u) throws BadInput {
      if (u != null && !u.isEmpty()) throw BadInput.bad("unit", at + ": takes no unit, got '" + SenmlUnit.clip(u) + "'");
    }

    private static BadInput unit(String at, String u, String expected) {
      return BadInput.bad("unit", at + ": unit " + (u == null ? "missing" : "'" + SenmlUnit.clip(u) + "'") + ", expected " + expected);
    }
  }

  private static final class SenmlUnit {
    static String clip(String s) {
      return s.length() <= 16 ? s : s.substring(0, 16) + "…";
    }
  }
}
