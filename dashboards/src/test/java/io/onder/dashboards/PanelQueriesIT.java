package io.onder.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.ColumnDefinition;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.type.DataType;
import com.datastax.oss.driver.api.core.type.DataTypes;
import com.fasterxml.jackson.databind.JsonNode;
import io.onder.stack.Server;
import io.onder.testkit.RealServers;
import io.onder.testkit.TestCassandra;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every Cassandra query of every committed dashboard, variables included, run against a real Cassandra holding
 * {@link GridFixture} in the tables the pipeline's own migrations create. Variables are resolved the way Grafana
 * would: each variable's query runs with the variables above it substituted, and its value is picked from what it
 * offers. Each panel query must return rows, inside the time window, with the columns the panel refers to.
 */
@RealServers(Server.CASSANDRA)
class PanelQueriesIT {
  private static final Set<DataType> NUMBERS = Set.of(DataTypes.BIGINT, DataTypes.INT, DataTypes.DOUBLE, DataTypes.FLOAT,
      DataTypes.SMALLINT, DataTypes.TINYINT, DataTypes.VARINT, DataTypes.DECIMAL, DataTypes.COUNTER);
  private static CqlSession session;

  @BeforeAll
  static void load(TestCassandra cassandra) {
    session = cassandra.session();
    GridFixture.load(session);
  }

  @AfterAll
  static void close() {
    if (session != null) session.close();
  }

  private static ResultSet run(String cql) {
    return session.execute(SimpleStatement.newInstance(cql).setTimeout(Duration.ofSeconds(20)));
  }

  /** Resolves a dashboard's variables in order, checking each query variable offers what the fixture holds. */
  private static TemplateValues variables(String file, JsonNode dashboard) {
    Map<String, List<String>> values = new HashMap<>();
    for (JsonNode v : dashboard.path("templating").path("list")) {
      String name = v.path("name").asText();
      switch (v.path("type").asText()) {
        case "constant" -> values.put(name, List.of(v.path("query").asText()));
        case "textbox" -> values.put(name, List.of(v.path("query").asText().isEmpty() ? GridFixture.CHOSEN.get(name)
            : v.path("query").asText()));
        case "query" -> {
          if (!DashboardFiles.isCassandra(v.path("datasource"))) continue;
          String cql = new TemplateValues(GridFixture.FROM, GridFixture.TO, values).interpolate(DashboardFiles.queryOf(v));
          ResultSet rs = run(cql);
          assertThat(rs.getColumnDefinitions().size()).as(file + " variable " + name + ": one column").isEqualTo(1);
          assertThat(rs.getColumnDefinitions().get(0).getType()).as(file + " variable " + name).isEqualTo(DataTypes.TEXT);
          List<String> offered = new ArrayList<>();
          rs.forEach(r -> offered.add(r.getString(0)));
          assertThat(new LinkedHashSet<>(offered)).as(file + " variable " + name + " <- " + cql)
              .containsExactlyInAnyOrderElementsOf(GridFixture.OFFERED.get(name));
          values.put(name, v.path("multi").asBoolean() ? List.copyOf(new LinkedHashSet<>(offered))
              : List.of(GridFixture.CHOSEN.get(name)));
        }
        default -> throw new AssertionError(file + ": variable type not handled by this test: " + v.path("type"));
      }
    }
    return new TemplateValues(GridFixture.FROM, GridFixture.TO, values);
  }

  @TestFactory
  Stream<DynamicTest> every_cassandra_panel_query_returns_what_its_panel_needs() {
    List<DynamicTest> tests = new ArrayList<>();
    DashboardFiles.dashboards().forEach((file, dashboard) -> {
      for (JsonNode panel : DashboardFiles.panels(dashboard)) {
        if (!DashboardFiles.isCassandra(panel.path("datasource"))) continue;
        String name = file + " / " + panel.path("title").asText();
        tests.add(DynamicTest.dynamicTest(name, () -> checkPanel(name, panel, variables(file, dashboard))));
      }
    });
    assertThat(tests).hasSizeGreaterThanOrEqualTo(25);
    return tests.stream();
  }

