package io.onder.ingest.dr;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * A utility's DR event request in the shape of an OpenADR 3 event, validated:
 * <pre>
 * { "programID": "onder-dr", "eventName": "evening peak",
 *   "targets": [{"type": "FEEDER" | "SUBSTATION" | "REGION", "values": ["feeder-1"]}],
 *   "intervalPeriod": {"start": "2026-11-21T17:00:00Z", "duration": "PT1H"},
 *   "intervals": [{"id": 0, "payloads": [{"type": "REDUCE_LOAD_KW" | "INCREASE_LOAD_KW", "values": [250]},
 *                                        {"type": "PRICE", "values": [1200]}]}] }
 * </pre>
 * PRICE is the rate in S* base units per verified kWh, an integer.
 */
public record DrEventRequest(String programId, String eventName, Topology.Level targetLevel, String targetId,
    boolean reduce, long targetW, Instant start, Instant end, long rate) {

  /** A refused request, with a message safe to send back. */
  public static final class Invalid extends Exception {
    public Invalid(String message) {
      super(message, null, false, false);
    }
  }

  public static DrEventRequest parse(JsonNode n, Topology topology, Clock clock) throws Invalid {
    if (n == null || !n.isObject()) throw new Invalid("the body is a JSON object (an OpenADR 3 event)");
    String program = optionalText(n, "programID", "onder-dr");
    String name = optionalText(n, "eventName", "");
    JsonNode targets = n.get("targets");
    if (targets == null || !targets.isArray() || targets.size() != 1) throw new Invalid("targets: exactly one target");
    JsonNode target = targets.get(0);
    Topology.Level level;
    try {
      level = Topology.Level.valueOf(text(target, "type", "targets[0].type").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Invalid("targets[0].type: FEEDER, SUBSTATION or REGION");
    }
    JsonNode values = target.get("values");
    if (values == null || !values.isArray() || values.size() != 1 || !values.get(0).isTextual()) {
      throw new Invalid("targets[0].values: exactly one id");
    }
    String targetId = values.get(0).textValue();
    if (!topology.exists(level, targetId)) throw new Invalid("targets[0]: " + level + " '" + clip(targetId) + "' is not in the topology");
    JsonNode period = n.get("intervalPeriod");
    if (period == null || !period.isObject()) throw new Invalid("intervalPeriod: start and duration are required");
    Instant start;
    Duration duration;
    try {
      start = Instant.parse(text(period, "start", "intervalPeriod.start"));
    } catch (DateTimeParseException e) {
      throw new Invalid("intervalPeriod.start: an RFC 3339 instant such as 2026-11-21T17:00:00Z");
    }
    try {
      duration = Duration.parse(text(period, "duration", "intervalPeriod.duration"));
    } catch (DateTimeParseException e) {
      throw new Invalid("intervalPeriod.duration: an ISO 8601 duration such as PT1H");
    }
    if (duration.isZero() || duration.isNegative()) throw new Invalid("intervalPeriod: start must be before end (duration > 0)");
    if (duration.compareTo(Duration.ofDays(7)) > 0) throw new Invalid("intervalPeriod.duration: at most 7 days");
    Instant end = start.plus(duration);
    if (!end.isAfter(clock.instant())) throw new Invalid("intervalPeriod: the event ends in the past");
    JsonNode intervals = n.get("intervals");
    if (intervals == null || !intervals.isArray() || intervals.size() != 1) throw new Invalid("intervals: exactly one interval");
    JsonNode payloads = intervals.get(0).get("payloads");
    if (payloads == null || !payloads.isArray()) throw new Invalid("intervals[0].payloads: required");
    Boolean reduce = null;
    Double kw = null;
    Long rate = null;
    for (int i = 0; i < payloads.size(); i++) {
      JsonNode p = payloads.get(i);
      String at = "intervals[0].payloads[" + i + "]";
      String type = text(p, "type", at + ".type");
      JsonNode v = p.get("values");
      if (v == null || !v.isArray() || v.size() != 1 || !v.get(0).isNumber()) throw new Invalid(at + ".values: exactly one number");
      JsonNode value = v.get(0);
      switch (type) {
        case "REDUCE_LOAD_KW", "INCREASE_LOAD_KW" -> {
          if (reduce != null) throw new Invalid(at + ": one load payload only");
          reduce = type.startsWith("REDUCE");
          kw = value.doubleValue();
          if (!Double.isFinite(kw) || kw <= 0) throw new Invalid(at + ": kW must be positive");
          if (kw > 10_000_000) throw new Invalid(at + ": kW out of range");
        }
        case "PRICE" -> {
          if (rate != null) throw new Invalid(at + ": one PRICE payload only");
          if (!value.isIntegralNumber() || !value.canConvertToLong()) throw new Invalid(at + ": the rate is an integer (S* base units per kWh)");
          rate = value.longValue();
          if (rate < 0) throw new Invalid(at + ": the rate is never negative");
        }
        default -> throw new Invalid(at + ".type: REDUCE_LOAD_KW, INCREASE_LOAD_KW or PRICE");
      }
    }
    if (reduce == null) throw new Invalid("intervals[0].payloads: a REDUCE_LOAD_KW or INCREASE_LOAD_KW payload is required");
    if (rate == null) throw new Invalid("intervals[0].payloads: a PRICE payload is required");
    long watts = Math.round(kw * 1000);
    if (watts < 1) throw new Invalid("kW must be positive");
    return new DrEventRequest(program, name, level, targetId, reduce, watts, start, end, rate);
  }

  private static String text(JsonNode n, String field, String at) throws Invalid {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) throw new Invalid(at + ": a string is required");
    return v.textValue();
  }

  private static String optionalText(JsonNode n, String field, String dflt) throws Invalid {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) return dflt;
    if (!v.isTextual() || v.textValue().length() > 200) throw new Invalid(field + ": a string of at most 200 characters");
    return v.textValue();
  }

  private static String clip(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "…";
  }
}
