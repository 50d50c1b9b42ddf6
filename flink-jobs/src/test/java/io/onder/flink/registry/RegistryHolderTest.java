package io.onder.flink.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.onder.testkit.Await;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RegistryHolderTest {
  static Registry withDevices(String... ids) {
    Map<String, Registry.Device> devices = new java.util.HashMap<>();
    for (String id : ids) devices.put(id, new Registry.Device(id, "F1", "S1", "R1", "meter", "0x01", 0, 0, 0, 0, false));
    return new Registry(devices, Map.of());
  }

  /** A source whose loads after the first wait until the test releases them, handing out the registries it is given. */
  static final class Gated implements RegistryHolder.RegistrySource {
    static final BlockingQueue<Registry> NEXT = new ArrayBlockingQueue<>(4);
    static final AtomicInteger LOADS = new AtomicInteger();
    static volatile CountDownLatch started = new CountDownLatch(1);

    @Override
    public Registry load() {
      LOADS.incrementAndGet();
      started.countDown();
      try {
        Registry r = NEXT.poll(30, TimeUnit.SECONDS);
        if (r == null) throw new IllegalStateException("no registry handed out in 30 s");
        return r;
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  @Test
  void a_stale_snapshot_is_answered_while_the_reload_runs_in_the_background() throws Exception {
    AtomicLong now = new AtomicLong(1_000);
    Registry first = withDevices("d1");
    Registry second = withDevices("d1", "d2");
    Gated.LOADS.set(0);
    Gated.NEXT.clear();
    Gated.NEXT.add(first);
    RegistryHolder h = new RegistryHolder(new Gated(), 60_000, now::get);
    assertSame(first, h.get());
    assertEquals(1, Gated.LOADS.get());

    now.addAndGet(60_001); // stale: a reload starts, and blocks in the source until the test hands out the second registry
    Gated.started = new CountDownLatch(1);
    assertSame(first, h.get(), "the caller is answered from the snapshot, not held by the load");
    assertTrue(Gated.started.await(10, TimeUnit.SECONDS), "the reload started");
    assertSame(first, h.get(), "a second call does not start a second reload, nor wait");
    assertEquals(2, Gated.LOADS.get());

    Gated.NEXT.add(second);
    Await.until("the reloaded registry installed", Duration.ofSeconds(10), () -> h.get() == second);
    assertEquals(2, Gated.LOADS.get(), "fresh again: no further load");
  }

  @Test
  void an_unknown_id_reloads_at_once_but_not_more_often_than_every_five_seconds() {
    AtomicLong now = new AtomicLong(1_000);
    AtomicInteger loads = new AtomicInteger();
    RegistryHolder h = new RegistryHolder(() -> loads.incrementAndGet() == 1 ? withDevices("d1") : withDevices("d1", "d2"), 60_000, now::get);
    assertNotNull(h.lookup(r -> r.device("d1")));
    assertNull(h.lookup(r -> r.device("d2")), "a snapshot of this instant is not reloaded for an unknown id");
    assertEquals(1, loads.get());
    now.addAndGet(5_001);
    assertNotNull(h.lookup(r -> r.device("d2")), "found after the reload on the caller's thread");
    assertEquals(2, loads.get());
  }

  @Test
  void a_failed_reload_keeps_the_snapshot_and_is_retried_later() throws Exception {
    AtomicLong now = new AtomicLong(1_000);
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch failed = new CountDownLatch(1);
    Registry first = withDevices("d1");
    RegistryHolder h = new RegistryHolder(() -> {
      int n = loads.incrementAndGet();
      if (n == 1) return first;
      if (n == 2) {
        failed.countDown();
        throw new IllegalStateException("Cassandra unreachable");
      }
      return withDevices("d1", "d2");
    }, 60_000, now::get);
    h.get();
    now.addAndGet(60_001);
    assertSame(first, h.get());
    assertTrue(failed.await(10, TimeUnit.SECONDS));
    // Calls for half a second with the clock standing still: the failed reload ends within it, and no call may start
    // another before min(refresh, 5 s) has passed on the holder's clock.
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
    while (System.nanoTime() < until) {
      assertSame(first, h.get());
      assertEquals(2, loads.get(), "retried at once after a failure");
    }
    now.addAndGet(5_000);
    Await.until("the reload retried after 5 s and installed", Duration.ofSeconds(10), () -> h.get().device("d2") != null);
    assertEquals(3, loads.get());
  }

  /** A source counting its loads (each a new registry) and closes. */
  static final class Counted implements RegistryHolder.RegistrySource {
    static final AtomicInteger LOADS = new AtomicInteger();
    static final AtomicInteger CLOSES = new AtomicInteger();

    @Override
    public Registry load() {
      LOADS.incrementAndGet();
      return withDevices("d1");
    }

    @Override
    public void close() {
      CLOSES.incrementAndGet();
    }
  }

  static final AtomicLong CLOCK = new AtomicLong();

  @SuppressWarnings("unchecked")
  static <T> T copy(T o) throws Exception {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  @Test
  void the_copies_of_a_holder_share_one_snapshot_and_its_reloads_another_holder_does_not() throws Exception {
    Counted.LOADS.set(0);
    RegistryHolder holder = new RegistryHolder(new Counted(), 60_000, System::currentTimeMillis);
    RegistryHolder a = copy(holder); // two operators' subtasks, as a job hands them out
    RegistryHolder b = copy(holder);
    Registry first = a.get();
    assertSame(first, b.get(), "one snapshot for both copies");
    assertEquals(1, Counted.LOADS.get());
    assertNull(b.lookup(r -> r.device("d9")), "unknown, and the snapshot is fresh: no reload");
    assertEquals(1, Counted.LOADS.get());

    RegistryHolder other = new RegistryHolder(new Counted(), 60_000, System::currentTimeMillis); // another job
    assertTrue(other.get() != first, "another holder loads its own");
    assertEquals(2, Counted.LOADS.get());
  }

  @Test
  void the_last_copy_released_drops_the_snapshot_and_closes_the_source_once() throws Exception {
    Counted.LOADS.set(0);
    Counted.CLOSES.set(0);
    RegistryHolder holder = new RegistryHolder(new Counted(), 60_000, System::currentTimeMillis);
    RegistryHolder a = copy(holder);
    RegistryHolder b = copy(holder);
    Registry first = a.get();
    assertSame(first, b.get());
    a.release();
    a.release(); // a second release of the same copy counts once
    assertEquals(0, Counted.CLOSES.get(), "b still uses it");
    assertSame(first, b.get(), "the snapshot stays while a copy uses it");
    b.release();
    assertEquals(1, Counted.CLOSES.get(), "closed when the last copy let go");
    assertEquals(1, Counted.LOADS.get());
    RegistryHolder c = copy(holder); // the operator restarted: it loads anew
    assertTrue(c.get() != first, "a new snapshot after the old one was dropped");
    assertEquals(2, Counted.LOADS.get());
    c.release();
    assertEquals(2, Counted.CLOSES.get());
  }

  @Test
  void copies_asking_for_an_unknown_id_together_share_one_reload() throws Exception {
    CLOCK.set(10_000);
    Counted.LOADS.set(0);
    RegistryHolder holder = new RegistryHolder(new Counted(), 60_000, () -> CLOCK.get()); // static: the copies read the same clock
    RegistryHolder a = copy(holder);
    RegistryHolder b = copy(holder);
    Registry first = a.get();
    CLOCK.addAndGet(5_001);
    assertNull(a.lookup(r -> r.device("d9")), "still unknown after the reload");
    assertEquals(2, Counted.LOADS.get());
    Registry reloaded = b.get();
    assertTrue(reloaded != first, "the other copy sees the reload");
    assertNull(b.lookup(r -> r.device("d9")), "and its snapshot is fresh: no reload of its own");
    assertEquals(2, Counted.LOADS.get());
  }
}
