package io.onder.bridge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * Serves each owner its latest voucher, and only to the owner: {@code GET /v1/vouchers/<owner>} with
 * {@code Authorization: Onder-Sig <unix seconds>:<0x signature>}, the signature being the owner's EIP-191
 * {@code personal_sign} of {@link #challenge(String, long)}, within {@code maxSkew} of now. Answers 200 with the voucher
 * as JSON, 401 on a missing, wrong or stale signature, 404 when no voucher exists.
 *
 * <p>A captured header can be replayed within the skew window; it only reveals the voucher, which pays nobody but
 * its owner.
 */
public final class VoucherServer implements AutoCloseable {
  private static final Pattern PATH = Pattern.compile("^/v1/vouchers/(0x[0-9a-fA-F]{40})$");
  private static final Pattern AUTH = Pattern.compile("^Onder-Sig (\\d{1,12}):(0x[0-9a-fA-F]{130})$");

  private final SettlementStore store;
  private final Clock clock;
  private final Duration maxSkew;
  private final HttpServer http;

  public VoucherServer(SettlementStore store, InetSocketAddress bind, Clock clock, Duration maxSkew) throws IOException {
    this.store = store;
    this.clock = clock;
    this.maxSkew = maxSkew;
    this.http = HttpServer.create(bind, 64);
    http.createContext("/v1/vouchers/", this::handle);
    http.setExecutor(Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "voucher-server");
      t.setDaemon(true);
      return t;
    }));
  }

  /** The text an owner signs to read its voucher at {@code unixSeconds}. */
  public static String challenge(String owner, long unixSeconds) {
    return "onder voucher request\nowner: " + owner.toLowerCase(Locale.ROOT) + "\ntime: " + unixSeconds;
  }

  public VoucherServer start() {
    http.start();
    return this;
  }

  public int port() {
    return http.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      var m = PATH.matcher(ex.getRequestURI().getPath());
      if (!"GET".equals(ex.getRequestMethod()) || !m.matches()) {
        reply(ex, 404, "{\"error\":\"not found\"}");
        return;
      }
      String owner = m.group(1).toLowerCase(Locale.ROOT);
      if (!authorized(owner, ex.getRequestHeaders().getFirst("Authorization"))) {
        reply(ex, 401, "{\"error\":\"sign the challenge with the owner's key\"}");
        return;
      }
      Optional<Voucher> v = store.voucher(owner);
      if (v.isEmpty()) {
        reply(ex, 404, "{\"error\":\"no voucher yet\"}");
        return;
      }
      Voucher x = v.get();
      reply(ex, 200, String.format(Locale.ROOT,
          "{\"owner\":\"%s\",\"cumulativeAmount\":%d,\"chainId\":%d,\"hub\":\"%s\",\"signature\":\"%s\"}",
          x.owner(), x.cumulativeAmount(), x.chainId(), x.hub(), x.signatureHex()));
    } catch (RuntimeException e) {
      reply(ex, 500, "{\"error\":\"internal\"}");
    }
  }

  private boolean authorized(String owner, String header) {
    if (header == null) return false;
    var m = AUTH.matcher(header.strip());
    if (!m.matches()) return false;
    long t = Long.parseLong(m.group(1));
    if (Math.abs(clock.instant().getEpochSecond() - t) > maxSkew.toSeconds()) return false;
    byte[] sig = Numeric.hexStringToByteArray(m.group(2));
    try {
      BigInteger key = Sign.signedPrefixedMessageToKey(challenge(owner, t).getBytes(StandardCharsets.UTF_8),
          new Sign.SignatureData(sig[64], Arrays.copyOfRange(sig, 0, 32), Arrays.copyOfRange(sig, 32, 64)));
      return ("0x" + Keys.getAddress(key)).equalsIgnoreCase(owner);
    } catch (Exception e) {
      return false;
    }
  }

  private static void reply(HttpExchange ex, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    http.stop(0);
    ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
  }
}