  private static void checkPanel(String name, JsonNode panel, TemplateValues vars) {
    Set<String> columns = new LinkedHashSet<>();
    for (JsonNode target : panel.path("targets")) {
      String raw = DashboardFiles.queryOf(target);
      String cql = vars.interpolate(raw);
      ResultSet rs = run(cql);
      List<ColumnDefinition> defs = new ArrayList<>();
      rs.getColumnDefinitions().forEach(defs::add);
      List<Row> rows = rs.all();
      String where = name + " [" + target.path("refId").asText() + "] " + cql;
      assertThat(rows).as(where + ": no rows for the fixture").isNotEmpty();
      defs.forEach(d -> columns.add(d.getName().asInternal()));

      if (panel.path("type").asText().equals("timeseries") && !panel.has("transformations")) {
        // The plugin's contract for graphs: series id first, then at least one number and one timestamp.
        assertThat(defs.get(0).getType()).as(where + ": first column is the series id").isEqualTo(DataTypes.TEXT);
        assertThat(defs).as(where + ": a numeric column").anyMatch(d -> NUMBERS.contains(d.getType()));
        assertThat(defs).as(where + ": exactly one timestamp").filteredOn(d -> d.getType().equals(DataTypes.TIMESTAMP))
            .hasSize(1);
      }
      if (raw.contains("$__timeFrom")) {
        Set<Integer> days = new LinkedHashSet<>();
        for (Row r : rows) {
          for (ColumnDefinition d : defs) {
            if (!d.getType().equals(DataTypes.TIMESTAMP)) continue;
            Instant t = r.getInstant(d.getName());
            assertThat(t).as(where + ": " + d.getName() + " inside the window").isNotNull()
                .isAfterOrEqualTo(vars.from()).isBefore(vars.to());
            days.add(GridFixture.day(t));
          }
        }
        if (raw.contains("day IN (")) {
          // The window crosses midnight UTC: both day buckets must have been read.
          assertThat(days).as(where + ": rows from both days").containsExactlyInAnyOrder(GridFixture.day(vars.from()),
              GridFixture.day(vars.to()));
        }
      }
    }
    assertThat(PanelFields.unresolved(panel, columns)).as(name + ": fields the panel refers to, columns " + columns)
        .isEmpty();
    if (panel.path("transformations").toString().contains("\"groupBy\"") && panel.path("type").asText().equals("timeseries")) {
      String by = panel.path("transformations").get(0).path("options").path("fields").fieldNames().next();
      assertThat(by).as(name + ": a graph grouped by time").isEqualTo("interval_start");
    }
  }

  @Test
  void the_re_dispatched_device_shows_a_later_first_interval() {
    TemplateValues vars = variables("onder-demand-response.json", DashboardFiles.dashboards().get("onder-demand-response.json"));
    JsonNode panel = DashboardFiles.panels(DashboardFiles.dashboards().get("onder-demand-response.json")).stream()
        .filter(p -> p.path("title").asText().startsWith("Dispatched devices, shortfall")).findFirst().orElseThrow();
    Map<String, Instant> first = new HashMap<>();
    for (Row r : run(vars.interpolate(DashboardFiles.queryOf(panel.path("targets").get(0))))) {
      first.put(r.getString("device_id"), r.getInstant("first_interval"));
    }
    assertThat(first).containsEntry("dev-1", GridFixture.DR_START).containsEntry("dev-2", GridFixture.DR_START)
        .containsEntry("dev-3", GridFixture.REDISPATCH).hasSize(3);
  }

  @Test
  void peak_and_surplus_tables_show_only_their_stress() {
    JsonNode grid = DashboardFiles.dashboards().get("onder-grid-stability.json");
    TemplateValues vars = variables("onder-grid-stability.json", grid);
    for (JsonNode panel : DashboardFiles.panels(grid)) {
      String title = panel.path("title").asText();
      if (!title.endsWith("stress intervals")) continue;
      List<Row> rows = run(vars.interpolate(DashboardFiles.queryOf(panel.path("targets").get(0)))).all();
      assertThat(rows).as(title).hasSize(10).allSatisfy(r -> assertThat(r.getDouble("stress_level")).isGreaterThan(0.9));
      assertThat(rows).extracting(r -> r.getString("feeder_id")).containsOnly(title.startsWith("Peak") ? "feeder-71" : "feeder-72");
    }
  }
}
