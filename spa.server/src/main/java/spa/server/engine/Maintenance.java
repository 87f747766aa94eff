package spa.server.engine;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Background upkeep of the replay cache: flushes records to disk every second, and every minute drops
 * records older than the age window (when aging is on) from memory and, once the file holds many lines or
 * records that are gone, compacts the file (aging or not).
 */
public final class Maintenance implements AutoCloseable {
  private final ScheduledExecutorService timer;

  /**
   * @param windowSeconds how long a record is needed: twice the age window plus clock skew; 0 keeps all
   */
  public Maintenance(ReplayCache cache, DigestStore store, long windowSeconds, LongSupplier clock,
      Consumer<String> problem) {
    this(cache, store, windowSeconds, clock, problem, 60);
  }

  /** With the pruning and compacting every {@code upkeepSeconds}. */
  Maintenance(ReplayCache cache, DigestStore store, long windowSeconds, LongSupplier clock,
      Consumer<String> problem, long upkeepSeconds) {
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "spad-maintenance");
      t.setDaemon(true);
      return t;
    });
    if (store != null) {
      timer.scheduleWithFixedDelay(() -> {
        try {
          store.sync();
        } catch (IOException e) {
          problem.accept("replay cache: cannot write " + store.file() + ": " + e.getMessage());
        }
      }, 1, 1, TimeUnit.SECONDS);
    }
    if (windowSeconds > 0 || store != null) {
      timer.scheduleWithFixedDelay(() -> {
        if (windowSeconds > 0) {
          cache.prune(clock.getAsLong() / 1000 - windowSeconds);
        }
        if (store != null && store.needsCompaction(cache.size())) {
          try {
            store.compact(cache);
          } catch (IOException e) {
            problem.accept("replay cache: cannot compact " + store.file() + ": " + e.getMessage());
          }
        }
      }, upkeepSeconds, upkeepSeconds, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
