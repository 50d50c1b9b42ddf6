package io.onder.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * At least a hundred requests the gateway must refuse, each with the refusal it must get. Shared by the unit test
 * (service level) and the integration test (over DTLS, against the real Kafka). The device is {@link #DEVICE};
 * times are around {@link #NOW_S}, which the unit test fixes and the integration test sets to the real clock.
 */
public final class BadInputCorpus {
  public static final String DEVICE = "dev-a";

  /** One bad request. */
  public record Case(String label, int format, byte[] payload, BadInput.Kind expected) {
    @Override
    public String toString() {
      return label;
    }
  }

  private BadInputCorpus() {}

  public static List<Case> all(long nowS, int maxRecords) {
    List<Case> c = new ArrayList<>();
    String seq = "{'n':'seq','v':1}";
    String t = "'bt':" + nowS + ",";
    BadInput.Kind bad = BadInput.Kind.BAD_REQUEST;
    // --- JSON syntax (never reach the SenML rules) ---
    raw(c, "empty payload", 110, "", bad);
    raw(c, "unclosed object", 110, "[{", bad);
    raw(c, "unclosed array", 110, "[", bad);
    raw(c, "garbage", 110, "hello", bad);
    raw(c, "NaN token", 110, "[{\"n\":\"seq\",\"v\":1},{\"n\":\"import\",\"u\":\"kWh\",\"v\":NaN}]", bad);
    raw(c, "Infinity token", 110, "[{\"n\":\"seq\",\"v\":1},{\"n\":\"import\",\"u\":\"kWh\",\"v\":Infinity}]", bad);
    raw(c, "-Infinity token", 110, "[{\"n\":\"seq\",\"v\":1},{\"n\":\"power\",\"u\":\"W\",\"v\":-Infinity}]", bad);
    raw(c, "trailing garbage", 110, "[{\"n\":\"seq\",\"v\":1},{\"n\":\"power\",\"u\":\"W\",\"v\":1}] x", bad);
    raw(c, "two packs", 110, "[{\"n\":\"seq\",\"v\":1}][{\"n\":\"seq\",\"v\":2}]", bad);
    raw(c, "duplicate key", 110, "[{\"n\":\"seq\",\"v\":1,\"v\":2}]", bad);
    raw(c, "duplicate unknown key", 110, "[{\"n\":\"seq\",\"v\":1,\"x\":1,\"x\":2}]", bad);
    raw(c, "duplicate base key", 110, "[{\"bn\":\"a\",\"bn\":\"b\",\"n\":\"seq\",\"v\":1}]", bad);
    raw(c, "single quotes", 110, "[{'n':'seq','v':1}]", bad);
    raw(c, "trailing comma", 110, "[{\"n\":\"seq\",\"v\":1},]", bad);
    raw(c, "unquoted key", 110, "[{n:\"seq\",v:1}]", bad);
    raw(c, "comment", 110, "[/* x */{\"n\":\"seq\",\"v\":1}]", bad);
    raw(c, "leading zero number", 110, "[{\"n\":\"seq\",\"v\":01}]", bad);
    raw(c, "hex number", 110, "[{\"n\":\"seq\",\"v\":0x1}]", bad);
    raw(c, "deep nesting", 110, "[".repeat(100) + "]".repeat(100), bad);
    raw(c, "invalid utf-8", 110, new byte[] {'[', '{', '"', 'n', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', ']'}, bad);
    raw(c, "not json at all (cbor bytes)", 110, new byte[] {(byte) 0x81, (byte) 0xa0}, bad);
    // --- content formats ---
    raw(c, "application/json instead of senml", 50, "[{\"n\":\"seq\",\"v\":1}]", BadInput.Kind.UNSUPPORTED_FORMAT);
    raw(c, "text/plain", 0, "[{\"n\":\"seq\",\"v\":1}]", BadInput.Kind.UNSUPPORTED_FORMAT);
    raw(c, "application/cbor instead of senml", 60, "[]", BadInput.Kind.UNSUPPORTED_FORMAT);
    raw(c, "senml+xml", 310, "<sensml/>", BadInput.Kind.UNSUPPORTED_FORMAT);
    raw(c, "no content format", -1, "[]", BadInput.Kind.UNSUPPORTED_FORMAT);
    // --- SenML structure and types (each also sent as CBOR below) ---
    List<String[]> senml = new ArrayList<>();
    s(senml, "not an array", "{'n':'seq','v':1}");
    s(senml, "empty pack", "[]");
    s(senml, "base fields only", "[{'bn':'dev-a:','bt':" + nowS + "}]");
    s(senml, "empty record", "[{'n':'seq','v':1},{}]");
    s(senml, "record is a number", "[1]");
    s(senml, "record is a string", "['seq']");
    s(senml, "record is an array", "[[1]]");
    s(senml, "value is a string", "[" + seq + ",{'n':'import','u':'kWh','v':'12'}]");
    s(senml, "value is null", "[" + seq + ",{'n':'import','u':'kWh','v':null}]");
    s(senml, "value is an object", "[" + seq + ",{'n':'import','u':'kWh','v':{}}]");
    s(senml, "name is a number", "[" + seq + ",{'n':5,'u':'kWh','v':1}]");
    s(senml, "unit is a number", "[" + seq + ",{'n':'import','u':1,'v':1}]");
    s(senml, "time is a string", "[{'n':'seq','v':1,'t':'now'},{'n':'power','u':'W','v':1}]");
    s(senml, "base time is a string", "[{'bt':'now','n':'seq','v':1},{'n':'power','u':'W','v':1}]");
    s(senml, "base name is a number", "[{'bn':7,'n':'seq','v':1},{'n':'power','u':'W','v':1}]");
    s(senml, "base value is a string", "[{'bv':'1','n':'seq','v':1},{'n':'power','u':'W','v':1}]");
    s(senml, "vb is a string", "[" + seq + ",{'n':'reset','vb':'true'}]");
    s(senml, "two values", "[" + seq + ",{'n':'power','u':'W','v':1,'vs':'x'}]");
    s(senml, "no value", "[" + seq + ",{'n':'power','u':'W'}]");
    s(senml, "data value", "[" + seq + ",{'n':'power','u':'W','vd':'AAE'}]");
    s(senml, "sum instead of value", "[" + seq + ",{'n':'import','u':'kWh','s':5}]");
    s(senml, "must-understand field", "[" + seq + ",{'n':'power','u':'W','v':1,'foo_':1}]");
    s(senml, "senml version 99", "[{'bver':99,'n':'seq','v':1},{'n':'power','u':'W','v':1}]");
    s(senml, "no name at all", "[" + seq + ",{'u':'W','v':1}]");
    s(senml, "name with a space", "[" + seq + ",{'n':'po wer','u':'W','v':1}]");
    s(senml, "name starting with a dash", "[" + seq + ",{'n':'-power','u':'W','v':1}]");
    s(senml, "name with unicode", "[" + seq + ",{'n':'pöwer','u':'W','v':1}]");
    // --- names and units ---
    s(senml, "unknown name", "[" + seq + ",{'n':'temperature','u':'Cel','v':21}]");
    s(senml, "abbreviated name", "[" + seq + ",{'n':'imp','u':'kWh','v':1}]");
    s(senml, "import in W", "[" + seq + ",{'n':'import','u':'W','v':1}]");
    s(senml, "import in lower-case kwh", "[" + seq + ",{'n':'import','u':'kwh','v':1}]");
    s(senml, "import in J", "[" + seq + ",{'n':'import','u':'J','v':1}]");
    s(senml, "import without unit", "[" + seq + ",{'n':'import','v':1}]");
    s(senml, "export in kW", "[" + seq + ",{'n':'export','u':'kW','v':1}]");
    s(senml, "power in kWh", "[" + seq + ",{'n':'power','u':'kWh','v':1}]");
    s(senml, "power in VA", "[" + seq + ",{'n':'power','u':'VA','v':1}]");
    s(senml, "soc in V", "[" + seq + ",{'n':'soc','u':'V','v':50}]");
    s(senml, "soc as ratio", "[" + seq + ",{'n':'soc','u':'/','v':0.5}]");
    s(senml, "voltage in mV", "[" + seq + ",{'n':'voltage','u':'mV','v':230000}]");
    s(senml, "frequency in kHz", "[" + seq + ",{'n':'frequency','u':'kHz','v':0.05}]");
    s(senml, "seq with a unit", "[{'n':'seq','u':'count','v':1},{'n':'power','u':'W','v':1}]");
    s(senml, "src with a unit", "[" + seq + ",{'n':'src','u':'W','vs':'pv'}]");
    s(senml, "base unit applied to seq", "[{'bu':'W','n':'seq','v':1},{'n':'power','v':1}]");
    s(senml, "unknown source", "[" + seq + ",{'n':'src','vs':'coal'}]");
    s(senml, "source as number", "[" + seq + ",{'n':'src','v':1}]");
    s(senml, "source in upper case", "[" + seq + ",{'n':'src','vs':'PV'}]");
    s(senml, "reset as number", "[" + seq + ",{'n':'reset','v':1}]");
    s(senml, "import as boolean", "[" + seq + ",{'n':'import','u':'kWh','vb':true}]");
    // --- numbers and ranges ---
    s(senml, "overflowing double is infinite", "[" + seq + ",{'n':'import','u':'kWh','v':1e400}]");
    s(senml, "overflowing base value", "[{'bv':1e400,'n':'seq','v':1},{'n':'power','u':'W','v':1}]");
    s(senml, "overflowing time", "[{'n':'seq','v':1,'t':1e400},{'n':'power','u':'W','v':1}]");
    s(senml, "negative import", "[" + seq + ",{'n':'import','u':'kWh','v':-1}]");
    s(senml, "negative export in Wh", "[" + seq + ",{'n':'export','u':'Wh','v':-0.5}]");
    s(senml, "absurd register", "[" + seq + ",{'n':'import','u':'kWh','v':1e12}]");
    s(senml, "absurd power", "[" + seq + ",{'n':'power','u':'kW','v':1e9}]");
    s(senml, "soc above 100", "[" + seq + ",{'n':'soc','u':'%','v':100.5}]");
    s(senml, "soc below 0", "[" + seq + ",{'n':'soc','u':'%EL','v':-1}]");
    s(senml, "negative voltage", "[" + seq + ",{'n':'voltage','u':'V','v':-230}]");
    s(senml, "frequency of 5 kHz", "[" + seq + ",{'n':'frequency','u':'Hz','v':5000}]");
    s(senml, "negative seq", "[{'n':'seq','v':-1},{'n':'power','u':'W','v':1}]");
    s(senml, "fractional seq", "[{'n':'seq','v':1.5},{'n':'power','u':'W','v':1}]");
    s(senml, "seq beyond 2^53", "[{'n':'seq','v':1e17},{'n':'power','u':'W','v':1}]");
    s(senml, "seq as string", "[{'n':'seq','vs':'1'},{'n':'power','u':'W','v':1}]");
    // --- grouping, seq ---
    s(senml, "no seq", "[{'n':'power','u':'W','v':1}]");
    s(senml, "only seq", "[{'n':'seq','v':1}]");
    s(senml, "second time has no seq", "[{" + t + "'n':'seq','v':1},{'n':'power','u':'W','v':1},{'n':'power','u':'W','v':2,'t':-10}]");
    s(senml, "same seq at two times", "[{" + t + "'n':'seq','v':1},{'n':'power','u':'W','v':1},{'n':'seq','v':1,'t':-10},{'n':'power','u':'W','v':2,'t':-10}]");
    s(senml, "two seqs at one time", "[{'n':'seq','v':1},{'n':'seq','v':2},{'n':'power','u':'W','v':1}]");
    s(senml, "import twice at one time", "[" + seq + ",{'n':'import','u':'kWh','v':1},{'n':'import','u':'kWh','v':2}]");
    s(senml, "import decreases within the pack",
        "[{" + t + "'n':'seq','v':1,'t':-60},{'n':'import','u':'kWh','v':5,'t':-60},{'n':'seq','v':2},{'n':'import','u':'kWh','v':4.9}]");
    s(senml, "export decreases within the pack",
        "[{" + t + "'n':'seq','v':1,'t':-60},{'n':'export','u':'Wh','v':500,'t':-60},{'n':'seq','v':2},{'n':'export','u':'Wh','v':499}]");
    s(senml, "decrease hidden by time order",
        "[{" + t + "'n':'seq','v':2,'t':-60},{'n':'import','u':'kWh','v':5,'t':-60},{'n':'seq','v':3},{'n':'import','u':'kWh','v':4}]");
    s(senml, "reset flag false does not excuse a decrease",
        "[{" + t + "'n':'seq','v':1,'t':-60},{'n':'import','u':'kWh','v':5,'t':-60},{'n':'seq','v':2},{'n':'import','u':'kWh','v':4},{'n':'reset','vb':false}]");
    // --- time ---
    s(senml, "an hour in the future", "[{'bt':" + (nowS + 3600) + ",'n':'seq','v':1},{'n':'power','u':'W','v':1}]");
    s(senml, "relative time in the future", "[{'n':'seq','v':1,'t':3600},{'n':'power','u':'W','v':1,'t':3600}]");
    s(senml, "a year in the future", "[{'bt':" + (nowS + 31_536_000) + ",'n':'seq','v':1},{'n':'power','u':'W','v':1}]");
    s(senml, "thirty days ago", "[{'bt':" + (nowS - 30 * 86_400) + ",'n':'seq','v':1},{'n':'power','u':'W','v':1}]");
    s(senml, "relative thirty days ago", "[{'n':'seq','v':1,'t':-2592000},{'n':'power','u':'W','v':1,'t':-2592000}]");
    s(senml, "1978", "[{'bt':268435456,'n':'seq','v':1},{'n':'power','u':'W','v':1}]");
    s(senml, "milliseconds taken for seconds", "[{'bt':" + (nowS * 1000) + ",'n':'seq','v':1},{'n':'power','u':'W','v':1}]");
    s(senml, "one record far in the future", "[{" + t + "'n':'seq','v':1},{'n':'power','u':'W','v':1},{'n':'seq','v':2,'t':86400},{'n':'power','u':'W','v':1,'t':86400}]");
    // --- identity ---
    s(senml, "base name of another device", "[{'bn':'dev-b:','n':'seq','v':1},{'n':'power','u':'W','v':1}]");
    s(senml, "urn of another device", "[{'bn':'urn:dev:onder:dev-b:','n':'seq','v':1},{'n':'power','u':'W','v':1}]");
    s(senml, "name prefixed with another device", "[" + seq + ",{'n':'dev-b/power','u':'W','v':1}]");
    s(senml, "second record switches device", "[{'bn':'dev-a:','n':'seq','v':1},{'bn':'dev-b:','n':'power','u':'W','v':1}]");
    s(senml, "device id prefix of another", "[{'bn':'dev-a2:','n':'seq','v':1},{'n':'power','u':'W','v':1}]");
    s(senml, "device id with a suffix", "[{'bn':'xdev-a:','n':'seq','v':1},{'n':'power','u':'W','v':1}]");
    s(senml, "nested device path", "[{'bn':'dev-b:dev-a:','n':'seq','v':1},{'n':'power','u':'W','v':1}]");
    // --- size ---
    StringBuilder huge = new StringBuilder("[{'n':'seq','v':1}");
    for (int i = 0; i < maxRecords; i++) huge.append(",{'n':'power','u':'W','v':").append(i).append(",'t':-").append(i).append('}');
    s(senml, "pack with more records than allowed", huge.append(']').toString());
    for (String[] x : senml) {
      boolean other = x[0].contains("another") || x[0].contains("switches device") || x[0].contains("device id")
          || x[0].contains("nested device");
      BadInput.Kind k = x[0].startsWith("pack with more") ? BadInput.Kind.TOO_LARGE : other ? BadInput.Kind.FORBIDDEN : bad;
      c.add(new Case("json: " + x[0], 110, Packs.json(x[1]), k));
      if (!x[0].startsWith("overflowing")) c.add(new Case("cbor: " + x[0], 112, Packs.cbor(x[1]), k));
    }
    // --- CBOR syntax and CBOR-only values ---
    byte[] good = Packs.cbor(Packs.reading(DEVICE, 1, nowS, 1, 0));
    for (int cut : new int[] {1, 2, 5, good.length / 2, good.length - 1}) {
      c.add(new Case("cbor truncated at " + cut, 112, java.util.Arrays.copyOf(good, cut), bad));
    }
    c.add(new Case("cbor lone break", 112, new byte[] {(byte) 0xff}, bad));
    c.add(new Case("cbor reserved additional info", 112, new byte[] {(byte) 0x1c}, bad));
    c.add(new Case("cbor unterminated indefinite array", 112, new byte[] {(byte) 0x9f, (byte) 0xa0}, bad));
    c.add(new Case("cbor empty payload", 112, new byte[0], bad));
    c.add(new Case("cbor trailing bytes", 112, concat(good, new byte[] {0x01}), bad));
    c.add(new Case("cbor NaN half float", 112, cborValue(new byte[] {(byte) 0xf9, 0x7e, 0x00}), bad));
    c.add(new Case("cbor +Infinity half float", 112, cborValue(new byte[] {(byte) 0xf9, 0x7c, 0x00}), bad));
    c.add(new Case("cbor -Infinity double", 112, cborValue(new byte[] {(byte) 0xfb, (byte) 0xff, (byte) 0xf0, 0, 0, 0, 0, 0, 0}), bad));
    c.add(new Case("cbor NaN double", 112, cborValue(new byte[] {(byte) 0xfb, 0x7f, (byte) 0xf8, 0, 0, 0, 0, 0, 0}), bad));
    c.add(new Case("cbor byte string value", 112, cborValue(new byte[] {0x42, 0x01, 0x02}), bad));
    c.add(new Case("cbor undefined value", 112, cborValue(new byte[] {(byte) 0xf7}), bad));
    // [{0:"seq",2:1,2:2}] and [{0:"seq",2:1,"v":2}]: a label twice, and a label with its text name
    c.add(new Case("cbor label twice", 112, new byte[] {(byte) 0x81, (byte) 0xa3, 0x00, 0x63, 's', 'e', 'q', 0x02, 0x01, 0x02, 0x02}, bad));
    c.add(new Case("cbor label and its name", 112, new byte[] {(byte) 0x81, (byte) 0xa3, 0x00, 0x63, 's', 'e', 'q', 0x02, 0x01, 0x61, 'v', 0x02}, bad));
    return c;
  }

  /** [{0:"seq",2:1},{0:"power",1:"W",2:<value>}] with the raw CBOR bytes of value. */
  private static byte[] cborValue(byte[] value) {
    byte[] head = {(byte) 0x82, (byte) 0xa2, 0x00, 0x63, 's', 'e', 'q', 0x02, 0x01,
        (byte) 0xa3, 0x00, 0x65, 'p', 'o', 'w', 'e', 'r', 0x01, 0x61, 'W', 0x02};
    return concat(head, value);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static void raw(List<Case> c, String label, int format, String payload, BadInput.Kind k) {
    raw(c, label, format, payload.getBytes(StandardCharsets.UTF_8), k);
  }

  private static void raw(List<Case> c, String label, int format, byte[] payload, BadInput.Kind k) {
    c.add(new Case("json: " + label, format, payload, k));
  }

  private static void s(List<String[]> l, String label, String pack) {
    l.add(new String[] {label, pack});
  }
}
