package io.onder.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The committed dashboards are well formed for Grafana and consistent with the committed provisioning. */
class DashboardsStructureTest {
  private final Map<String, JsonNode> dashboards = DashboardFiles.dashboards();

  @Test
  void there_are_the_four_onder_dashboards() {
    assertThat(dashboards.values()).extracting(d -> d.path("uid").asText())
        .containsExactlyInAnyOrder("onder-grid-stability", "onder-demand-response", "onder-rewards-settlement",
            "onder-pipeline-health");
  }

  @Test
  void uids_and_titles_are_unique_across_dashboards() {
    List<String> uids = dashboards.values().stream().map(d -> d.path("uid").asText()).toList();
    List<String> titles = dashboards.values().stream().map(d -> d.path("title").asText()).toList();
    assertThat(uids).doesNotHaveDuplicates().allSatisfy(u -> assertThat(u).matches("[a-z0-9-]{1,40}"));
    assertThat(titles).doesNotHaveDuplicates().allSatisfy(t -> assertThat(t).isNotBlank());
  }

  @Test
  void panel_ids_are_unique_within_each_dashboard() {
    dashboards.forEach((file, d) -> assertThat(DashboardFiles.panelIds(d)).as(file).doesNotHaveDuplicates()
        .allSatisfy(id -> assertThat(id).isPositive()));
  }

  @Test
  void panels_fit_the_24_column_grid_without_overlapping() {
    dashboards.forEach((file, d) -> {
      List<int[]> boxes = new ArrayList<>();
      for (JsonNode p : d.path("panels")) {
        JsonNode g = p.path("gridPos");
        int[] b = {g.path("x").asInt(), g.path("y").asInt(), g.path("w").asInt(), g.path("h").asInt()};
        assertThat(b[0] + b[2]).as(file + " panel " + p.path("title")).isLessThanOrEqualTo(24);
        assertThat(b[2]).isPositive();
        assertThat(b[3]).isPositive();
        for (int[] o : boxes) {
          boolean overlap = b[0] < o[0] + o[2] && o[0] < b[0] + b[2] && b[1] < o[1] + o[3] && o[1] < b[1] + b[3];
          assertThat(overlap).as(file + " panel " + p.path("title") + " overlaps another").isFalse();
        }
        boxes.add(b);
      }
    });
  }

  @Test
  void every_panel_has_a_titled_query_for_each_target() {
    dashboards.forEach((file, d) -> {
      List<JsonNode> panels = DashboardFiles.panels(d);
      assertThat(panels).as(file).isNotEmpty();
      for (JsonNode p : panels) {
        String where = file + " / " + p.path("title").asText();
        assertThat(p.path("title").asText()).as(where).isNotBlank();
        assertThat(p.path("targets").size()).as(where + " has no query").isPositive();
        for (JsonNode t : p.path("targets")) {
          assertThat(DashboardFiles.queryOf(t)).as(where + " target " + t.path("refId")).isNotBlank();
          if (DashboardFiles.isCassandra(t.path("datasource"))) {
            // The plugin runs target text as CQL only in raw mode; otherwise it wants its configurator fields.
            assertThat(t.path("rawQuery").asBoolean()).as(where + " raw CQL").isTrue();
          }
        }
        List<String> refIds = new ArrayList<>();
        p.path("targets").forEach(t -> refIds.add(t.path("refId").asText()));
        assertThat(refIds).as(where).doesNotHaveDuplicates();
      }
    });
  }

  @Test
  void every_datasource_referenced_is_provisioned_with_the_same_type() {
    Map<String, String> provisioned = new HashMap<>();
    for (JsonNode ds : DashboardFiles.yaml(DashboardFiles.DATASOURCES).path("datasources")) {
      provisioned.put(ds.path("uid").asText(), ds.path("type").asText());
    }
    assertThat(provisioned).containsKeys(DashboardBuilder.CASSANDRA_UID, DashboardBuilder.PROMETHEUS_UID);
    dashboards.forEach((file, d) -> {
      List<JsonNode> refs = new ArrayList<>();
      for (JsonNode p : DashboardFiles.panels(d)) {
        refs.add(p.path("datasource"));
        p.path("targets").forEach(t -> refs.add(t.path("datasource")));
      }
      for (JsonNode v : d.path("templating").path("list")) if (v.has("datasource")) refs.add(v.path("datasource"));
      for (JsonNode ref : refs) {
        assertThat(ref.isObject()).as(file + ": datasource must be {type, uid}: " + ref).isTrue();
        assertThat(provisioned).as(file).containsEntry(ref.path("uid").asText(), ref.path("type").asText());
      }
    });
  }

