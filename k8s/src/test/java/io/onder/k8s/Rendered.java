package io.onder.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** One overlay rendered by kustomize, as a list of resources (rendered once per test JVM). */
final class Rendered {
  static final Path K8S = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
  static final List<String> OVERLAYS = List.of("dev", "production");
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Map<String, List<JsonNode>> CACHE = new ConcurrentHashMap<>();

  private Rendered() {}

  static List<JsonNode> overlay(String name) {
    return CACHE.computeIfAbsent(name, n -> parse(Kubectl.kustomize(K8S.resolve("overlays").resolve(n))));
  }

  static List<JsonNode> parse(String multiDoc) {
    List<JsonNode> out = new ArrayList<>();
    try (YAMLParser parser = new YAMLFactory().createParser(multiDoc)) {
      for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isEmpty()) out.add(doc);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  static Stream<JsonNode> ofKind(List<JsonNode> resources, String kind) {
    return resources.stream().filter(r -> kind.equals(r.path("kind").asText()));
  }

  static JsonNode named(List<JsonNode> resources, String kind, String name) {
    return ofKind(resources, kind).filter(r -> name.equals(r.path("metadata").path("name").asText())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  static String id(JsonNode r) {
    return r.path("kind").asText() + "/" + r.path("metadata").path("name").asText();
  }
}
