package io.onder.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the rendered overlays must guarantee beyond loading: resources, secrets, wiring, network policy, HA. */
class ManifestPoliciesTest {
  /** Secrets the manifests refer to; none is defined here, each is created by the cluster's secret store. */
  static final Set<String> EXTERNAL_SECRETS = Set.of("onder-cassandra-superuser", "onder-cassandra-grafana",
      "onder-grafana-admin", "onder-hub-key", "onder-chain-rpc", "onder-dr-api-tokens", "onder-object-storage");

  private static Map<String, JsonNode> podTemplates(List<JsonNode> rs) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    Rendered.ofKind(rs, "Deployment").forEach(d -> out.put(Rendered.id(d), d.path("spec").path("template")));
    Rendered.ofKind(rs, "FlinkDeployment").forEach(d -> out.put(Rendered.id(d), d.path("spec").path("podTemplate")));
    return out;
  }

  private static Stream<JsonNode> containers(JsonNode podTemplate) {
    JsonNode spec = podTemplate.path("spec");
    List<JsonNode> all = new ArrayList<>();
    spec.path("containers").forEach(all::add);
    spec.path("initContainers").forEach(all::add);
    return all.stream();
  }

  private static void assertRequestsAndLimits(String where, JsonNode resources) {
    for (String kind : List.of("requests", "limits")) {
      for (String res : List.of("cpu", "memory")) {
        assertThat(resources.path(kind).path(res).asText()).as(where + " " + kind + "." + res).isNotBlank();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void every_container_has_requests_and_limits(String overlay) {
    List<JsonNode> rs = Rendered.overlay(overlay);
    Rendered.ofKind(rs, "Deployment").forEach(d -> containers(d.path("spec").path("template"))
        .forEach(c -> assertRequestsAndLimits(Rendered.id(d) + "/" + c.path("name").asText(), c.path("resources"))));
    Rendered.ofKind(rs, "KafkaNodePool").forEach(p -> assertRequestsAndLimits(Rendered.id(p), p.path("spec").path("resources")));
    JsonNode kafka = Rendered.named(rs, "Kafka", "onder").path("spec");
    assertRequestsAndLimits("topic operator", kafka.path("entityOperator").path("topicOperator").path("resources"));
    assertRequestsAndLimits("user operator", kafka.path("entityOperator").path("userOperator").path("resources"));
    assertRequestsAndLimits("kafka exporter", kafka.path("kafkaExporter").path("resources"));
    Rendered.ofKind(rs, "CassandraDatacenter").forEach(dc -> assertRequestsAndLimits(Rendered.id(dc), dc.path("spec").path("resources")));
    // The Flink operator turns jobManager/taskManager.resource into both requests and limits of those pods.
    Rendered.ofKind(rs, "FlinkDeployment").forEach(fd -> {
      for (String role : List.of("jobManager", "taskManager")) {
        JsonNode r = fd.path("spec").path(role).path("resource");
        assertThat(r.path("cpu").asDouble()).as(Rendered.id(fd) + " " + role + " cpu").isPositive();
        assertThat(r.path("memory").asText()).as(Rendered.id(fd) + " " + role + " memory").isNotBlank();
      }
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void no_secret_is_defined_and_sensitive_values_come_only_from_secret_references(String overlay) {
    List<JsonNode> rs = Rendered.overlay(overlay);
    assertThat(rs).noneMatch(r -> r.path("kind").asText().equals("Secret"));
    Set<String> referenced = new TreeSet<>();
    podTemplates(rs).forEach((id, pt) -> {
      containers(pt).forEach(c -> c.path("env").forEach(e -> {
        String name = e.path("name").asText();
        JsonNode ref = e.path("valueFrom").path("secretKeyRef");
        if (!ref.isMissingNode()) referenced.add(ref.path("name").asText());
        if (name.matches("(?i).*(PASSWORD|SECRET|TOKEN|PRIVATE|_KEY\\b|_KEY_).*") && !name.endsWith("_FILE")) {
          assertThat(ref.isMissingNode()).as(id + " env " + name + " must come from a Secret").isFalse();
        }
        assertThat(name).as(id + ": a raw hub key in the environment").isNotEqualTo("ONDER_HUB_PRIVATE_KEY");
      }));
      pt.path("spec").path("volumes").forEach(v -> {
        if (v.has("secret")) referenced.add(v.path("secret").path("secretName").asText());
      });
    });
    Rendered.ofKind(rs, "CassandraDatacenter").forEach(dc -> referenced.add(dc.path("spec").path("superuserSecretName").asText()));
    assertThat(referenced).containsExactlyInAnyOrderElementsOf(EXTERNAL_SECRETS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void the_bridge_is_a_single_signer_with_its_key_mounted_read_only(String overlay) {
    JsonNode bridge = Rendered.named(Rendered.overlay(overlay), "Deployment", "bridge").path("spec");
    assertThat(bridge.path("replicas").asInt()).isEqualTo(1);
    assertThat(bridge.path("strategy").path("type").asText()).isEqualTo("Recreate");
    JsonNode c = bridge.path("template").path("spec").path("containers").get(0);
    Map<String, String> env = new HashMap<>();
    c.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    assertThat(env.get("ONDER_HUB_KEYSTORE")).startsWith("/var/run/secrets/onder/hub/");
    assertThat(env.get("ONDER_HUB_KEYSTORE_PASSWORD_FILE")).startsWith("/var/run/secrets/onder/hub/");
    assertThat(c.path("volumeMounts")).anySatisfy(m -> {
      assertThat(m.path("mountPath").asText()).isEqualTo("/var/run/secrets/onder/hub");
      assertThat(m.path("readOnly").asBoolean()).isTrue();
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void services_autoscaler_and_budget_select_the_gateway_and_coap_is_udp(String overlay) {
    List<JsonNode> rs = Rendered.overlay(overlay);
    Map<String, JsonNode> pods = podTemplates(rs);
    Rendered.ofKind(rs, "Service").forEach(svc -> {
      JsonNode selector = svc.path("spec").path("selector");
      List<JsonNode> matching = pods.values().stream().filter(pt -> matches(selector, pt.path("metadata").path("labels"))).toList();
      assertThat(matching).as(Rendered.id(svc) + " selects no pod").isNotEmpty();
      for (JsonNode port : svc.path("spec").path("ports")) {
        String target = port.path("targetPort").asText();
        assertThat(matching).as(Rendered.id(svc) + " targetPort " + target).allSatisfy(pt -> assertThat(
            containers(pt).flatMap(c -> iterate(c.path("ports"))).anyMatch(p -> p.path("name").asText().equals(target)
                && p.path("protocol").asText("TCP").equals(port.path("protocol").asText("TCP")))).isTrue());
      }
    });
    JsonNode coap = Rendered.named(rs, "Service", "coap").path("spec");
    assertThat(iterate(coap.path("ports")).map(p -> p.path("protocol").asText() + "/" + p.path("port").asInt()))
        .containsExactlyInAnyOrder("UDP/5683", "UDP/5684");
    assertThat(coap.path("sessionAffinity").asText()).as("DTLS sessions stay on one pod").isEqualTo("ClientIP");
    JsonNode hpa = Rendered.named(rs, "HorizontalPodAutoscaler", "gateway").path("spec");
    assertThat(hpa.path("scaleTargetRef").path("name").asText()).isEqualTo("gateway");
    assertThat(hpa.path("maxReplicas").asInt()).isGreaterThan(hpa.path("minReplicas").asInt());
    JsonNode pdb = Rendered.named(rs, "PodDisruptionBudget", "gateway").path("spec");
    assertThat(matches(pdb.path("selector").path("matchLabels"), pods.get("Deployment/gateway").path("metadata").path("labels"))).isTrue();
    if (overlay.equals("production")) {
      assertThat(pdb.path("minAvailable").asInt()).isGreaterThanOrEqualTo(2);
      assertThat(hpa.path("minReplicas").asInt()).isGreaterThan(pdb.path("minAvailable").asInt());
    } else {
      assertThat(pdb.path("minAvailable").asInt()).as("one replica must not block drains").isLessThan(hpa.path("minReplicas").asInt());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void network_policies_deny_by_default_and_name_pods_that_exist(String overlay) {
    List<JsonNode> rs = Rendered.overlay(overlay);
    JsonNode deny = Rendered.named(rs, "NetworkPolicy", "default-deny-ingress").path("spec");
    assertThat(deny.path("podSelector").isEmpty()).isTrue();
    assertThat(deny.path("ingress").isMissingNode() || deny.path("ingress").isEmpty()).isTrue();
    // Label sets of every pod in the namespace: ours, and those the operators make (documented labels).
    List<JsonNode> labelSets = new ArrayList<>();
    podTemplates(rs).values().forEach(pt -> labelSets.add(pt.path("metadata").path("labels")));
    Rendered.ofKind(rs, "CassandraDatacenter").forEach(dc -> labelSets.add(Rendered.YAML.createObjectNode()
        .put("cassandra.datastax.com/cluster", dc.path("spec").path("clusterName").asText())));
    Rendered.ofKind(rs, "NetworkPolicy").forEach(np -> {
      List<JsonNode> selectors = new ArrayList<>();
      selectors.add(np.path("spec").path("podSelector"));
      np.path("spec").path("ingress").forEach(i -> i.path("from").forEach(f -> {
        if (f.has("podSelector")) selectors.add(f.path("podSelector"));
      }));
      for (JsonNode sel : selectors) {
        JsonNode labels = sel.path("matchLabels");
        if (labels.isEmpty()) continue;
        assertThat(labelSets).as(Rendered.id(np) + " selects pods labelled " + labels + " but none is").anyMatch(l -> matches(labels, l));
      }
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void grafana_mounts_exactly_the_committed_dashboards_and_provisioning(String overlay) throws Exception {
    List<JsonNode> rs = Rendered.overlay(overlay);
    JsonNode grafana = Rendered.named(rs, "Deployment", "grafana").path("spec").path("template").path("spec");
    Map<String, JsonNode> configMaps = new HashMap<>();
    Rendered.ofKind(rs, "ConfigMap").forEach(cm -> configMaps.put(cm.path("metadata").path("name").asText(), cm));
    for (JsonNode v : grafana.path("volumes")) {
      if (v.has("configMap")) assertThat(configMaps).as("volume " + v.path("name")).containsKey(v.path("configMap").path("name").asText());
    }
    JsonNode dashboards = configMaps.values().stream().filter(cm -> cm.path("metadata").path("name").asText().startsWith("grafana-dashboards-"))
        .findFirst().orElseThrow().path("data");
    Path dir = Rendered.K8S.resolveSibling("dashboards").resolve("json");
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> json = files.filter(p -> p.toString().endsWith(".json")).toList();
      assertThat(json).isNotEmpty();
      assertThat(dashboards.size()).isEqualTo(json.size());
      for (Path p : json) assertThat(dashboards.path(p.getFileName().toString()).asText()).as(p.toString()).isEqualTo(Files.readString(p));
    }
    Map<String, String> env = new HashMap<>();
    grafana.path("containers").get(0).path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    String dashboardsMount = iterate(grafana.path("containers").get(0).path("volumeMounts"))
        .filter(m -> m.path("name").asText().equals("dashboards")).findFirst().orElseThrow().path("mountPath").asText();
    assertThat(env.get("ONDER_DASHBOARDS_DIR")).isEqualTo(dashboardsMount);
    assertThat(env.get("GF_INSTALL_PLUGINS")).contains("hadesarchitect-cassandra-datasource");
  }

  @ParameterizedTest
  @ValueSource(strings = {"production"})
  void production_survives_losing_a_node_or_a_zone(String overlay) {
    List<JsonNode> rs = Rendered.overlay(overlay);
    JsonNode kafka = Rendered.named(rs, "Kafka", "onder").path("spec").path("kafka");
    assertThat(kafka.path("config").path("default.replication.factor").asInt()).isEqualTo(3);
    assertThat(kafka.path("config").path("min.insync.replicas").asInt()).isEqualTo(2);
    assertThat(kafka.path("rack").path("topologyKey").asText()).isEqualTo("topology.kubernetes.io/zone");
    assertThat(Rendered.named(rs, "KafkaNodePool", "controller").path("spec").path("replicas").asInt()).isEqualTo(3);
    assertThat(Rendered.named(rs, "KafkaNodePool", "broker").path("spec").path("replicas").asInt()).isGreaterThanOrEqualTo(3);
    JsonNode dc = Rendered.named(rs, "CassandraDatacenter", "dc1").path("spec");
    assertThat(dc.path("racks").size()).isEqualTo(3);
    assertThat(dc.path("size").asInt() % 3).as("nodes spread evenly over racks").isZero();
    assertThat(dc.path("size").asInt()).isGreaterThanOrEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "production"})
  void every_onder_image_is_described_by_a_containerfile(String overlay) throws Exception {
    List<JsonNode> rs = Rendered.overlay(overlay);
    Set<String> images = new TreeSet<>();
    Rendered.ofKind(rs, "Deployment").forEach(d -> containers(d.path("spec").path("template"))
        .forEach(c -> images.add(c.path("image").asText())));
    Rendered.ofKind(rs, "FlinkDeployment").forEach(fd -> images.add(fd.path("spec").path("image").asText()));
    List<String> ours = images.stream().filter(i -> i.startsWith("onder/")).toList();
    assertThat(ours).containsExactlyInAnyOrder("onder/contracts-bridge:0.1.0", "onder/flink-jobs:0.1.0", "onder/ingest:0.1.0");
    for (String image : ours) {
      String name = image.substring("onder/".length(), image.indexOf(':'));
      Path file = Rendered.K8S.resolve("images").resolve(name + ".Containerfile");
      assertThat(file).as(image).exists();
      assertThat(Files.readString(file)).contains("-t " + image);
    }
    String flinkImage = Files.readString(Rendered.K8S.resolve("images/flink-jobs.Containerfile"));
    Rendered.ofKind(rs, "FlinkDeployment").forEach(fd -> assertThat(flinkImage)
        .contains(fd.path("spec").path("job").path("jarURI").asText().substring("local://".length())));
  }

  private static Stream<JsonNode> iterate(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out.stream();
  }

  private static boolean matches(JsonNode selector, JsonNode labels) {
    if (selector.isEmpty()) return false;
    for (var it = selector.fields(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) return false;
    }
    return true;
  }
}
