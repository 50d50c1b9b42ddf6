package io.onder.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.MnemonicUtils;

/**
 * anvil, the Ethereum development node from the npm package @foundry-rs/anvil, with its state kept in the runtime
 * dir so a restart keeps the chain. The stack's accounts derive from a mnemonic made at first start and kept in a
 * file readable by the owner only. anvil never sees it: it runs without accounts of its own (a mnemonic on its command
 * line would show in every process listing), and {@link #fundAccounts()} gives the stack's accounts, derived here,
 * their starting balance through the node's {@code anvil_setBalance}.
 */
public final class AnvilNode implements ManagedServer {
  private final StackConfig config;
  private final ServerProcess process;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public AnvilNode(StackConfig config) {
    this.config = config;
    this.process = new ServerProcess("anvil", config.dir(Server.ANVIL));
  }

  @Override
  public Server kind() {
    return Server.ANVIL;
  }

  @Override
  public String endpoint() {
    return rpcUrl();
  }

  public String rpcUrl() {
    return "http://" + config.host() + ":" + config.port("onder.anvil.port");
  }

  public long chainId() {
    return Long.parseLong(config.get("onder.anvil.chain.id"));
  }

  @Override
  public List<ServerProcess> processes() {
    return List.of(process);
  }

  public Path binary() {
    // The platform binary itself, not the node wrapper in .bin: the pid we keep must be anvil's own.
    return config.home().resolve("local-stack/servers/anvil/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
  }

  /** Where the node keeps its chain (every block, contract and balance) between runs; see {@link LocalStack#resetChain}. */
  public Path stateFile() {
    return config.dir(Server.ANVIL).resolve("state.json");
  }

  public Path mnemonicFile() {
    return config.dir(Server.ANVIL).resolve("mnemonic");
  }

  /** The mnemonic the node's prefunded accounts derive from (m/44'/60'/0'/0/i). */
  public String mnemonic() {
    try {
      return Files.readString(mnemonicFile()).trim();
    } catch (IOException e) {
      throw new UncheckedIOException("no anvil mnemonic yet: start the node first", e);
    }
  }

  @Override
  public void start() {
    if (process.running().isPresent()) return;
    if (!Files.isExecutable(binary())) {
      throw new IllegalStateException(binary() + " is missing: build first (mvn install runs npm ci in local-stack/servers/anvil)");
    }
    Path dir = config.dir(Server.ANVIL);
    try {
      Files.createDirectories(dir);
      if (!Files.exists(mnemonicFile())) {
        byte[] entropy = new byte[16];
        new SecureRandom().nextBytes(entropy);
        Files.createFile(mnemonicFile(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(mnemonicFile(), MnemonicUtils.generateMnemonic(entropy));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    process.start(List.of(binary().toString(), "--host", "127.0.0.1", "--port", config.get("onder.anvil.port"),
        "--chain-id", config.get("onder.anvil.chain.id"), "--accounts", "0",
        "--state", stateFile().toString(), "--state-interval", config.get("onder.anvil.state.interval.seconds"),
        "--quiet"), Map.of(), dir);
  }

  /** What each of the stack's accounts starts with: 10,000 ether, in wei. */
  static final BigInteger STARTING_BALANCE = BigInteger.TEN.pow(22);

  /** The addresses of the stack's {@code onder.anvil.accounts} accounts, m/44'/60'/0'/0/i of the mnemonic. */
  public List<String> accountAddresses() {
    return StackAccounts.addresses(mnemonic(), Integer.parseInt(config.get("onder.anvil.accounts")));
  }

  /**
   * Gives every account of the stack that was never used (no transaction sent, no balance) its starting balance; an
   * account that has been used keeps what it has, so a restart changes nothing. Returns how many were funded.
   */
  public int fundAccounts() throws IOException, InterruptedException {
    int funded = 0;
    for (String a : accountAddresses()) {
      boolean unused = Long.decode(call("eth_getTransactionCount", a, "latest")) == 0
          && new BigInteger(call("eth_getBalance", a, "latest").substring(2), 16).signum() == 0;
      if (unused) {
        call("anvil_setBalance", a, "0x" + STARTING_BALANCE.toString(16));
        funded++;
      }
    }
    return funded;
  }

  /** One JSON-RPC call with string parameters, returning the raw "result". */
  public String call(String method, String... params) throws IOException, InterruptedException {
    StringBuilder list = new StringBuilder("[");
    for (int i = 0; i < params.length; i++) list.append(i == 0 ? "" : ",").append('"').append(params[i]).append('"');
    String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + list.append(']') + "}";
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(rpcUrl())).timeout(Duration.ofSeconds(3))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    var json = new ObjectMapper().readTree(r.body());
    if (json.has("error")) throw new IOException(method + ": " + json.get("error"));
    return json.path("result").asText();
  }

  @Override
  public Health health() {
    if (!allRunning()) return Health.down("not running");
    try {
      long chain = Long.decode(call("eth_chainId"));
      long block = Long.decode(call("eth_blockNumber"));
      return chain == chainId() ? Health.up("chain " + chain + ", block " + block)
          : Health.down("chain id " + chain + ", expected " + chainId());
    } catch (Exception e) {
      return Health.down(KafkaServer.rootMessage(e));
    }
  }
}
