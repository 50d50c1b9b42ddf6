package io.onder.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import java.util.Map;

/**
 * Loads a rendered resource into the class its operator (or Kubernetes itself) uses, refusing unknown fields.
 * fabric8 and Strimzi model classes keep unknown fields in an "additionalProperties" map through @JsonAnySetter;
 * this mapper ignores those any-setters, so FAIL_ON_UNKNOWN_PROPERTIES really fails on a misspelt or misplaced field.
 */
final class StrictModels {
  static final ObjectMapper STRICT = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
      .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
      .configure(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY, true)
      .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
        @Override
        public Boolean hasAnySetter(Annotated a) {
          return Boolean.FALSE;
        }
      });

  /** apiVersion + kind → model class; a resource of any other kind fails the test. */
  static final Map<String, Class<?>> MODELS = Map.ofEntries(
      Map.entry("v1/Namespace", io.fabric8.kubernetes.api.model.Namespace.class),
      Map.entry("v1/ServiceAccount", io.fabric8.kubernetes.api.model.ServiceAccount.class),
      Map.entry("v1/ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class),
      Map.entry("v1/Service", io.fabric8.kubernetes.api.model.Service.class),
      Map.entry("apps/v1/Deployment", io.fabric8.kubernetes.api.model.apps.Deployment.class),
      Map.entry("autoscaling/v2/HorizontalPodAutoscaler",
          io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class),
      Map.entry("policy/v1/PodDisruptionBudget", io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class),
      Map.entry("networking.k8s.io/v1/NetworkPolicy", io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class),
      Map.entry("rbac.authorization.k8s.io/v1/Role", io.fabric8.kubernetes.api.model.rbac.Role.class),
      Map.entry("rbac.authorization.k8s.io/v1/RoleBinding", io.fabric8.kubernetes.api.model.rbac.RoleBinding.class),
      Map.entry("kafka.strimzi.io/v1beta2/Kafka", io.strimzi.api.kafka.model.kafka.Kafka.class),
      Map.entry("kafka.strimzi.io/v1beta2/KafkaNodePool", io.strimzi.api.kafka.model.nodepool.KafkaNodePool.class),
      Map.entry("flink.apache.org/v1beta1/FlinkDeployment",
          org.apache.flink.kubernetes.operator.api.FlinkDeployment.class));

  private StrictModels() {}

  static String key(JsonNode r) {
    return r.path("apiVersion").asText() + "/" + r.path("kind").asText();
  }

  /** The typed object, or an exception naming the offending field. */
  static Object load(JsonNode resource) throws Exception {
    Class<?> type = MODELS.get(key(resource));
    if (type == null) throw new AssertionError("no model class for " + key(resource));
    return STRICT.treeToValue(resource, type);
  }
}
