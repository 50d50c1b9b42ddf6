package io.onder.ingest.coap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Properties;

/**
 * The gateway's own raw public key pair for RPK handshakes, from a file readable by the gateway only:
 * {@code private=<base64 PKCS#8>} and {@code public=<base64 SubjectPublicKeyInfo>} (EC P-256). Devices pin the
 * public half.
 */
public final class ServerKey {
  private ServerKey() {}

  public static KeyPair load(Path file) throws IOException, GeneralSecurityException {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    KeyFactory ec = KeyFactory.getInstance("EC");
    return new KeyPair(ec.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(p.getProperty("public").strip()))),
        ec.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(p.getProperty("private").strip()))));
  }
}
