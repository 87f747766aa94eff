package spa.server.engine;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import spa.server.event.Event;
import spa.server.event.EventLog;

/**
 * The packets the capture itself dropped before the engine saw them ({@link spa.core.spi.CaptureSource.Capture#dropped}:
 * a full kernel buffer, a full capture ring). Read for {@link Stats}; checked once a second, and while the count
 * rises one {@code error} event (reason {@code capture-dropped}) says so, at most one a second.
 */
final class CaptureDrops implements AutoCloseable {
  static final long CHECK_MILLIS = 1000;

  private final EventLog log;
  private final LongSupplier clock;
  private volatile LongSupplier source = () -> 0;
  private long reported;
  private ScheduledExecutorService timer;

  CaptureDrops(EventLog log, LongSupplier clock) {
    this.log = log;
    this.clock = clock;
  }

  /** Starts watching the running capture's count. */
  synchronized void watch(LongSupplier dropped) {
    this.source = dropped;
    if (timer == null) {
      timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "spad-capture-drops");
        t.setDaemon(true);
        return t;
      });
      timer.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** The capture's count so far (0 before {@link #watch}, or for a capture that cannot tell). */
  long count() {
    return source.getAsLong();
  }

  /** One event if the count rose since the last one. */
  synchronized void check() {
    long n = count();
    if (n > reported) {
      long now = clock.getAsLong();
      log.emit(Event.plain(now, Event.Type.ERROR, "capture-dropped", n + " packets dropped by the capture so far (+"
          + (n - reported) + "): it cannot keep up; see SPA_UDP_RECEIVE_BUFFER, SPA_PCAP_BUFFER_SIZE"));
      reported = n;
    }
  }

  /** Stops the checks, after a last one. */
  @Override
  public void close() {
    ScheduledExecutorService t;
    synchronized (this) {
      t = timer;
      timer = null;
    }
    if (t != null) {
      t.shutdownNow();
      try {
        t.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    check();
  }
}
