package io.onder.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a panel expects of its queries' columns. Grafana finds fields by name: an override, a transformation or an
 * option naming a column the query does not return silently does nothing. This follows the panel's transformations
 * in order (groupBy renames aggregated fields "name (sum)", calculateField adds its alias) and reports every name
 * that would not be found.
 */
final class PanelFields {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(?::([^}]*))?}|\\$([A-Za-z0-9_]+)");
  static final Set<String> BUILTINS = Set.of("__timeFrom", "__timeTo", "__from", "__to", "__rate_interval", "__interval",
      "__range");

  private PanelFields() {}

  /** The column names a CQL SELECT returns, from its select list (alias when given). */
  static List<String> selectedColumns(String cql) {
    String lower = cql.toLowerCase(Locale.ROOT);
    int from = lower.indexOf(" from ");
    String list = cql.substring(lower.indexOf("select") + "select".length(), from).strip();
    List<String> out = new ArrayList<>();
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    for (char c : list.toCharArray()) {
      if (c == '(') depth++;
      if (c == ')') depth--;
      if (c == ',' && depth == 0) {
        out.add(nameOf(cur.toString()));
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(nameOf(cur.toString()));
    return out;
  }

  private static String nameOf(String selector) {
    String s = selector.strip();
    Matcher m = Pattern.compile("(?i)\\s+as\\s+([A-Za-z0-9_]+)$").matcher(s);
    return m.find() ? m.group(1) : s;
  }

  /** Names of the variables a query uses, built-ins included. */
  static Set<String> variablesUsed(String query) {
    Set<String> out = new LinkedHashSet<>();
    Matcher m = VARIABLE.matcher(query);
    while (m.find()) out.add(m.group(1) != null ? m.group(1) : m.group(3));
    return out;
  }

  /**
   * Applies the panel's transformations to {@code columns} and returns the names that the panel refers to but would
   * not find; empty when every reference resolves.
   */
  static List<String> unresolved(JsonNode panel, Set<String> columns) {
    Set<String> fields = new LinkedHashSet<>(columns);
    List<String> missing = new ArrayList<>();
    for (JsonNode t : panel.path("transformations")) {
      JsonNode o = t.path("options");
      switch (t.path("id").asText()) {
        case "groupBy" -> {
          Set<String> next = new LinkedHashSet<>();
          for (Map.Entry<String, JsonNode> f : iterable(o.path("fields"))) {
            if (!fields.contains(f.getKey())) missing.add("groupBy: " + f.getKey());
            if ("groupby".equals(f.getValue().path("operation").asText())) {
              next.add(f.getKey());
            } else {
              for (JsonNode calc : f.getValue().path("aggregations")) next.add(f.getKey() + " (" + calc.asText() + ")");
            }
          }
          fields = next;
        }
        case "calculateField" -> {
          for (String side : List.of("left", "right")) {
            String name = o.path("binary").path(side).asText();
            if (!fields.contains(name)) missing.add("calculateField " + side + ": " + name);
          }
          fields.add(o.path("alias").asText());
        }
        case "merge" -> { }
        default -> missing.add("transformation not understood by this check: " + t.path("id").asText());
      }
    }
    for (JsonNode o : panel.path("fieldConfig").path("overrides")) {
      String name = o.path("matcher").path("options").asText();
      if (!fields.contains(name)) missing.add("override: " + name);
    }
    String xField = panel.path("options").path("xField").asText(null);
    if (xField != null && !fields.contains(xField)) missing.add("xField: " + xField);
    return missing;
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
    return object::fields;
  }
}
