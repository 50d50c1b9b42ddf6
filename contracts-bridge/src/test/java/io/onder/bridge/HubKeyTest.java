package io.onder.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.WalletUtils;
import org.web3j.utils.Numeric;

class HubKeyTest {
  @Test
  void loads_an_encrypted_keystore_with_a_password_file(@TempDir Path dir) throws Exception {
    ECKeyPair pair = Keys.createEcKeyPair();
    String password = "pw-" + System.nanoTime();
    String file = WalletUtils.generateWalletFile(password, pair, dir.toFile(), false);
    Path pw = Files.writeString(dir.resolve("pw"), password + "\n");
    Credentials c = HubKey.load(Map.of(HubKey.KEYSTORE, dir.resolve(file).toString(), HubKey.PASSWORD_FILE, pw.toString()));
    assertThat(c.getAddress()).isEqualTo(Credentials.create(pair).getAddress());
  }

  @Test
  void errors_name_the_variables_never_their_values(@TempDir Path dir) throws Exception {
    String secret = Numeric.toHexStringNoPrefixZeroPadded(Keys.createEcKeyPair().getPrivateKey(), 64);
    assertThatThrownBy(() -> HubKey.load(Map.of(HubKey.PRIVATE_KEY, secret + "zz")))
        .hasMessageContaining(HubKey.PRIVATE_KEY).hasMessageNotContaining(secret);
    Path wrong = Files.writeString(dir.resolve("pw"), secret);
    String file = WalletUtils.generateWalletFile("right", Keys.createEcKeyPair(), dir.toFile(), false);
    assertThatThrownBy(() -> HubKey.load(Map.of(HubKey.KEYSTORE, dir.resolve(file).toString(), HubKey.PASSWORD_FILE, wrong.toString())))
        .hasMessageContaining(HubKey.KEYSTORE).hasMessageNotContaining(secret);
    assertThatThrownBy(() -> HubKey.load(Map.of())).hasMessageContaining(HubKey.PRIVATE_KEY);
  }

  @Test
  void a_voucher_and_its_signer_print_no_key() throws Exception {
    Credentials key = Credentials.create(Keys.createEcKeyPair());
    VoucherSigner s = new VoucherSigner(key, 31337, "0x00000000000000000000000000000000000000aa");
    String priv = key.getEcKeyPair().getPrivateKey().toString(16);
    assertThat(s.toString()).doesNotContain(priv);
    assertThat(s.sign("0x00000000000000000000000000000000000000bb", 5).toString()).doesNotContain(priv);
  }
}
