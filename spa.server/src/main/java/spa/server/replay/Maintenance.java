package spa.server.replay;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Background upkeep of the replay cache: flushes records to disk every second, and every minute drops
 * records older than the {@link ReplayWindow} (the widest age window in force since start-up) from memory and, once the file holds many lines or
 * records that are gone, compacts the file (aging or not).
 */
public final class Maintenance implements AutoCloseable {
  private final ScheduledExecutorService timer;
  private final Replays replays;
  private final ReplayWindow window;
  private final LongSupplier clock;
  private final Consumer<String> problem;

  /**
   * @param window how long a record is needed, read at each pruning (a reload may widen it)
   */
  public Maintenance(Replays replays, ReplayWindow window, LongSupplier clock, Consumer<String> problem) {
    this(replays, window, clock, problem, 60);
  }

  /** With the pruning and compacting every {@code upkeepSeconds}. */
  Maintenance(Replays replays, ReplayWindow window, LongSupplier clock, Consumer<String> problem,
      long upkeepSeconds) {
    this.replays = replays;
    this.window = window;
    this.clock = clock;
    this.problem = problem;
    timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "spad-maintenance");
      t.setDaemon(true);
      return t;
    });
    if (replays.file() != null) {
      timer.scheduleWithFixedDelay(() -> {
        try {
          replays.sync();
        } catch (IOException e) {
          problem.accept("replay cache: cannot write " + replays.file() + ": " + e.getMessage());
        }
      }, 1, 1, TimeUnit.SECONDS);
    }
    // scheduled even while every record is kept: a reload can turn aging on (the window stays keep-all then,
    // but the file still needs compacting)
    timer.scheduleWithFixedDelay(this::upkeep, upkeepSeconds, upkeepSeconds, TimeUnit.SECONDS);
  }

  /** One pruning and compaction round: records outside the window as it is now leave memory, then the file. */
  void upkeep() {
    if (!window.keepsAll()) {
      replays.prune(window.oldestKept(clock.getAsLong() / 1000));
    }
    try {
      replays.compactIfDue();
    } catch (IOException e) {
      problem.accept("replay cache: cannot compact " + replays.file() + ": " + e.getMessage());
    }
  }

  /**
   * Stops the upkeep, letting a write or compaction in progress finish: interrupted, it would close the file's
   * channel and the records still buffered would be lost at exit.
   */
  @Override
  public void close() {
    timer.shutdown();
    try {
      if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
        timer.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      timer.shutdownNow();
    }
  }
}
