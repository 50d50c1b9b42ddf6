package io.onder.ingest.senml;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.onder.ingest.BadInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decodes a SenML pack (RFC 8428) in JSON (content-format 110) or CBOR (112) and resolves base values. Syntax is
 * Jackson's job (its streaming parsers for JSON and jackson-dataformat-cbor: no tree of nodes per pack); this class
 * only applies the SenML rules: field types, base name/time/unit/value/sum, relative times, the name character set
 * and must-understand fields.
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

  private final com.fasterxml.jackson.core.JsonFactory json;
  private final CBORFactory cbor;
  private final int maxRecords;

  public SenmlCodec(int maxRecords) {
    this.maxRecords = maxRecords;
    StreamReadConstraints limits = StreamReadConstraints.builder().maxNestingDepth(8).maxNumberLength(64)
        .maxStringLength(4096).build();
    com.fasterxml.jackson.core.JsonFactory jf = com.fasterxml.jackson.core.JsonFactory.builder()
        .streamReadConstraints(limits).build();
    this.json = jf;
    CBORFactory cf = CBORFactory.builder().streamReadConstraints(limits).build();
    this.cbor = cf;
  }

  /** Decodes and resolves a pack; {@code nowMillis} anchors relative times. */
  public List<SenmlRecord> decode(int contentFormat, byte[] payload, long nowMillis) throws BadInput {
    boolean isCbor;
    if (contentFormat == SENML_JSON) isCbor = false;
    else if (contentFormat == SENML_CBOR) isCbor = true;
    else throw new BadInput(BadInput.Kind.UNSUPPORTED_FORMAT, "format",
        "content-format " + contentFormat + " is not application/senml+json (110) or application/senml+cbor (112)");
    List<Raw> pack = read(isCbor, payload);
    if (pack.size() > maxRecords) {
      throw new BadInput(BadInput.Kind.TOO_LARGE, "too_many_records",
          "the pack has " + pack.size() + " records; at most " + maxRecords + " are accepted");
    }
    List<SenmlRecord> out = new ArrayList<>(pack.size());
    String bn = "";
    double bt = 0;
    String bu = null;
    double bv = 0;
    for (int i = 0; i < pack.size(); i++) {
      Raw raw = pack.get(i);
      if (raw == null) throw BadInput.bad("syntax", at(i) + ": a record is a map");
      Object[] f = raw.fields;
      if (raw.notUnderstood != null) {
        throw BadInput.bad("must_understand", at(i) + ": field '" + raw.notUnderstood + "' must be understood and is not");
      }
      if (f[BVER] != null) {
        int v = integral(f[BVER], i, "bver");
        if (v > SENML_VERSION) throw BadInput.bad("version", at(i) + ": SenML version " + v + " is not supported");
      }
      if (f[BN] != null) bn = text(f[BN], i, "bn");
      if (f[BT] != null) bt = number(f[BT], i, "bt");
      if (f[BU] != null) bu = text(f[BU], i, "bu");
      if (f[BV] != null) bv = number(f[BV], i, "bv");
      if (f[BS] != null) number(f[BS], i, "bs"); // checked, but sums are refused below
      if (!raw.recordFields && raw.count > 0) continue; // a record of base fields only sets them for the records that follow
      String n = f[N] != null ? text(f[N], i, "n") : "";
      String name = bn + n;
      if (name.isEmpty()) throw BadInput.bad("name", at(i) + ": no name (neither bn nor n)");
      if (!validName(name)) throw BadInput.bad("name", at(i) + ": name '" + clip(name) + "' has characters SenML does not allow");
      String unit = f[U] != null ? text(f[U], i, "u") : bu;
      int values = 0;
      Double v = null;
      String vs = null;
      Boolean vb = null;
      if (f[V] != null) {
        v = number(f[V], i, "v") + bv;
        values++;
      }
      if (f[VS] != null) {
        vs = text(f[VS], i, "vs");
        values++;
      }
      if (f[VB] != null) {
        if (!(f[VB] instanceof Boolean b)) throw BadInput.bad("type", at(i) + ": vb is not a boolean");
        vb = b;
        values++;
      }
      if (f[VD] != null) throw BadInput.bad("type", at(i) + ": data values (vd) are not used by Onder");
      if (f[S] != null) throw BadInput.bad("type", at(i) + ": sums (s) are not used by Onder: send cumulative registers as v");
      if (values == 0 && bv != 0) {
        v = bv;
        values = 1;
      }
      if (values == 0) throw BadInput.bad("no_value", at(i) + " (" + clip(name) + "): no value");
      if (values > 1) throw BadInput.bad("type", at(i) + " (" + clip(name) + "): more than one value field");
      if (v != null && !Double.isFinite(v)) throw BadInput.bad("not_finite", at(i) + " (" + clip(name) + "): value is not finite");
      double t = bt + (f[T] != null ? number(f[T], i, "t") : 0);
      if (!Double.isFinite(t)) throw BadInput.bad("not_finite", at(i) + ": time is not finite");
      long timeMillis = t >= RELATIVE_LIMIT_S ? Math.round(t * 1000) : nowMillis + Math.round(t * 1000);
      out.add(new SenmlRecord(i, name, unit, v, vs, vb, timeMillis));
    }
    if (out.isEmpty()) throw BadInput.bad("empty", "the pack has only base fields, no records");
    return out;
  }

  /**
   * One record as read: its known fields' values by index (a String, a Boolean, a {@link Num}, or {@link #OTHER} for a
   * null, a map, an array or bytes), and what the SenML rules need to know about the rest.
   */
  private static final class Raw {
    final Object[] fields = new Object[FIELDS.length];
    /** Fields of any kind, known or not. */
    int count;
    /** Whether a field other than a base field was present (an unknown one counts). */
    boolean recordFields;
    /** The first unknown field whose name ends with '_' (RFC 8428 section 4.4). */
    String notUnderstood;
    /** The unknown fields' names, kept only to refuse one given twice. */
    java.util.Set<String> unknown;
  }

  /** A number as read: its value as a double, and whether it is an integer that fits an int. */
  private record Num(double value, boolean isInt, int intValue) {}

  /** A value that is none of text, number or boolean. */
  private static final Object OTHER = new Object();

  /**
   * Reads the whole pack with Jackson's streaming parser (no tree of nodes) into one {@link Raw} per record; null
   * for an element that is not a map. Syntax errors anywhere in the payload come before any SenML rule, as with a
   * tree: the rules apply only to a pack that parsed whole.
   */
  private List<Raw> read(boolean isCbor, byte[] payload) throws BadInput {
    Map<String, Integer> index = isCbor ? CBOR_FIELD : JSON_FIELD;
    try (JsonParser p = (isCbor ? cbor : json).createParser(payload)) {
      JsonToken first = p.nextToken();
      if (first == null) throw BadInput.bad("syntax", "empty payload");
      if (first != JsonToken.START_ARRAY) {
        if (first.isStructStart()) p.skipChildren();
        if (p.nextToken() != null) throw BadInput.bad("syntax", "malformed " + (isCbor ? "CBOR" : "JSON") + ": trailing content");
        throw BadInput.bad("syntax", "a SenML pack is an array of records");
      }
      List<Raw> pack = new ArrayList<>();
      for (JsonToken tok = p.nextToken(); tok != JsonToken.END_ARRAY; tok = p.nextToken()) {
        if (tok == null) throw BadInput.bad("syntax", "malformed " + (isCbor ? "CBOR" : "JSON") + ": the pack does not end");
        if (tok != JsonToken.START_OBJECT) {
          if (tok.isStructStart()) p.skipChildren();
          pack.add(null);
          continue;
        }
        Raw raw = new Raw();
        for (JsonToken ft = p.nextToken(); ft != JsonToken.END_OBJECT; ft = p.nextToken()) {
          String key = p.currentName();
          JsonToken vt = p.nextToken();
          raw.count++;
          Integer k = index.get(key);
          if (k == null) {
            if (raw.unknown == null) raw.unknown = new java.util.HashSet<>();
            if (!raw.unknown.add(key)) throw BadInput.bad("syntax", at(pack.size()) + ": field '" + clip(key) + "' appears twice");
            // an unknown field is ignored unless its name says it must be understood (RFC 8428 section 4.4)
            if (raw.notUnderstood == null && key.endsWith("_")) raw.notUnderstood = key;
            raw.recordFields = true;
            if (vt.isStructStart()) p.skipChildren();
            continue;
          }
          // a name given twice, or in CBOR a label and its text name both (checked here, not by the parser's duplicate
          // detection, which hashed every name of every record: a tenth of the gateway's time on packs)
          if (raw.fields[k] != null) throw BadInput.bad("syntax", at(pack.size()) + ": field '" + FIELDS[k] + "' appears twice");
          raw.fields[k] = value(p, vt);
          raw.recordFields |= k >= FIRST_RECORD_FIELD;
        }
        pack.add(raw);
      }
      if (p.nextToken() != null) throw BadInput.bad("syntax", "malformed " + (isCbor ? "CBOR" : "JSON") + ": trailing content");
      if (pack.isEmpty()) throw BadInput.bad("empty", "the pack has no records");
      return pack;
    } catch (JsonProcessingException e) {
      throw BadInput.bad("syntax", "malformed " + (isCbor ? "CBOR" : "JSON") + ": " + e.getOriginalMessage());
    } catch (IOException | RuntimeException e) {
      throw BadInput.bad("syntax", "malformed " + (isCbor ? "CBOR" : "JSON") + ": " + e.getMessage());
    }
  }

  private static Object value(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case VALUE_STRING:
        return p.getText();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NUMBER_INT:
        switch (p.getNumberType()) {
          case INT:
            return new Num(p.getIntValue(), true, p.getIntValue());
          case LONG: {
            long l = p.getLongValue(); // CBOR may write a small integer in eight bytes
            return new Num(l, l == (int) l, (int) l);
          }
          default:
            return new Num(p.getDoubleValue(), false, 0);
        }
      case VALUE_NUMBER_FLOAT:
        return new Num(p.getDoubleValue(), false, 0);
      case START_OBJECT:
      case START_ARRAY:
        p.skipChildren();
        return OTHER;
      default:
        return OTHER; // null, bytes, an embedded object
    }
  }

  private static String at(int record) {
    return "record[" + record + "]";
  }

  private static String text(Object v, int record, String field) throws BadInput {
    if (!(v instanceof String s)) throw BadInput.bad("type", at(record) + ": " + field + " is not a string");
    return s;
  }

  private static double number(Object v, int record, String field) throws BadInput {
    if (!(v instanceof Num n)) throw BadInput.bad("type", at(record) + ": " + field + " is not a number");
    if (!Double.isFinite(n.value())) throw BadInput.bad("not_finite", at(record) + ": " + field + " is not finite");
    return n.value();
  }

  private static int integral(Object v, int record, String field) throws BadInput {
    if (!(v instanceof Num n) || !n.isInt()) throw BadInput.bad("type", at(record) + ": " + field + " is not an integer");
    return n.intValue();
  }

  static String clip(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }
}
