package io.onder.testkit;


/** Ports for test servers: free now, on 127.0.0.1, below this machine's ephemeral range (32768+). */
public final class FreePorts {
  private FreePorts() {}

  public static int next() {
    return io.onder.stack.StackConfig.freePort();
  }
}
