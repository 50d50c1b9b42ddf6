package io.onder.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The committed files, as Grafana would read them: dashboards under json/, provisioning under provisioning/. */
final class DashboardFiles {
  static final Path MODULE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
  static final Path JSON_DIR = MODULE.resolve("json");
  static final Path DATASOURCES = MODULE.resolve("provisioning/datasources/onder.yaml");
  static final Path PROVIDERS = MODULE.resolve("provisioning/dashboards/onder.yaml");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private DashboardFiles() {}

  /** Every committed dashboard, by file name, in name order. */
  static Map<String, JsonNode> dashboards() {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(JSON_DIR)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        out.put(p.getFileName().toString(), JSON.readTree(p.toFile()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static JsonNode yaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every non-row panel, including those nested in rows. */
  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      if ("row".equals(p.path("type").asText())) {
        p.path("panels").forEach(out::add);
      } else {
        out.add(p);
      }
    }
    return out;
  }

  /** Every panel id, rows included. */
  static List<Integer> panelIds(JsonNode dashboard) {
    List<Integer> ids = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      ids.add(p.path("id").asInt(-1));
      for (JsonNode nested : p.path("panels")) ids.add(nested.path("id").asInt(-1));
    }
    return ids;
  }

  static boolean isCassandra(JsonNode datasource) {
    return DashboardBuilder.CASSANDRA_TYPE.equals(datasource.path("type").asText());
  }

  /** The query text of a target or variable: CQL for Cassandra, PromQL for Prometheus. */
  static String queryOf(JsonNode target) {
    if (target.has("target")) return target.path("target").asText();
    if (target.has("expr")) return target.path("expr").asText();
    JsonNode q = target.path("query");
    return q.isObject() ? q.path("query").asText() : q.asText();
  }
}
