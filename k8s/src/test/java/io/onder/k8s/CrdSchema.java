package io.onder.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Validates a custom resource against its CRD's structural OpenAPI v3 schema, the way the API server would with
 * strict field validation: unknown fields are errors unless the schema preserves them; types, enums, required
 * fields, patterns, lengths, bounds and anyOf/oneOf/allOf are checked. CEL rules (x-kubernetes-validations) are not
 * evaluated (the committed CRDs have none).
 *
 * <p>Stricter than the API server in one place: an object that lists its properties is closed even when it also says
 * x-kubernetes-preserve-unknown-fields (cass-operator's whole spec does, so a misspelt field would otherwise pass
 * silently and be ignored by the operator). A field that preserves unknown fields without listing properties (such
 * as cass-operator's free-form {@code config}) accepts any value, as the operator's own examples use it.
 */
final class CrdSchema {
  private final String group;
  private final String kind;
  private final Map<String, JsonNode> schemaByVersion = new java.util.HashMap<>();

  private CrdSchema(JsonNode crd) {
    this.group = crd.path("spec").path("group").asText();
    this.kind = crd.path("spec").path("names").path("kind").asText();
    for (JsonNode v : crd.path("spec").path("versions")) {
      schemaByVersion.put(v.path("name").asText(), v.path("schema").path("openAPIV3Schema"));
    }
  }

  static CrdSchema load(String resource) {
    try (InputStream in = CrdSchema.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException(resource + " is missing");
      return new CrdSchema(Rendered.parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).get(0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String kind() {
    return kind;
  }

  /** Errors of {@code resource} against this CRD; empty when valid. */
  List<String> validate(JsonNode resource) {
    List<String> errors = new ArrayList<>();
    String apiVersion = resource.path("apiVersion").asText();
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    if (!apiVersion.startsWith(group + "/") || !schemaByVersion.containsKey(version)) {
      errors.add("apiVersion " + apiVersion + " is not served by the " + kind + " CRD");
      return errors;
    }
    if (!kind.equals(resource.path("kind").asText())) errors.add("kind " + resource.path("kind") + " is not " + kind);
    JsonNode schema = schemaByVersion.get(version);
    for (Iterator<Map.Entry<String, JsonNode>> it = resource.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getKey().equals("metadata") || f.getKey().equals("apiVersion") || f.getKey().equals("kind")) continue;
      JsonNode sub = schema.path("properties").path(f.getKey());
      if (sub.isMissingNode()) errors.add("." + f.getKey() + ": unknown field");
      else check(f.getValue(), sub, "." + f.getKey(), errors);
    }
    for (JsonNode req : schema.path("required")) {
      if (!resource.has(req.asText())) errors.add("." + req.asText() + ": required");
    }
    return errors;
  }

  private static void check(JsonNode v, JsonNode s, String path, List<String> errors) {
    if (v.isNull()) {
      if (!s.path("nullable").asBoolean()) errors.add(path + ": null is not allowed");
      return;
    }
    boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean();
    if (preserve && !s.has("properties") && !s.has("additionalProperties")) return;
    if (s.path("x-kubernetes-int-or-string").asBoolean()) {
      if (!(v.isIntegralNumber() || v.isTextual())) errors.add(path + ": must be an integer or a string, is " + v);
    } else {
      String type = s.path("type").asText("");
      boolean ok = switch (type) {
        case "object" -> v.isObject();
        case "array" -> v.isArray();
        case "string" -> v.isTextual();
        case "integer" -> v.isIntegralNumber();
        case "number" -> v.isNumber();
        case "boolean" -> v.isBoolean();
        default -> true;
      };
      if (!ok) {
        errors.add(path + ": must be " + type + ", is " + v.getNodeType().name().toLowerCase() + " " + v);
        return;
      }
    }
    if (s.has("enum")) {
      boolean found = false;
      for (JsonNode e : s.path("enum")) found |= e.equals(v);
      if (!found) errors.add(path + ": " + v + " is not one of " + s.path("enum"));
    }
    if (v.isTextual()) {
      if (s.has("pattern") && !Pattern.compile(s.path("pattern").asText()).matcher(v.asText()).find()) {
        errors.add(path + ": " + v + " does not match " + s.path("pattern").asText());
      }
      if (s.has("maxLength") && v.asText().length() > s.path("maxLength").asInt()) errors.add(path + ": too long");
      if (s.has("minLength") && v.asText().length() < s.path("minLength").asInt()) errors.add(path + ": too short");
    }
    if (v.isNumber()) {
      if (s.has("minimum") && v.asDouble() < s.path("minimum").asDouble()) errors.add(path + ": below " + s.path("minimum"));
      if (s.has("maximum") && v.asDouble() > s.path("maximum").asDouble()) errors.add(path + ": above " + s.path("maximum"));
    }
    if (v.isArray()) {
      if (s.has("maxItems") && v.size() > s.path("maxItems").asInt()) errors.add(path + ": too many items");
      if (s.has("minItems") && v.size() < s.path("minItems").asInt()) errors.add(path + ": too few items");
      int i = 0;
      for (JsonNode item : v) check(item, s.path("items"), path + "[" + i++ + "]", errors);
    }
    if (v.isObject()) {
      JsonNode props = s.path("properties");
      JsonNode additional = s.path("additionalProperties");
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        String p = path + "." + f.getKey();
        if (props.has(f.getKey())) check(f.getValue(), props.path(f.getKey()), p, errors);
        else if (additional.isObject()) check(f.getValue(), additional, p, errors);
        else if (!additional.asBoolean(false) && !s.path("x-kubernetes-embedded-resource").asBoolean()) {
          errors.add(p + ": unknown field");
        }
      }
      for (JsonNode req : s.path("required")) {
        if (!v.has(req.asText())) errors.add(path + "." + req.asText() + ": required");
      }
    }
    for (JsonNode sub : s.path("allOf")) check(v, sub, path, errors);
    if (s.has("anyOf") || s.has("oneOf")) {
      JsonNode alternatives = s.has("anyOf") ? s.path("anyOf") : s.path("oneOf");
      int matching = 0;
      for (JsonNode alt : alternatives) {
        List<String> altErrors = new ArrayList<>();
        check(v, alt, path, altErrors);
        if (altErrors.isEmpty()) matching++;
      }
      if (matching == 0 || (s.has("oneOf") && matching > 1)) {
        errors.add(path + ": matches " + matching + " of " + (s.has("anyOf") ? "anyOf" : "oneOf") + " " + alternatives);
      }
    }
  }
}
