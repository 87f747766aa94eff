package spa.server.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import spa.server.grant.Scheduler;

/**
 * A clock and a scheduler whose time moves only by {@link #advance}: the tasks that fall due run then, in
 * the order of their time, on the caller's thread. Tests of timed behaviour use it instead of sleeping.
 */
public final class ManualTime extends Clock implements Scheduler {
  private Instant now;
  private final List<Entry> pending = new ArrayList<>();
  private long sequence;

  public ManualTime(Instant start) {
    this.now = start;
  }

  /** Starts at a fixed instant, 2026-01-01T00:00:00Z. */
  public ManualTime() {
    this(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /** Moves time on by {@code d}, running each task as its time is reached (and those they schedule). */
  public void advance(Duration d) {
    Instant end = now.plus(d);
    while (true) {
      Entry next = null;
      synchronized (this) {
        for (Entry e : pending) {
          if (!e.at.isAfter(end) && (next == null || e.at.isBefore(next.at)
              || e.at.equals(next.at) && e.order < next.order)) {
            next = e;
          }
        }
        if (next == null) {
          now = end;
          return;
        }
        if (next.at.isAfter(now)) {
          now = next.at;
        }
        if (next.period == null) {
          pending.remove(next);
        } else {
          next.at = now.plus(next.period);
          next.order = sequence++;
        }
      }
      next.task.run();
    }
  }

  /** Moves time on by {@code millis} milliseconds. */
  public void advanceMillis(long millis) {
    advance(Duration.ofMillis(millis));
  }

  /** How many tasks are waiting. */
  public synchronized int pending() {
    return pending.size();
  }

  @Override
  public synchronized Task schedule(Runnable task, Duration delay) {
    return add(task, now.plus(delay.isNegative() ? Duration.ZERO : delay), null);
  }

  @Override
  public synchronized Task repeat(Runnable task, Duration period) {
    return add(task, now.plus(period), period);
  }

  private Task add(Runnable task, Instant at, Duration period) {
    Entry e = new Entry(task, at, period, sequence++);
    pending.add(e);
    return () -> {
      synchronized (this) {
        pending.remove(e);
      }
    };
  }

  @Override
  public synchronized void close() {
    pending.clear();
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("ManualTime is UTC only");
  }

  private static final class Entry {
    final Runnable task;
    final Duration period;
    Instant at;
    long order;

    Entry(Runnable task, Instant at, Duration period, long order) {
      this.task = task;
      this.at = at;
      this.period = period;
      this.order = order;
    }
  }
}
