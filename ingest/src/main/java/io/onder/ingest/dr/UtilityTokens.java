package io.onder.ingest.dr;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Bearer tokens of the utilities, from a properties file holding only SHA-256 digests:
 * {@code utility.<utilityId>.token-sha256=<64 hex digits>}. The file never holds a token, and no token is ever
 * logged or echoed; comparison is constant-time on the digests.
 */
public final class UtilityTokens {
  private final Map<String, byte[]> digests = new HashMap<>();

  public UtilityTokens(Properties p) {
    for (String k : p.stringPropertyNames()) {
      if (k.startsWith("utility.") && k.endsWith(".token-sha256")) {
        String utility = k.substring("utility.".length(), k.length() - ".token-sha256".length());
        digests.put(utility, HexFormat.of().parseHex(p.getProperty(k).strip()));
      }
    }
  }

  public static UtilityTokens fromFile(Path file) throws IOException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    return new UtilityTokens(p);
  }

  public static String sha256Hex(String token) {
    return HexFormat.of().formatHex(sha256(token));
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The utility a bearer token belongs to. */
  public Optional<String> utility(String token) {
    if (token == null || token.isEmpty()) return Optional.empty();
    byte[] d = sha256(token);
    String found = null;
    for (Map.Entry<String, byte[]> e : digests.entrySet()) if (MessageDigest.isEqual(d, e.getValue())) found = e.getKey();
    return Optional.ofNullable(found);
  }
}
