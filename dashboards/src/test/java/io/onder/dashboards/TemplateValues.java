package io.onder.dashboards;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Grafana's interpolation, as far as the Onder dashboards use it: {@code $var}, {@code ${var}},
 * {@code ${var:singlequote}}, {@code ${__from:date:YYYYMMDD}} (UTC, as the dashboards' timezone) and the Cassandra
 * plugin's {@code $__timeFrom}/{@code $__timeTo} (epoch milliseconds). Anything else fails, so a query can never run
 * with a placeholder left in it.
 */
final class TemplateValues {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(?::([^}]*))?}|\\$([A-Za-z0-9_]+)");
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

  private final Instant from;
  private final Instant to;
  private final Map<String, List<String>> values;

  TemplateValues(Instant from, Instant to, Map<String, List<String>> values) {
    this.from = from;
    this.to = to;
    this.values = values;
  }

  Instant from() {
    return from;
  }

  Instant to() {
    return to;
  }

  String interpolate(String query) {
    Matcher m = VARIABLE.matcher(query);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(3);
      String format = m.group(2);
      m.appendReplacement(out, Matcher.quoteReplacement(value(name, format)));
    }
    m.appendTail(out);
    if (out.indexOf("$") >= 0) throw new AssertionError("placeholder left in: " + out);
    return out.toString();
  }

  private String value(String name, String format) {
    switch (name) {
      case "__timeFrom":
        return Long.toString(from.toEpochMilli());
      case "__timeTo":
        return Long.toString(to.toEpochMilli());
      case "__from":
      case "__to":
        if (!"date:YYYYMMDD".equals(format)) throw new AssertionError("unsupported format of $" + name + ": " + format);
        return DAY.format(name.equals("__from") ? from : to);
      default:
        List<String> v = values.get(name);
        if (v == null) throw new AssertionError("no value for $" + name);
        if (format == null) {
          if (v.size() != 1) throw new AssertionError("$" + name + " has several values: use ${" + name + ":singlequote}");
          return v.get(0);
        }
        if (!format.equals("singlequote")) throw new AssertionError("unsupported format " + format + " of $" + name);
        return v.stream().map(s -> "'" + s.replace("'", "\\'") + "'").collect(Collectors.joining(","));
    }
  }
}
