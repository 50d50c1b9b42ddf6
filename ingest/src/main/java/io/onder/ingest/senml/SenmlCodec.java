package io.onder.ingest.senml;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.onder.ingest.BadInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decodes a SenML pack (RFC 8428) in JSON (content-format 110) or CBOR (112) and resolves base values. Syntax is
 * Jackson's job (jackson-databind and jackson-dataformat-cbor); this class only applies the SenML rules: field
 * types, base name/time/unit/value/sum, relative times, the name character set and must-understand fields.
 */
public final class SenmlCodec {
  public static final int SENML_JSON = 110;
  public static final int SENML_CBOR = 112;

  /** RFC 8428 section 6: CBOR labels of the fields. */
  private static final Map<String, String> CBOR_LABELS = Map.ofEntries(
      Map.entry("-1", "bver"), Map.entry("-2", "bn"), Map.entry("-3", "bt"), Map.entry("-4", "bu"),
      Map.entry("-5", "bv"), Map.entry("-6", "bs"), Map.entry("0", "n"), Map.entry("1", "u"), Map.entry("2", "v"),
      Map.entry("3", "vs"), Map.entry("4", "vb"), Map.entry("5", "s"), Map.entry("6", "t"), Map.entry("7", "ut"),
      Map.entry("8", "vd"));
  /** RFC 8428 section 4.5.1. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9\\-:./_]*");
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
    for (int i = 0; i < root.size(); i++) {
      JsonNode raw = root.get(i);
      String at = "record[" + i + "]";
      if (!raw.isObject()) throw BadInput.bad("syntax", at + ": a record is a map");
      ObjectNode r = isCbor ? relabel((ObjectNode) raw, at) : (ObjectNode) raw;
      for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (f.endsWith("_")) throw BadInput.bad("must_understand", at + ": field '" + f + "' must be understood and is not");
      }
      if (r.has("bver")) {
        int v = integral(r.get("bver"), at, "bver");
        if (v > SENML_VERSION) throw BadInput.bad("version", at + ": SenML version " + v + " is not supported");
      }
      if (r.has("bn")) bn = text(r.get("bn"), at, "bn");
      if (r.has("bt")) bt = number(r.get("bt"), at, "bt");
      if (r.has("bu")) bu = text(r.get("bu"), at, "bu");
      if (r.has("bv")) bv = number(r.get("bv"), at, "bv");
      if (r.has("bs")) number(r.get("bs"), at, "bs"); // checked, but sums are refused below
      if (baseOnly(r)) continue; // a record of base fields only sets them for the records that follow
      String n = r.has("n") ? text(r.get("n"), at, "n") : "";
      String name = bn + n;
      if (name.isEmpty()) throw BadInput.bad("name", at + ": no name (neither bn nor n)");
      if (!NAME.matcher(name).matches()) throw BadInput.bad("name", at + ": name '" + clip(name) + "' has characters SenML does not allow");
      String unit = r.has("u") ? text(r.get("u"), at, "u") : bu;
      int values = 0;
      Double v = null;
      String vs = null;
      Boolean vb = null;
      if (r.has("v")) {
        v = number(r.get("v"), at, "v") + bv;
        values++;
      }
      if (r.has("vs")) {
        vs = text(r.get("vs"), at, "vs");
        values++;
      }
      if (r.has("vb")) {
        JsonNode b = r.get("vb");
        if (!b.isBoolean()) throw BadInput.bad("type", at + ": vb is not a boolean");
        vb = b.booleanValue();
        values++;
      }
      if (r.has("vd")) throw BadInput.bad("type", at + ": data values (vd) are not used by Onder");
      if (r.has("s")) throw BadInput.bad("type", at + ": sums (s) are not used by Onder: send cumulative registers as v");
      if (values == 0 && bv != 0) {
        v = bv;
        values = 1;
      }
      if (values == 0) throw BadInput.bad("no_value", at + " (" + clip(name) + "): no value");
      if (values > 1) throw BadInput.bad("type", at + " (" + clip(name) + "): more than one value field");
      if (v != null && !Double.isFinite(v)) throw BadInput.bad("not_finite", at + " (" + clip(name) + "): value is not finite");
      double t = bt + (r.has("t") ? number(r.get("t"), at, "t") : 0);
      if (!Double.isFinite(t)) throw BadInput.bad("not_finite", at + ": time is not finite");
      long timeMillis = t >= RELATIVE_LIMIT_S ? Math.round(t * 1000) : nowMillis + Math.round(t * 1000);
      out.add(new SenmlRecord(i, name, unit, v, vs, vb, timeMillis));
    }
    if (out.isEmpty()) throw BadInput.bad("empty", "the pack has only base fields, no records");
    return out;
  }

  private static final java.util.Set<String> BASE_FIELDS = java.util.Set.of("bn", "bt", "bu", "bv", "bs", "bver");

  private static boolean baseOnly(ObjectNode r) {
    if (r.isEmpty()) return false;
    for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) if (!BASE_FIELDS.contains(it.next())) return false;
    return true;
  }

  /** Maps CBOR integer labels to the JSON field names; text labels are left as they are. */
  private static ObjectNode relabel(ObjectNode r, String at) throws BadInput {
    ObjectNode out = r.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = CBOR_LABELS.getOrDefault(e.getKey(), e.getKey());
      if (out.has(name)) throw BadInput.bad("syntax", at + ": field '" + name + "' appears twice");
      out.set(name, e.getValue());
    }
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
