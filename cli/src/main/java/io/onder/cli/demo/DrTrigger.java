package io.onder.cli.demo;

import java.io.PrintStream;
import java.util.function.Consumer;

/** Calls the utility's DR trigger once, when the simulated clock first reaches the event's announcement. */
final class DrTrigger {
  private DrTrigger() {}

  static Consumer<Long> at(long simMillis, Runnable trigger, PrintStream out) {
    boolean[] fired = {false};
    return t -> {
      if (!fired[0] && t >= simMillis) {
        fired[0] = true;
        trigger.run();
      }
    };
  }
}
