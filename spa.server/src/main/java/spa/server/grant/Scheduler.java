package spa.server.grant;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks later, one at a time: the daemon's own thread ({@link #thread}), or in the tests a hand-driven
 * one whose time moves only when told, so expiry and the firewall watch are tested without waiting.
 */
public interface Scheduler extends AutoCloseable {

  /** A scheduled task, to be called off. */
  interface Task {
    /** The task does not run (again); a run in progress completes. */
    void cancel();
  }

  /** Runs {@code task} once, {@code delay} from now. */
  Task schedule(Runnable task, Duration delay);

  /** Runs {@code task} every {@code period}, the first time one period from now, each after the last ended. */
  Task repeat(Runnable task, Duration period);

  /** Stops running tasks: pending ones never run. */
  @Override
  void close();

  /** A scheduler on one daemon thread named {@code name}. */
  static Scheduler thread(String name) {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true); // a task called off leaves the queue now, not at its time
    return new Scheduler() {
      @Override
      public Task schedule(Runnable task, Duration delay) {
        // to the nanosecond, as milliseconds would wake up to one early; centuries saturate
        long nanos = delay.compareTo(Duration.ofDays(36_500)) > 0 ? Long.MAX_VALUE : Math.max(0, delay.toNanos());
        return handle(timer.schedule(task, nanos, TimeUnit.NANOSECONDS));
      }

      @Override
      public Task repeat(Runnable task, Duration period) {
        long ms = period.toMillis();
        return handle(timer.scheduleWithFixedDelay(task, ms, ms, TimeUnit.MILLISECONDS));
      }

      @Override
      public void close() {
        timer.shutdownNow();
      }

      private static Task handle(ScheduledFuture<?> f) {
        return () -> f.cancel(false);
      }
    };
  }
}
