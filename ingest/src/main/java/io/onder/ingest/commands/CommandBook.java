package io.onder.ingest.commands;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The commands each device has not seen end yet, by device. A new command for a device tells the listener (the
 * observable CoAP resource) which device to notify, and only that one.
 */
public final class CommandBook {
  private final Clock clock;
  private final Map<String, LinkedHashMap<String, Command>> byDevice = new HashMap<>();
  private volatile Consumer<String> onChange = d -> {};
  private final AtomicLong endedOnArrival = new AtomicLong();
  private final AtomicLong maxDelayMillis = new AtomicLong();

  public CommandBook(Clock clock) {
    this.clock = clock;
  }

  public void onChange(Consumer<String> listener) {
    this.onChange = listener;
  }

  public void add(Command c) {
    long now = clock.millis();
    if (c.end() < now && !"RELEASE".equals(c.action())) endedOnArrival.incrementAndGet(); // a release comes at the end
    maxDelayMillis.accumulateAndGet(now - c.issuedAt(), Math::max);
    synchronized (this) {
      LinkedHashMap<String, Command> m = byDevice.computeIfAbsent(c.deviceId(), k -> new LinkedHashMap<>());
      m.put(c.commandId(), c);
      prune(m);
    }
    onChange.accept(c.deviceId());
  }

  /** Commands (not releases) whose end had passed when they reached the book: too late for their device. */
  public long endedOnArrival() {
    return endedOnArrival.get();
  }

  /** The longest time from a command's issue (the DR job's event time) to its arrival here (this clock). */
  public long maxDelayMillis() {
    return maxDelayMillis.get();
  }

  /** The device's commands whose end is still ahead, oldest first. */
  public synchronized List<Command> active(String deviceId) {
    LinkedHashMap<String, Command> m = byDevice.get(deviceId);
    if (m == null) return List.of();
    prune(m);
    return new ArrayList<>(m.values());
  }

  public synchronized Optional<Command> find(String deviceId, String commandId) {
    LinkedHashMap<String, Command> m = byDevice.get(deviceId);
    return Optional.ofNullable(m == null ? null : m.get(commandId));
  }

  private void prune(LinkedHashMap<String, Command> m) {
    long now = clock.millis();
    m.values().removeIf(c -> c.end() < now);
    while (m.size() > 64) m.remove(m.keySet().iterator().next());
  }
}
