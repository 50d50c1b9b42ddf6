package io.onder.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The operator's side of a Flink session cluster's REST API: upload and run job jars, list jobs, take savepoints,
 * stop with a savepoint. Used by {@code bin/onder jobs} and by the tests that deploy jobs as an operator would.
 */
public final class FlinkRest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  public FlinkRest(String restUrl) {
    this.base = restUrl.replaceAll("/$", "");
  }

  /** A job as the cluster reports it. */
  public record Job(String id, String name, String state, long startTime) {}

  public List<Job> jobs() throws IOException, InterruptedException {
    List<Job> out = new ArrayList<>();
    for (JsonNode j : get("/jobs/overview").path("jobs")) {
      out.add(new Job(j.path("jid").asText(), j.path("name").asText(), j.path("state").asText(), j.path("start-time").asLong()));
    }
    return out;
  }

  public JsonNode job(String jobId) throws IOException, InterruptedException {
    return get("/jobs/" + jobId);
  }

  /** Uploads a jar; returns its id on the cluster. */
  public String upload(Path jar) throws IOException, InterruptedException {
    String boundary = "onder-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName()
        + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.write(Files.readAllBytes(jar));
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/jars/upload")).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
    JsonNode r = send(req);
    String file = r.path("filename").asText();
    if (file.isEmpty()) throw new IOException("upload answered without a file name: " + r);
    return file.substring(file.lastIndexOf('/') + 1);
  }

  /** Runs an uploaded jar's entry class; from a savepoint when one is given. Returns the job id. */
  public String run(String jarId, String entryClass, List<String> args, String savepoint, Integer parallelism)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("entryClass", entryClass);
    var arr = body.putArray("programArgsList");
    args.forEach(arr::add);
    if (savepoint != null) {
      body.put("savepointPath", savepoint);
      body.put("allowNonRestoredState", false);
    }
    if (parallelism != null) body.put("parallelism", parallelism);
    JsonNode r = send(HttpRequest.newBuilder(URI.create(base + "/jars/" + jarId + "/run")).timeout(Duration.ofSeconds(120))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
    return r.path("jobid").asText();
  }

  /** Triggers a savepoint and waits for it; returns its location. */
  public String savepoint(String jobId, String targetDir, Duration timeout) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("cancel-job", false);
    if (targetDir != null) body.put("target-directory", targetDir);
    String trigger = post("/jobs/" + jobId + "/savepoints", body).path("request-id").asText();
    return awaitSavepoint(jobId, trigger, timeout);
  }

  /** Stops the job with a final savepoint (no data loss, no duplicates on restart); returns the savepoint. */
  public String stopWithSavepoint(String jobId, String targetDir, Duration timeout) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("drain", false);
    if (targetDir != null) body.put("targetDirectory", targetDir);
    String trigger = post("/jobs/" + jobId + "/stop", body).path("request-id").asText();
    return awaitSavepoint(jobId, trigger, timeout);
  }

  public void cancel(String jobId) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs/" + jobId + "?mode=cancel"))
        .method("PATCH", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) throw new IOException("cancel " + jobId + " answered " + r.statusCode() + ": " + r.body());
  }

  private String awaitSavepoint(String jobId, String trigger, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode s = get("/jobs/" + jobId + "/savepoints/" + trigger);
      if ("COMPLETED".equals(s.path("status").path("id").asText())) {
        JsonNode op = s.path("operation");
        if (op.has("failure-cause")) throw new IOException("savepoint failed: " + op.path("failure-cause").path("stack-trace").asText().lines().findFirst().orElse(""));
        return op.path("location").asText();
      }
      Thread.sleep(100);
    }
    throw new IOException("savepoint of " + jobId + " not complete after " + timeout.toSeconds() + " s");
  }

  /** Waits until the job is in the given state (e.g. RUNNING with all tasks running). */
  public void awaitState(String jobId, String state, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "?";
    while (System.nanoTime() < deadline) {
      JsonNode j = job(jobId);
      last = j.path("state").asText();
      boolean tasksRunning = true;
      if ("RUNNING".equals(state)) {
        for (JsonNode v : j.path("vertices")) tasksRunning &= "RUNNING".equals(v.path("status").asText());
      }
      if (state.equals(last) && tasksRunning) return;
      if ("FAILED".equals(last) && !"FAILED".equals(state)) throw new IOException("job " + jobId + " failed: " + get("/jobs/" + jobId + "/exceptions").path("root-exception").asText().lines().findFirst().orElse(""));
      Thread.sleep(100);
    }
    throw new IOException("job " + jobId + " is " + last + ", not " + state + ", after " + timeout.toSeconds() + " s");
  }

  /** The sum over every operator and subtask of a job of the counters named {@code name} (e.g. an operator's own). */
  public long counterSum(String jobId, String name) throws IOException, InterruptedException {
    long sum = 0;
    for (JsonNode v : job(jobId).path("vertices")) {
      String path = "/jobs/" + jobId + "/vertices/" + v.path("id").asText() + "/subtasks/metrics";
      List<String> ids = new ArrayList<>();
      for (JsonNode m : get(path)) {
        String id = m.path("id").asText();
        if (id.equals(name) || id.endsWith("." + name)) ids.add(id);
      }
      if (ids.isEmpty()) continue;
      for (JsonNode m : get(path + "?agg=sum&get=" + String.join(",", ids))) sum += (long) m.path("sum").asDouble();
    }
    return sum;
  }

  public JsonNode get(String path) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET().build());
  }

  private JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
  }

  private JsonNode send(HttpRequest req) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      String err = r.body();
      try {
        JsonNode e = JSON.readTree(r.body()).path("errors");
        if (e.isArray() && !e.isEmpty()) err = e.get(e.size() - 1).asText().lines().limit(3).reduce("", (a, b) -> a + b + " ");
      } catch (IOException notJson) {
        // keep the raw body
      }
      throw new IOException(req.method() + " " + req.uri().getPath() + " answered " + r.statusCode() + ": " + err.strip());
    }
    return JSON.readTree(r.body());
  }
}
