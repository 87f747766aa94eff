package spa.server.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import spa.server.policy.ServerPolicy;

/** The upkeep prunes with the window in force at each round, not the one it started with. */
class MaintenanceTest {
  private static final long T0 = 1_800_000_000L;

  @Test
  void aWindowWidenedAfterStartUpKeepsTheRecordsItNeeds() {
    ReplayCache cache = new ReplayCache();
    cache.putIfAbsent(1, 2, T0);
    cache.putIfAbsent(3, 4, T0 - 5000);
    AtomicLong clock = new AtomicLong((T0 + 400) * 1000);
    ReplayWindow window = new ReplayWindow(300);
    try (Maintenance m = new Maintenance(new Replays(cache, null), window, clock::get, e -> { }, 3600)) {
      window.widen(aging(600));
      m.upkeep();
      assertEquals(T0, cache.lookup(1, 2), "inside the widened window");
      assertEquals(ReplayCache.ABSENT, cache.lookup(3, 4), "outside even the widened window");
      clock.set((T0 + 1261) * 1000);
      m.upkeep();
      assertEquals(ReplayCache.ABSENT, cache.lookup(1, 2));
    }
  }

  @Test
  void stoppingLetsARoundInProgressFinishUninterrupted() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    LongSupplier clock = () -> {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        interrupted.set(true); // what a write in progress would suffer: its channel closed
      }
      return T0 * 1000;
    };
    Maintenance m = new Maintenance(new Replays(new ReplayCache(), null), new ReplayWindow(300), clock, e -> { }, 1);
    assertTrue(entered.await(10, TimeUnit.SECONDS), "the first round starts");
    Thread stop = new Thread(m::close);
    stop.start();
    stop.join(300);
    release.countDown();
    stop.join(10_000);
    assertFalse(stop.isAlive(), "close returns once the round ends");
    assertFalse(interrupted.get(), "the round in progress was interrupted");
  }

  private static ServerPolicy aging(int maxAge) {
    return new ServerPolicy(true, maxAge, false, false, false, false, false, null);
  }
}
