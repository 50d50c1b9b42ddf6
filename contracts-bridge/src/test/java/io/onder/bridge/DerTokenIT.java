package io.onder.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.onder.bridge.contracts.DerToken;
import io.onder.stack.Server;
import io.onder.testkit.RealServers;
import io.onder.testkit.TestAnvil;
import java.lang.reflect.Method;
import java.math.BigInteger;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@RealServers(Server.ANVIL)
class DerTokenIT {
  private static final BigInteger SUPPLY = BigInteger.TEN.pow(9 + 18);
  private Fixture f;

  @BeforeEach
  void deploy(TestAnvil anvil) throws Exception {
    f = Fixture.deploy(anvil);
  }

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void the_whole_fixed_supply_goes_to_the_holder_once() throws Exception {
    DerToken der = f.d.der();
    assertThat(der.totalSupply().send()).isEqualTo(SUPPLY).isEqualTo(der.FIXED_SUPPLY().send());
    assertThat(der.balanceOf(f.admin.getAddress()).send()).isEqualTo(SUPPLY);
    assertThat(der.decimals().send()).isEqualTo(BigInteger.valueOf(18));
    assertThat(der.symbol().send()).isEqualTo("DER");
    assertThat(Arrays.stream(DerToken.class.getMethods()).map(Method::getName))
        .as("no way to mint or burn after deployment").noneMatch(n -> n.contains("mint") || n.contains("burn"));
  }

  @Test
  void transfers_move_der_and_overdrafts_revert() throws Exception {
    f.der(f.admin).transfer(f.alice.getAddress(), BigInteger.TEN).send();
    assertThat(f.d.der().balanceOf(f.alice.getAddress()).send()).isEqualTo(BigInteger.TEN);
    f.assertReverts("ERC20InsufficientBalance", f.alice, f.d.der(), f.der(f.alice).transfer(f.bob.getAddress(), BigInteger.valueOf(11)));
    assertThat(f.d.der().totalSupply().send()).isEqualTo(SUPPLY);
  }

  @Test
  void no_supply_for_the_zero_address() {
    assertThatThrownBy(() -> DerToken.deploy(f.chain.web3j(), f.chain.txManager(f.admin), f.chain.gasProvider(3_000_000),
        "0x0000000000000000000000000000000000000000").send()).isInstanceOf(Exception.class);
  }
}
