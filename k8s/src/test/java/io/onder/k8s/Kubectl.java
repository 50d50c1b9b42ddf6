package io.onder.k8s;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code kubectl kustomize} (offline: it only reads files). The binary is {@code -Donder.kubectl},
 * {@code ONDER_KUBECTL} or {@code kubectl} on the PATH; Debian's package is kubernetes-client, and the manifests are
 * written for its kustomize (v2.0.3) as well as current ones (v5).
 */
final class Kubectl {
  private Kubectl() {}

  static String binary() {
    String explicit = System.getProperty("onder.kubectl", System.getenv("ONDER_KUBECTL"));
    if (explicit != null && !explicit.isBlank()) return explicit;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, "kubectl");
      if (Files.isExecutable(p)) return p.toString();
    }
    throw new AssertionError("kubectl not found on the PATH: install Debian's kubernetes-client"
        + " (apt-get install -y kubernetes-client; .ci/run does) or point -Donder.kubectl at a kubectl binary");
  }

  /** The multi-document YAML kustomize renders for {@code dir}. */
  static String kustomize(Path dir) {
    try {
      Process p = new ProcessBuilder(List.of(binary(), "kustomize", dir.toString())).redirectErrorStream(false).start();
      CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
      CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("kubectl kustomize " + dir + " did not finish in 60 s");
      }
      String stderr = new String(err.join(), StandardCharsets.UTF_8);
      if (p.exitValue() != 0) throw new AssertionError("kubectl kustomize " + dir + " failed (" + p.exitValue() + "): " + stderr);
      return new String(out.join(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + binary(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static byte[] readAll(InputStream in) {
    try (in; ByteArrayOutputStream b = new ByteArrayOutputStream()) {
      in.transferTo(b);
      return b.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
