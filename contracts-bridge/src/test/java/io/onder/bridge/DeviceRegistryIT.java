package io.onder.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.onder.bridge.contracts.DeviceRegistry;
import io.onder.stack.Server;
import io.onder.testkit.RealServers;
import io.onder.testkit.TestAnvil;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

@RealServers(Server.ANVIL)
class DeviceRegistryIT {
  private static final String ZERO = "0x0000000000000000000000000000000000000000";
  private Fixture f;
  private DeviceRegistry reg;
  private Credentials device;

  @BeforeEach
  void deploy(TestAnvil anvil) throws Exception {
    f = Fixture.deploy(anvil);
    reg = f.d.registry();
    f.registry(f.admin).setManufacturer(f.manufacturer.getAddress(), true).send();
    device = Credentials.create(Keys.createEcKeyPair(new SecureRandom()));
  }

  @AfterEach
  void close() {
    f.close();
  }

  // ---- EIP-712 as the registry verifies it
  private byte[] domain(long chainId) {
    return VoucherSigner.domainSeparator("Onder DeviceRegistry", "1", chainId, reg.getContractAddress());
  }

  private static byte[] word(org.web3j.abi.datatypes.Type<?> t) {
    return Numeric.hexStringToByteArray(TypeEncoder.encode(t));
  }

  private static byte[] sign(Credentials who, byte[] domain, String type, byte[]... fields) {
    byte[] typeHash = Hash.sha3(type.getBytes(StandardCharsets.UTF_8));
    byte[] struct = new byte[32 * (fields.length + 1)];
    System.arraycopy(typeHash, 0, struct, 0, 32);
    for (int i = 0; i < fields.length; i++) System.arraycopy(fields[i], 0, struct, 32 * (i + 1), 32);
    byte[] msg = new byte[66];
    msg[0] = 0x19;
    msg[1] = 0x01;
    System.arraycopy(domain, 0, msg, 2, 32);
    System.arraycopy(Hash.sha3(struct), 0, msg, 34, 32);
    Sign.SignatureData s = Sign.signMessage(Hash.sha3(msg), who.getEcKeyPair(), false);
    byte[] rsv = new byte[65];
    System.arraycopy(s.getR(), 0, rsv, 0, 32);
    System.arraycopy(s.getS(), 0, rsv, 32, 32);
    rsv[64] = s.getV()[0];
    return rsv;
  }

  private byte[] attestation(Credentials by, String dev) {
    return sign(by, domain(f.chain.chainId()), "DeviceAttestation(address device)", word(new Address(dev)));
  }

  private byte[] claimSig(Credentials by, String dev, String owner, long nonce, long chainId) {
    return sign(by, domain(chainId), "DeviceClaim(address device,address owner,uint256 nonce)", word(new Address(dev)),
        word(new Address(owner)), word(new Uint256(nonce)));
  }

  private void claim(Credentials owner, long nonce) throws Exception {
    String dev = device.getAddress();
    f.registry(f.carol).claim(dev, owner.getAddress(), claimSig(owner, dev, owner.getAddress(), nonce, f.chain.chainId()),
        claimSig(device, dev, owner.getAddress(), nonce, f.chain.chainId())).send();
  }

  @Test
  void a_manufacturer_attests_a_device_the_owner_claims_it_and_payouts_go_to_the_owner() throws Exception {
    String dev = device.getAddress();
    assertThat(reg.payoutOf(dev).send()).isEqualTo(ZERO);
    var r = f.registry(f.carol).attest(dev, attestation(f.manufacturer, dev)).send();
    assertThat(DeviceRegistry.getDeviceAttestedEvents(r).get(0).manufacturer).isEqualToIgnoringCase(f.manufacturer.getAddress());
    var att = reg.attestationOf(dev).send();
    assertThat(att.component1()).isEqualToIgnoringCase(f.manufacturer.getAddress());
    assertThat(att.component2()).isTrue();
    assertThat(reg.payoutOf(dev).send()).as("attested but unclaimed").isEqualTo(ZERO);
    claim(f.alice, 0);
    assertThat(reg.payoutOf(dev).send()).isEqualToIgnoringCase(f.alice.getAddress());
    assertThat(reg.claimNonce(dev).send()).isEqualTo(BigInteger.ONE);
  }

