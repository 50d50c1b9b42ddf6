package io.onder.cli;

import io.onder.stack.LocalStack;
import io.onder.stack.SmokeRun;
import io.onder.stack.StackConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "smoke", mixinStandardHelpOptions = true,
    description = "Push one reading through Kafka into Cassandra and read the chain id (needs 'stack up').")
final class SmokeCommand implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    LocalStack stack = new LocalStack(StackConfig.local());
    SmokeRun.Result r = SmokeRun.run(stack, "", stack.config().get("onder.cassandra.keyspace"));
    System.out.print(new Table("step", "result")
        .row("kafka", "reading " + r.deviceId() + "#" + r.seq() + " acknowledged at partition " + r.partition() + ", offset " + r.offset() + ", read back intact")
        .row("cassandra", "stored and read back: import register " + r.importMilliWh() + " mWh")
        .row("chain", "eth_chainId = " + r.chainId())
        .render());
    System.out.printf("smoke run passed in %d ms%n", r.took().toMillis());
    return 0;
  }
}
