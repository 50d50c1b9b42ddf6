package io.onder.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkVersion;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every overlay renders with kubectl kustomize, and every resource it renders loads into its operator's own model
 * class (fabric8 for Kubernetes kinds, Strimzi's api, the Flink operator's api) with unknown fields refused; the
 * custom resources are also checked against their operators' CRD schemas.
 */
class OverlaysLoadStrictlyTest {
  static final CrdSchema CASSANDRA_DC = CrdSchema.load("/crds/cassandradatacenters.cassandra.datastax.com.yaml");
  static final CrdSchema FLINK_DEPLOYMENT = CrdSchema.load("/crds/flinkdeployments.flink.apache.org.yaml");

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void the_overlay_renders_every_onder_component(String overlay) {
    List<String> ids = Rendered.overlay(overlay).stream().map(Rendered::id).toList();
    assertThat(ids).doesNotHaveDuplicates().contains("Namespace/onder", "Kafka/onder", "KafkaNodePool/controller",
        "KafkaNodePool/broker", "CassandraDatacenter/dc1", "FlinkDeployment/onder-quality", "FlinkDeployment/onder-dr",
        "FlinkDeployment/onder-rewards", "Deployment/gateway", "Service/coap", "Service/dr-api",
        "HorizontalPodAutoscaler/gateway", "PodDisruptionBudget/gateway", "Deployment/bridge", "Deployment/grafana",
        "Deployment/prometheus", "NetworkPolicy/default-deny-ingress");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void every_resource_loads_strictly_into_its_model(String overlay) {
    List<String> failures = new ArrayList<>();
    for (JsonNode r : Rendered.overlay(overlay)) {
      try {
        if (r.path("kind").asText().equals("CassandraDatacenter")) {
          // cass-operator ships no Java model: its CRD schema is the contract.
          CASSANDRA_DC.validate(r).forEach(e -> failures.add(Rendered.id(r) + e));
          continue;
        }
        if (r.path("kind").asText().equals("FlinkDeployment")) {
          FLINK_DEPLOYMENT.validate(r).forEach(e -> failures.add(Rendered.id(r) + e));
          StrictModels.load(forFlinkOperatorApi110(r));
          continue;
        }
        StrictModels.load(r);
      } catch (Exception | AssertionError e) {
        failures.add(Rendered.id(r) + ": " + e.getMessage().lines().findFirst().orElse(""));
      }
    }
    assertThat(failures).as(overlay).isEmpty();
  }

  /**
   * The newest Flink operator api on Maven Central (1.10.0) predates Flink 2: its FlinkVersion enum stops at v1_20.
   * The manifests target operator 1.15 and Flink 2.2 (v2_2, checked against the 1.15 CRD above); for the model load
   * only that one value is swapped for the newest the 1.10 model knows. Everything else is loaded as rendered.
   */
  static JsonNode forFlinkOperatorApi110(JsonNode flinkDeployment) {
    ObjectNode copy = flinkDeployment.deepCopy();
    assertThat(copy.path("spec").path("flinkVersion").asText()).isEqualTo("v2_2");
    FlinkVersion[] known = FlinkVersion.values();
    ((ObjectNode) copy.get("spec")).put("flinkVersion", known[known.length - 1].name());
    return copy;
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void flink_jobs_run_in_application_mode_with_savepoint_upgrades_and_state_on_object_storage(String overlay) throws Exception {
    List<JsonNode> flink = Rendered.ofKind(Rendered.overlay(overlay), "FlinkDeployment").toList();
    assertThat(flink).hasSize(3);
    for (JsonNode r : flink) {
      FlinkDeployment fd = (FlinkDeployment) StrictModels.load(forFlinkOperatorApi110(r));
      var spec = fd.getSpec();
      assertThat(spec.getJob().getJarURI()).as(Rendered.id(r) + ": application mode, jar in the image").startsWith("local:///");
      assertThat(spec.getJob().getUpgradeMode()).isEqualTo(UpgradeMode.SAVEPOINT);
      var conf = spec.getFlinkConfiguration();
      assertThat(conf.get("execution.checkpointing.dir")).startsWith("s3://");
      assertThat(conf.get("execution.checkpointing.savepoint-dir")).startsWith("s3://");
      assertThat(conf.get("high-availability.type")).isEqualTo("kubernetes");
      assertThat(conf.get("high-availability.storageDir")).startsWith("s3://");
      assertThat(spec.getJobManager().getResource().getCpu()).isPositive();
      assertThat(spec.getTaskManager().getResource().getMemory()).isNotBlank();
      if (overlay.equals("production")) assertThat(spec.getJobManager().getReplicas()).as("standby JobManager").isGreaterThanOrEqualTo(2);
    }
    assertThat(flink).extracting(r -> r.path("spec").path("flinkConfiguration").path("execution.checkpointing.dir").asText())
        .doesNotHaveDuplicates();
  }

  @Test
  void the_strict_loader_refuses_an_unknown_field() {
    JsonNode gateway = Rendered.named(Rendered.overlay("dev"), "Deployment", "gateway").deepCopy();
    ((ObjectNode) gateway.path("spec").path("template").path("spec").path("containers").get(0)).put("resorces", "typo");
    assertThatThrownBy(() -> StrictModels.load(gateway)).hasMessageContaining("resorces");

    JsonNode kafka = Rendered.named(Rendered.overlay("dev"), "Kafka", "onder").deepCopy();
    ((ObjectNode) kafka.path("spec").path("kafka")).put("zookeeper", "gone");
    assertThatThrownBy(() -> StrictModels.load(kafka)).hasMessageContaining("zookeeper");
  }

  @Test
  void the_crd_check_refuses_an_unknown_or_mistyped_field() {
    ObjectNode dc = Rendered.named(Rendered.overlay("dev"), "CassandraDatacenter", "dc1").deepCopy();
    ((ObjectNode) dc.get("spec")).put("sise", 3);
    ((ObjectNode) dc.get("spec")).put("size", "three");
    assertThat(CASSANDRA_DC.validate(dc)).anyMatch(e -> e.contains(".spec.sise: unknown field"))
        .anyMatch(e -> e.contains(".spec.size: must be integer"));
    ObjectNode fd = Rendered.named(Rendered.overlay("dev"), "FlinkDeployment", "onder-dr").deepCopy();
    ((ObjectNode) fd.get("spec")).put("flinkVersion", "v2_9");
    assertThat(FLINK_DEPLOYMENT.validate(fd)).anyMatch(e -> e.contains(".spec.flinkVersion"));
  }

  @Test
  void every_rendered_kind_has_a_model_or_a_crd() {
    Set<String> kinds = new java.util.TreeSet<>();
    for (String o : Rendered.OVERLAYS) Rendered.overlay(o).forEach(r -> kinds.add(StrictModels.key(r)));
    kinds.removeAll(StrictModels.MODELS.keySet());
    assertThat(kinds).containsExactly("cassandra.datastax.com/v1beta1/CassandraDatacenter");
  }
}