  @Test
  void attestations_need_an_allowed_manufacturer_once() throws Exception {
    String dev = device.getAddress();
    DeviceRegistry asCarol = f.registry(f.carol);
    f.assertReverts("DeviceRegistryNotManufacturer", f.carol, reg, asCarol.attest(dev, attestation(f.bob, dev)));
    f.assertReverts("DeviceRegistryZeroAddress", f.carol, reg, asCarol.attest(ZERO, attestation(f.manufacturer, ZERO)));
    f.assertReverts("ECDSAInvalidSignatureLength", f.carol, reg, asCarol.attest(dev, new byte[10]));
    asCarol.attest(dev, attestation(f.manufacturer, dev)).send();
    f.assertReverts("DeviceRegistryAlreadyAttested", f.carol, reg, asCarol.attest(dev, attestation(f.manufacturer, dev)));
    f.assertReverts("OwnableUnauthorizedAccount", f.alice, reg, f.registry(f.alice).setManufacturer(f.alice.getAddress(), true));
    f.assertReverts("DeviceRegistryZeroAddress", f.admin, reg, f.registry(f.admin).setManufacturer(ZERO, true));
  }

  @Test
  void a_claim_needs_both_the_owner_and_the_device_and_cannot_be_replayed() throws Exception {
    String dev = device.getAddress();
    DeviceRegistry asCarol = f.registry(f.carol);
    long chain = f.chain.chainId();
    String a = f.alice.getAddress();
    f.assertReverts("DeviceRegistryNotAttested", f.carol, reg,
        asCarol.claim(dev, a, claimSig(f.alice, dev, a, 0, chain), claimSig(device, dev, a, 0, chain)));
    asCarol.attest(dev, attestation(f.manufacturer, dev)).send();
    // someone without the device key cannot claim it
    f.assertReverts("DeviceRegistryBadSignature", f.carol, reg,
        asCarol.claim(dev, f.bob.getAddress(), claimSig(f.bob, dev, f.bob.getAddress(), 0, chain), claimSig(f.bob, dev, f.bob.getAddress(), 0, chain)));
    // nor for someone who did not sign
    f.assertReverts("DeviceRegistryBadSignature", f.carol, reg,
        asCarol.claim(dev, a, claimSig(f.bob, dev, a, 0, chain), claimSig(device, dev, a, 0, chain)));
    // signatures for another chain
    f.assertReverts("DeviceRegistryBadSignature", f.carol, reg,
        asCarol.claim(dev, a, claimSig(f.alice, dev, a, 0, chain + 1), claimSig(device, dev, a, 0, chain + 1)));
    f.assertReverts("DeviceRegistryZeroAddress", f.carol, reg,
        asCarol.claim(dev, ZERO, claimSig(f.alice, dev, a, 0, chain), claimSig(device, dev, a, 0, chain)));
    byte[] aliceSig = claimSig(f.alice, dev, a, 0, chain);
    byte[] deviceSig = claimSig(device, dev, a, 0, chain);
    asCarol.claim(dev, a, aliceSig, deviceSig).send();
    f.assertReverts("DeviceRegistryAlreadyClaimed", f.carol, reg,
        asCarol.claim(dev, f.bob.getAddress(), claimSig(f.bob, dev, f.bob.getAddress(), 1, chain), claimSig(device, dev, f.bob.getAddress(), 1, chain)));

    // release: only the owner; then the old claim does not replay, a fresh one does
    f.assertReverts("DeviceRegistryNotOwner", f.bob, reg, f.registry(f.bob).release(dev));
    f.registry(f.alice).release(dev).send();
    assertThat(reg.payoutOf(dev).send()).isEqualTo(ZERO);
    f.assertReverts("DeviceRegistryBadSignature", f.carol, reg, asCarol.claim(dev, a, aliceSig, deviceSig));
    claim(f.bob, 1);
    assertThat(reg.payoutOf(dev).send()).isEqualToIgnoringCase(f.bob.getAddress());
  }

  @Test
  void disallowing_a_manufacturer_voids_its_devices() throws Exception {
    String dev = device.getAddress();
    f.registry(f.carol).attest(dev, attestation(f.manufacturer, dev)).send();
    claim(f.alice, 0);
    f.registry(f.admin).setManufacturer(f.manufacturer.getAddress(), false).send();
    assertThat(reg.payoutOf(dev).send()).isEqualTo(ZERO);
    assertThat(reg.attestationOf(dev).send().component2()).isFalse();
    assertThat(reg.isManufacturer(f.manufacturer.getAddress()).send()).isFalse();
  }

}
