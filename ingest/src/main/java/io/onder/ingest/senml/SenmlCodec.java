package io.onder.ingest.senml;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.onder.ingest.BadInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Decodes a SenML pack (RFC 8428) in JSON (content-format 110) or CBOR (112) and resolves base values. Syntax is
 * Jackson's job (jackson-databind and jackson-dataformat-cbor); this class only applies the SenML rules: field
 * types, base name/time/unit/value/sum, relative times, the name character set and must-understand fields.
 */
public final class SenmlCodec {
  public static final int SENML_JSON = 110;
  public static final int SENML_CBOR = 112;

  /**
   * The SenML fields, by index, in the order of RFC 8428's table (section 6): the base fields take CBOR labels -1 to
   * -6, the others 0 to 8.
   */
  private static final String[] FIELDS = {"bver", "bn", "bt", "bu", "bv", "bs", "n", "u", "v", "vs", "vb", "s", "t", "ut", "vd"};
  private static final int BVER = 0, BN = 1, BT = 2, BU = 3, BV = 4, BS = 5, N = 6, U = 7, V = 8, VS = 9, VB = 10, S = 11, T = 12,
      VD = 14;
  /** Fields below this index are base fields. */
  private static final int FIRST_RECORD_FIELD = N;
  /** A field's index by its JSON name; by its CBOR label or its name (a text label is read as in JSON). */
  private static final Map<String, Integer> JSON_FIELD = new java.util.HashMap<>(), CBOR_FIELD = new java.util.HashMap<>();

  static {
    for (int i = 0; i < FIELDS.length; i++) {
      JSON_FIELD.put(FIELDS[i], i);
      CBOR_FIELD.put(FIELDS[i], i);
      CBOR_FIELD.put(Integer.toString(i < FIRST_RECORD_FIELD ? -(i + 1) : i - FIRST_RECORD_FIELD), i);
    }
  }