  @Test
  void every_variable_used_is_defined_above_its_use_or_built_in() {
    dashboards.forEach((file, d) -> {
      Set<String> defined = new LinkedHashSet<>();
      for (JsonNode v : d.path("templating").path("list")) {
        String name = v.path("name").asText();
        for (String used : PanelFields.variablesUsed(DashboardFiles.queryOf(v))) {
          assertThat(defined.contains(used) || PanelFields.BUILTINS.contains(used))
              .as(file + ": variable " + name + " uses $" + used + " which is not defined above it").isTrue();
        }
        assertThat(defined.add(name)).as(file + ": variable " + name + " defined twice").isTrue();
        if (v.path("type").asText().equals("query")) {
          assertThat(DashboardFiles.queryOf(v)).as(file + ": variable " + name).isNotBlank();
        }
      }
      for (JsonNode p : DashboardFiles.panels(d)) {
        for (JsonNode t : p.path("targets")) {
          for (String used : PanelFields.variablesUsed(DashboardFiles.queryOf(t))) {
            assertThat(defined.contains(used) || PanelFields.BUILTINS.contains(used))
                .as(file + " / " + p.path("title").asText() + ": $" + used + " is not a variable").isTrue();
          }
        }
      }
    });
  }

  @Test
  void every_field_a_panel_refers_to_is_selected_by_its_cql() {
    dashboards.forEach((file, d) -> {
      for (JsonNode p : DashboardFiles.panels(d)) {
        if (!DashboardFiles.isCassandra(p.path("datasource"))) continue;
        Set<String> columns = new LinkedHashSet<>();
        p.path("targets").forEach(t -> columns.addAll(PanelFields.selectedColumns(DashboardFiles.queryOf(t))));
        assertThat(PanelFields.unresolved(p, columns)).as(file + " / " + p.path("title").asText()).isEmpty();
      }
    });
  }

  @Test
  void feeder_reads_stay_inside_their_partitions() {
    // feeder_interval is partitioned by (feeder_id, day): a read without both would scan the whole table.
    dashboards.forEach((file, d) -> {
      for (JsonNode p : DashboardFiles.panels(d)) {
        for (JsonNode t : p.path("targets")) {
          String q = DashboardFiles.queryOf(t);
          if (q.contains("FROM feeder_interval")) {
            assertThat(q).as(file + " / " + p.path("title")).contains("feeder_id IN (").contains("day IN (");
          }
          if (q.contains("FROM dr_delivery")) assertThat(q).contains("event_id = ");
          if (q.contains("FROM ledger")) assertThat(q).contains("account = ").contains("settlement_period = ");
        }
      }
    });
  }

  @Test
  void the_provider_loads_dashboards_from_a_configurable_directory() {
    JsonNode provider = DashboardFiles.yaml(DashboardFiles.PROVIDERS).path("providers").get(0);
    assertThat(provider.path("type").asText()).isEqualTo("file");
    assertThat(provider.path("options").path("path").asText()).isEqualTo("${ONDER_DASHBOARDS_DIR}");
  }

  @Test
  void the_field_check_itself_catches_a_missing_column() {
    JsonNode panel = DashboardFiles.panels(dashboards.get("onder-demand-response.json")).stream()
        .filter(p -> p.path("title").asText().startsWith("Dispatched devices, shortfall")).findFirst().orElseThrow();
    Set<String> withoutRequested = new HashSet<>(Set.of("device_id", "first_interval", "last_interval", "delivered_milli_wh"));
    assertThat(PanelFields.unresolved(panel, withoutRequested))
        .contains("calculateField left: requested_milli_wh", "override: requested_milli_wh");
  }
}
