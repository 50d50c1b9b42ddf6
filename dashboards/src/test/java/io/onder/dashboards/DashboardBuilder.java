package io.onder.dashboards;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds one Grafana dashboard (schema 39) with panels laid out left to right in rows of 24 columns. Only what the
 * Onder dashboards use is here: Cassandra queries in the HadesArchitect plugin's raw-CQL form, Prometheus queries,
 * query / textbox / constant variables.
 */
final class DashboardBuilder {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String CASSANDRA_TYPE = "hadesarchitect-cassandra-datasource";
  static final String CASSANDRA_UID = "onder-cassandra";
  static final String PROMETHEUS_TYPE = "prometheus";
  static final String PROMETHEUS_UID = "onder-prometheus";

  private final ObjectNode root = JSON.createObjectNode();
  private final ArrayNode panels;
  private final ArrayNode variables;
  private int nextId = 1;
  private int x;
  private int y;
  private int rowHeight;

  DashboardBuilder(String uid, String title, String description) {
    root.put("uid", uid).put("title", title).put("description", description);
    root.putArray("tags").add("onder");
    root.put("timezone", "utc"); // day buckets (yyyymmdd) are UTC days: the dashboard must think in UTC too
    root.put("schemaVersion", 39).put("version", 1).put("editable", true).put("graphTooltip", 1).put("refresh", "1m");
    root.putObject("time").put("from", "now-6h").put("to", "now");
    root.putObject("annotations").putArray("list");
    variables = root.putObject("templating").putArray("list");
    panels = root.putArray("panels");
  }

  static ObjectNode cassandra() {
    return JSON.createObjectNode().put("type", CASSANDRA_TYPE).put("uid", CASSANDRA_UID);
  }

  static ObjectNode prometheus() {
    return JSON.createObjectNode().put("type", PROMETHEUS_TYPE).put("uid", PROMETHEUS_UID);
  }

  /** A variable filled by a CQL query whose first column gives the values. */
  DashboardBuilder cqlVariable(String name, String label, String cql, boolean multi) {
    ObjectNode v = variables.addObject().put("name", name).put("label", label).put("type", "query");
    v.set("datasource", cassandra());
    v.put("query", cql).put("refresh", 1).put("sort", 1).put("multi", multi).put("includeAll", multi);
    return this;
  }

  DashboardBuilder promVariable(String name, String label, String query) {
    ObjectNode v = variables.addObject().put("name", name).put("label", label).put("type", "query");
    v.set("datasource", prometheus());
    v.put("query", query).put("refresh", 2).put("sort", 1).put("multi", true).put("includeAll", true);
    return this;
  }

  DashboardBuilder textVariable(String name, String label, String description) {
    return textVariable(name, label, description, "");
  }

  /** A free-text variable; {@code initial} is its value until the user types another. */
  DashboardBuilder textVariable(String name, String label, String description, String initial) {
    variables.addObject().put("name", name).put("label", label).put("type", "textbox").put("query", initial)
        .put("description", description);
    return this;
  }

  DashboardBuilder constant(String name, String value, String description) {
    variables.addObject().put("name", name).put("type", "constant").put("query", value).put("hide", 2)
        .put("description", description);
    return this;
  }

  /** Starts a new row of panels under a collapsed-looking title row. */
  DashboardBuilder row(String title) {
    newLine();
    ObjectNode p = panels.addObject().put("id", nextId++).put("type", "row").put("title", title).put("collapsed", false);
    p.putObject("gridPos").put("h", 1).put("w", 24).put("x", 0).put("y", y);
    p.putArray("panels");
    y += 1;
    return this;
  }

  /** Adds a panel of width {@code w} and height {@code h}; returns it for its queries and options. */
  Panel panel(String type, String title, String description, int w, int h) {
    if (x + w > 24) newLine();
    ObjectNode p = panels.addObject().put("id", nextId++).put("type", type).put("title", title)
        .put("description", description);
    p.putObject("gridPos").put("h", h).put("w", w).put("x", x).put("y", y);
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return new Panel(p);
  }

  private void newLine() {
    y += rowHeight;
    x = 0;
    rowHeight = 0;
  }

  ObjectNode build() {
    return root;
  }

  /** One panel under construction. */
  static final class Panel {
    final ObjectNode node;
    private final ObjectNode defaults;
    private final ArrayNode overrides;
    private char nextRef = 'A';

    Panel(ObjectNode node) {
      this.node = node;
      ObjectNode fc = node.putObject("fieldConfig");
      defaults = fc.putObject("defaults");
      overrides = fc.putArray("overrides");
      node.putObject("options");
    }

    /**
     * A raw CQL query. For graphs the plugin wants the series id first, then numbers, then one timestamp; the time
     * window comes from {@code $__timeFrom}/{@code $__timeTo} (epoch millis).
     */
    Panel cql(String cql) {
      if (!node.has("datasource")) node.set("datasource", cassandra());
      ObjectNode t = array(node, "targets").addObject().put("refId", String.valueOf(nextRef++));
      t.set("datasource", cassandra());
      t.put("rawQuery", true).put("queryType", "query").put("target", cql);
      return this;
    }

    Panel promql(String expr, String legend) {
      if (!node.has("datasource")) node.set("datasource", prometheus());
      ObjectNode t = array(node, "targets").addObject().put("refId", String.valueOf(nextRef++));
      t.set("datasource", prometheus());
      t.put("expr", expr).put("legendFormat", legend).put("range", true);
      return this;
    }

    private static ArrayNode array(ObjectNode node, String name) {
      return node.has(name) ? (ArrayNode) node.get(name) : node.putArray(name);
    }

    Panel unit(String unit) {
      defaults.put("unit", unit);
      return this;
    }

    Panel minMax(double min, double max) {
      defaults.put("min", min).put("max", max);
      return this;
    }

    /** Field-level override on a column the query must return. */
    Panel override(String field, String property, Object value) {
      ObjectNode o = overrides.addObject();
      o.putObject("matcher").put("id", "byName").put("options", field);
      ObjectNode prop = o.putArray("properties").addObject().put("id", property);
      prop.set("value", JSON.valueToTree(value));
      return this;
    }

    Panel option(String name, Object value) {
      ((ObjectNode) node.get("options")).set(name, JSON.valueToTree(value));
      return this;
    }

    /** Sums {@code summed} grouped by {@code by} (Grafana's groupBy transformation); all are query columns. */
    Panel groupBySum(String by, String... summed) {
      ObjectNode fields = array(node, "transformations").addObject().put("id", "groupBy").putObject("options")
          .putObject("fields");
      fields.putObject(by).put("operation", "groupby").putArray("aggregations");
      for (String s : summed) fields.putObject(s).put("operation", "aggregate").putArray("aggregations").add("sum");
      return this;
    }

    /** A computed column {@code alias = left op right}, both query columns. */
    Panel ratio(String alias, String left, String operator, String right) {
      ObjectNode o = array(node, "transformations").addObject().put("id", "calculateField").putObject("options");
      o.put("mode", "binary").put("alias", alias);
      o.putObject("binary").put("left", left).put("operator", operator).put("right", right);
      return this;
    }

    /** Puts the results of several queries side by side (the Merge transformation). */
    Panel merge() {
      array(node, "transformations").addObject().put("id", "merge").putObject("options");
      return this;
    }
  }
}