  /** RFC 8428 section 4.5.1: {@code [A-Za-z0-9][A-Za-z0-9\-:./_]*}. */
  public static boolean validName(String name) {
    if (name.isEmpty() || !alphanumeric(name.charAt(0))) return false;
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!alphanumeric(c) && c != '-' && c != ':' && c != '.' && c != '/' && c != '_') return false;
    }
    return true;
  }

  private static boolean alphanumeric(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  /** Times below 2**28 seconds are relative to now (RFC 8428 section 4.5.3). */
  private static final double RELATIVE_LIMIT_S = 268_435_456d;
  private static final int SENML_VERSION = 10;

  private final ObjectMapper json;
  private final ObjectMapper cbor;
  private final int maxRecords;

  public SenmlCodec(int maxRecords) {
    this.maxRecords = maxRecords;
    StreamReadConstraints limits = StreamReadConstraints.builder().maxNestingDepth(8).maxNumberLength(64)
        .maxStringLength(4096).build();
    com.fasterxml.jackson.core.JsonFactory jf = com.fasterxml.jackson.core.JsonFactory.builder()
        .streamReadConstraints(limits).build();
    jf.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    this.json = new ObjectMapper(jf).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    CBORFactory cf = CBORFactory.builder().streamReadConstraints(limits).build();
    cf.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    this.cbor = new ObjectMapper(cf).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /** Decodes and resolves a pack; {@code nowMillis} anchors relative times. */
  public List<SenmlRecord> decode(int contentFormat, byte[] payload, long nowMillis) throws BadInput {
    boolean isCbor;
    if (contentFormat == SENML_JSON) isCbor = false;
    else if (contentFormat == SENML_CBOR) isCbor = true;
    else throw new BadInput(BadInput.Kind.UNSUPPORTED_FORMAT, "format",
        "content-format " + contentFormat + " is not application/senml+json (110) or application/senml+cbor (112)");
    JsonNode root;
    try {
      root = (isCbor ? cbor : json).readTree(payload);
    } catch (JsonProcessingException e) {
      throw BadInput.bad("syntax", "malformed " + (isCbor ? "CBOR" : "JSON") + ": " + e.getOriginalMessage());
    } catch (IOException | RuntimeException e) {
      throw BadInput.bad("syntax", "malformed " + (isCbor ? "CBOR" : "JSON") + ": " + e.getMessage());
    }
    if (root == null || root.isMissingNode()) throw BadInput.bad("syntax", "empty payload");
    if (!root.isArray()) throw BadInput.bad("syntax", "a SenML pack is an array of records");
    if (root.isEmpty()) throw BadInput.bad("empty", "the pack has no records");
    if (root.size() > maxRecords) {
      throw new BadInput(BadInput.Kind.TOO_LARGE, "too_many_records",
          "the pack has " + root.size() + " records; at most " + maxRecords + " are accepted");
    }
    List<SenmlRecord> out = new ArrayList<>(root.size());
    String bn = "";
    double bt = 0;
    String bu = null;
    double bv = 0;
    JsonNode[] f = new JsonNode[FIELDS.length]; // the current record's fields, by index
    for (int i = 0; i < root.size(); i++) {
      JsonNode raw = root.get(i);
      String at = "record[" + i + "]";
      if (!raw.isObject()) throw BadInput.bad("syntax", at + ": a record is a map");
      java.util.Arrays.fill(f, null);
      boolean recordFields = false;
      String notUnderstood = null;
      for (Iterator<Map.Entry<String, JsonNode>> it = raw.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        Integer k = (isCbor ? CBOR_FIELD : JSON_FIELD).get(e.getKey());
        if (k == null) {
          // an unknown field is ignored unless its name says it must be understood (RFC 8428 section 4.4)
          if (notUnderstood == null && e.getKey().endsWith("_")) notUnderstood = e.getKey();
          recordFields = true;
          continue;
        }
        // JSON refuses a repeated name as it parses; in CBOR a label and its text name can both appear
        if (f[k] != null) throw BadInput.bad("syntax", at + ": field '" + FIELDS[k] + "' appears twice");
        f[k] = e.getValue();
        recordFields |= k >= FIRST_RECORD_FIELD;
      }
      if (notUnderstood != null) throw BadInput.bad("must_understand", at + ": field '" + notUnderstood + "' must be understood and is not");
      if (f[BVER] != null) {
        int v = integral(f[BVER], at, "bver");
        if (v > SENML_VERSION) throw BadInput.bad("version", at + ": SenML version " + v + " is not supported");
      }
      if (f[BN] != null) bn = text(f[BN], at, "bn");
      if (f[BT] != null) bt = number(f[BT], at, "bt");
      if (f[BU] != null) bu = text(f[BU], at, "bu");
      if (f[BV] != null) bv = number(f[BV], at, "bv");
      if (f[BS] != null) number(f[BS], at, "bs"); // checked, but sums are refused below
      if (!recordFields && !raw.isEmpty()) continue; // a record of base fields only sets them for the records that follow
      String n = f[N] != null ? text(f[N], at, "n") : "";
      String name = bn + n;
      if (name.isEmpty()) throw BadInput.bad("name", at + ": no name (neither bn nor n)");
      if (!validName(name)) throw BadInput.bad("name", at + ": name '" + clip(name) + "' has characters SenML does not allow");
      String unit = f[U] != null ? text(f[U], at, "u") : bu;
      int values = 0;
      Double v = null;
      String vs = null;
      Boolean vb = null;
      if (f[V] != null) {
        v = number(f[V], at, "v") + bv;
        values++;
      }
      if (f[VS] != null) {
        vs = text(f[VS], at, "vs");
        values++;
      }
      if (f[VB] != null) {
        JsonNode b = f[VB];
        if (!b.isBoolean()) throw BadInput.bad("type", at + ": vb is not a boolean");
        vb = b.booleanValue();
        values++;
      }
      if (f[VD] != null) throw BadInput.bad("type", at + ": data values (vd) are not used by Onder");
      if (f[S] != null) throw BadInput.bad("type", at + ": sums (s) are not used by Onder: send cumulative registers as v");
      if (values == 0 && bv != 0) {
        v = bv;
        values = 1;
      }
      if (values == 0) throw BadInput.bad("no_value", at + " (" + clip(name) + "): no value");
      if (values > 1) throw BadInput.bad("type", at + " (" + clip(name) + "): more than one value field");
      if (v != null && !Double.isFinite(v)) throw BadInput.bad("not_finite", at + " (" + clip(name) + "): value is not finite");
      double t = bt + (f[T] != null ? number(f[T], at, "t") : 0);
      if (!Double.isFinite(t)) throw BadInput.bad("not_finite", at + ": time is not finite");
      long timeMillis = t >= RELATIVE_LIMIT_S ? Math.round(t * 1000) : nowMillis + Math.round(t * 1000);
      out.add(new SenmlRecord(i, name, unit, v, vs, vb, timeMillis));
    }
    if (out.isEmpty()) throw BadInput.bad("empty", "the pack has only base fields, no records");
    return out;
  }

  private static String text(JsonNode n, String at, String field) throws BadInput {
    if (!n.isTextual()) throw BadInput.bad("type", at + ": " + field + " is not a string");
    return n.textValue();
  }

  private static double number(JsonNode n, String at, String field) throws BadInput {
    if (!n.isNumber()) throw BadInput.bad("type", at + ": " + field + " is not a number");
    double d = n.doubleValue();
    if (!Double.isFinite(d)) throw BadInput.bad("not_finite", at + ": " + field + " is not finite");
    return d;
  }

  private static int integral(JsonNode n, String at, String field) throws BadInput {
    if (!n.isIntegralNumber() || !n.canConvertToInt()) throw BadInput.bad("type", at + ": " + field + " is not an integer");
    return n.intValue();
  }

  static String clip(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }
}
