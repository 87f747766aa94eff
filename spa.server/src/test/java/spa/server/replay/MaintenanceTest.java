package spa.server.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
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

  private static ServerPolicy aging(int maxAge) {
    return new ServerPolicy(true, maxAge, false, false, false, false, false, null);
  }
}
