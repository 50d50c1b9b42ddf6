package io.onder.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Ports for test servers: free now, on 127.0.0.1, below this machine's ephemeral range (32768+). */
public final class FreePorts {
  private FreePorts() {}

  public static int next() {
    for (int i = 0; i < 200; i++) {
      int p = ThreadLocalRandom.current().nextInt(20000, 32000);
      try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getByName("127.0.0.1"))) {
        return p;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port between 20000 and 32000");
  }
}
