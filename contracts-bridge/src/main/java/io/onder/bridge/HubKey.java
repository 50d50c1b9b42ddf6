package io.onder.bridge;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.web3j.crypto.exception.CipherException;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.WalletUtils;

/**
 * Loads the hub's voucher-signing and settlement key from outside the code: either an encrypted JSON keystore
 * ({@code ONDER_HUB_KEYSTORE} = path, {@code ONDER_HUB_KEYSTORE_PASSWORD_FILE} = path of a file holding its password)
 * or, for development, {@code ONDER_HUB_PRIVATE_KEY} (hex). Error messages name the variables, never their values.
 */
public final class HubKey {
  public static final String KEYSTORE = "ONDER_HUB_KEYSTORE";
  public static final String PASSWORD_FILE = "ONDER_HUB_KEYSTORE_PASSWORD_FILE";
  public static final String PRIVATE_KEY = "ONDER_HUB_PRIVATE_KEY";

  private HubKey() {}

  public static Credentials load(Map<String, String> env) {
    String keystore = env.get(KEYSTORE);
    if (keystore != null && !keystore.isBlank()) {
      String pwFile = env.get(PASSWORD_FILE);
      if (pwFile == null || pwFile.isBlank()) throw new IllegalStateException(KEYSTORE + " is set but " + PASSWORD_FILE + " is not");
      try {
        String password = Files.readString(Path.of(pwFile)).strip();
        return WalletUtils.loadCredentials(password, Path.of(keystore).toFile());
      } catch (IOException | CipherException e) {
        throw new IllegalStateException("cannot open the hub keystore named by " + KEYSTORE + " (" + e.getClass().getSimpleName() + ")");
      }
    }
    String hex = env.get(PRIVATE_KEY);
    if (hex != null && !hex.isBlank()) {
      if (!WalletUtils.isValidPrivateKey(hex.strip())) throw new IllegalStateException(PRIVATE_KEY + " is not a valid private key");
      return Credentials.create(hex.strip());
    }
    throw new IllegalStateException("no hub key: set " + KEYSTORE + " and " + PASSWORD_FILE + ", or " + PRIVATE_KEY);
  }
}
