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

  @Test
  void holders_whose_reloads_come_due_together_share_one_load() throws Exception {
    AtomicLong now = new AtomicLong(10_000);
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch inLoad = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Registry loaded = withDevices("d1");
    java.util.function.Supplier<Registry> slow = () -> {
      loads.incrementAndGet();
      inLoad.countDown();
      try {
        if (!release.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("not released");
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return loaded;
    };
    String key = "shared-" + System.nanoTime();
    java.util.concurrent.CompletableFuture<Registry> first =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> RegistryHolder.SharedLoads.load(key, 1_000, now::get, slow));
    assertTrue(inLoad.await(10, TimeUnit.SECONDS));
    now.addAndGet(999); // a second holder, within the window: it waits for the load in progress instead of its own
    java.util.concurrent.CompletableFuture<Registry> second =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> RegistryHolder.SharedLoads.load(key, 1_000, now::get, slow));
    release.countDown();
    assertSame(loaded, first.get(10, TimeUnit.SECONDS));
    assertSame(loaded, second.get(10, TimeUnit.SECONDS));
    assertEquals(1, loads.get());

    now.addAndGet(2); // past the window: a load of its own
    RegistryHolder.SharedLoads.load(key, 1_000, now::get, slow);
    assertEquals(2, loads.get());
  }

  @Test
  void a_failed_shared_load_is_not_handed_to_the_next_holder() {
    AtomicLong now = new AtomicLong(10_000);
    AtomicInteger loads = new AtomicInteger();
    String key = "failing-" + System.nanoTime();
    java.util.function.Supplier<Registry> flaky = () -> {
      if (loads.incrementAndGet() == 1) throw new IllegalStateException("Cassandra unreachable");
      return withDevices("d1");
    };
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> RegistryHolder.SharedLoads.load(key, 1_000, now::get, flaky));
    assertEquals("Cassandra unreachable", e.getMessage());
    assertNotNull(RegistryHolder.SharedLoads.load(key, 1_000, now::get, flaky).device("d1"), "loaded again at once");
    assertEquals(2, loads.get());
  }
}
