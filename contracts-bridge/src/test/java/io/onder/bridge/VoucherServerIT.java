package io.onder.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.onder.stack.Server;
import io.onder.testkit.RealServers;
import io.onder.testkit.TestCassandra;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

@RealServers(Server.CASSANDRA)
class VoucherServerIT {
  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  private final HttpClient http = HttpClient.newHttpClient();

  private static String auth(Credentials who, String owner, long t) {
    Sign.SignatureData s = Sign.signPrefixedMessage(VoucherServer.challenge(owner, t).getBytes(StandardCharsets.UTF_8), who.getEcKeyPair());
    byte[] rsv = new byte[65];
    System.arraycopy(s.getR(), 0, rsv, 0, 32);
    System.arraycopy(s.getS(), 0, rsv, 32, 32);
    rsv[64] = s.getV()[0];
    return "Onder-Sig " + t + ":" + Numeric.toHexString(rsv);
  }

  private HttpResponse<String> get(int port, String owner, String auth) throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/vouchers/" + owner)).GET();
    if (auth != null) b.header("Authorization", auth);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void an_owner_reads_its_latest_voucher_and_nobody_else_can(TestCassandra cassandra) throws Exception {
    Credentials hubKey = Credentials.create(Keys.createEcKeyPair());
    Credentials owner = Credentials.create(Keys.createEcKeyPair());
    Credentials other = Credentials.create(Keys.createEcKeyPair());
    String o = owner.getAddress();
    VoucherSigner signer = new VoucherSigner(hubKey, 31337, "0x00000000000000000000000000000000000000aa");
    try (CqlSession session = cassandra.session();
        VoucherServer server = new VoucherServer(new SettlementStore(session), new InetSocketAddress("127.0.0.1", 0),
            Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5)).start()) {
      SettlementStore store = new SettlementStore(session);
      long t = NOW.getEpochSecond();
      assertThat(get(server.port(), o, auth(owner, o, t)).statusCode()).as("no voucher yet").isEqualTo(404);
      store.putVouchers(List.of(signer.sign(o, 700), signer.sign(o, 900)), "b2", NOW);
      store.putVouchers(List.of(signer.sign(o, 800)), "b1-replayed", NOW);

      var ok = get(server.port(), o, auth(owner, o, t));
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("\"cumulativeAmount\":900").contains(signer.sign(o, 900).signatureHex());

      assertThat(get(server.port(), o, null).statusCode()).isEqualTo(401);
      assertThat(get(server.port(), o, auth(other, o, t)).statusCode()).as("someone else's signature").isEqualTo(401);
      assertThat(get(server.port(), o, auth(owner, o, t - 301)).statusCode()).as("too old").isEqualTo(401);
      assertThat(get(server.port(), o, auth(owner, o, t) + "00").statusCode()).as("malformed").isEqualTo(401);
      assertThat(get(server.port(), other.getAddress(), auth(owner, o, t)).statusCode()).as("signed for another owner").isEqualTo(401);
    }
  }
}
