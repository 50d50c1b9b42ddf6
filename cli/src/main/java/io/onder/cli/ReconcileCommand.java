package io.onder.cli;

import io.onder.bridge.BridgeMain;
import io.onder.bridge.Reconciler;
import io.onder.stack.LocalStack;
import io.onder.stack.StackConfig;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "reconcile", mixinStandardHelpOptions = true,
    description = "Owner by owner: what the ledger owes, what the latest voucher says, what the chain paid. Exits 1 on any mismatch.")
final class ReconcileCommand implements Callable<Integer> {
  @Option(names = "--config", description = "The bridge's properties file (default: the local stack's endpoints)") Path config;
  @Option(names = "--hub", description = "ChannelHub address (overrides the file)") String hub;
  @Option(names = "--keyspace", description = "Keyspace of the ledger and vouchers (default: the local stack's)") String keyspace;
  @Option(names = "--from-block", description = "First block of the hub's events") Long fromBlock;

  @Override
  public Integer call() throws Exception {
    Properties c = BridgeMain.config(config);
    if (config == null) {
      LocalStack stack = new LocalStack(StackConfig.local());
      c.setProperty("onder.bridge.rpc-url", stack.anvil().rpcUrl());
      c.setProperty("onder.bridge.cassandra.contact-point", stack.cassandra().endpoint());
      c.setProperty("onder.bridge.cassandra.keyspace", stack.config().get("onder.cassandra.keyspace"));
    }
    if (hub != null) c.setProperty("onder.bridge.hub", hub);
    if (keyspace != null) c.setProperty("onder.bridge.cassandra.keyspace", keyspace);
    if (fromBlock != null) c.setProperty("onder.bridge.from-block", Long.toString(fromBlock));
    if (c.getProperty("onder.bridge.hub", "").isBlank()) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "the hub's address is needed: --hub 0x… or onder.bridge.hub in --config");
    }
    boolean ok = Reconciler.run(c, System.out);
    System.out.println(ok ? "reconcile: ledger, vouchers and chain agree" : "reconcile: MISMATCH");
    return ok ? 0 : 1;
  }
}
