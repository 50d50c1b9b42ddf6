package io.onder.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The committed JSON is what {@link OnderDashboards} generates. To regenerate after editing it:
 * {@code mvn -pl dashboards test -Dtest=DashboardsAreGeneratedTest -Donder.dashboards.write=true}.
 */
class DashboardsAreGeneratedTest {

  @Test
  void committed_dashboards_match_the_generator() throws Exception {
    if (Boolean.getBoolean("onder.dashboards.write")) OnderDashboards.write(DashboardFiles.JSON_DIR);
    for (Map.Entry<String, ObjectNode> e : OnderDashboards.all().entrySet()) {
      var file = DashboardFiles.JSON_DIR.resolve(e.getKey());
      assertThat(file).as("regenerate: -Donder.dashboards.write=true").exists();
      assertThat(Files.readString(file)).as(file + " differs from OnderDashboards; regenerate with -Donder.dashboards.write=true")
          .isEqualTo(OnderDashboards.render(e.getValue()));
    }
  }

  @Test
  void no_committed_dashboard_lacks_a_generator() {
    assertThat(DashboardFiles.dashboards().keySet()).containsExactlyInAnyOrderElementsOf(OnderDashboards.all().keySet());
  }

  @Test
  void the_cluster_ships_every_dashboard() throws Exception {
    String kustomization = Files.readString(DashboardFiles.MODULE.resolve("kustomization.yaml"));
    for (String file : OnderDashboards.all().keySet()) assertThat(kustomization).contains("json/" + file);
  }
}
