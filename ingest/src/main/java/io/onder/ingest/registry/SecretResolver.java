package io.onder.ingest.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves a device's {@code psk_secret_ref} to the key bytes, so that secrets live outside the registry table:
 * <ul>
 *   <li>{@code file:<path>#<name>} — a properties file (readable by the gateway only) where {@code <name>} maps to
 *       the base64 key; one file can hold a whole fleet. Files are re-read when they change.</li>
 *   <li>{@code env:<VARIABLE>} — an environment variable holding the base64 key.</li>
 * </ul>
 * Never logs a key and never puts one in an exception message.
 */
public final class SecretResolver {
  private record Loaded(long modified, Properties props) {}

  private final Map<Path, Loaded> files = new ConcurrentHashMap<>();

  public Optional<byte[]> resolve(String ref) {
    if (ref == null) return Optional.empty();
    String b64;
    if (ref.startsWith("file:")) {
      int hash = ref.lastIndexOf('#');
      if (hash < 0) return Optional.empty();
      b64 = file(Path.of(ref.substring(5, hash))).getProperty(ref.substring(hash + 1));
    } else if (ref.startsWith("env:")) {
      b64 = System.getenv(ref.substring(4));
    } else {
      return Optional.empty();
    }
    if (b64 == null || b64.isBlank()) return Optional.empty();
    try {
      return Optional.of(Base64.getDecoder().decode(b64.strip()));
    } catch (IllegalArgumentException notBase64) {
      return Optional.empty();
    }
  }

  private Properties file(Path path) {
    try {
      if (!Files.exists(path)) return new Properties();
      long modified = Files.getLastModifiedTime(path).toMillis();
      Loaded l = files.get(path);
      if (l != null && l.modified == modified) return l.props;
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(path)) {
        p.load(in);
      }
      files.put(path, new Loaded(modified, p));
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the secrets file " + path, e);
    }
  }
}
