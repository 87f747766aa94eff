package spa.server.replay;

import java.util.concurrent.atomic.AtomicLong;
import spa.server.policy.ServerPolicy;

/**
 * How far back replay records are kept: the largest window any policy in force since start-up asked for. A
 * reload that widens the age window widens it at once; one that narrows it leaves it as it is, since packets
 * recorded under the wider window could otherwise be pruned while still young enough for someone to have
 * captured them under that policy. Fail closed: keeping a record too long costs memory, pruning it too early
 * lets a replay in.
 */
public final class ReplayWindow {
  /** Internal value of a window that keeps every record (aging off). */
  private static final long ALL = Long.MAX_VALUE;
  private final AtomicLong seconds;

  /** @param seconds see {@link #of}; 0 keeps every record */
  public ReplayWindow(long seconds) {
    this.seconds = new AtomicLong(normal(seconds));
  }

  /**
   * Seconds a replay record must be kept under {@code sp}: a packet older than the age window (either side,
   * plus a minute of skew) is refused on its timestamp anyway; 0 (keep all) when aging is off.
   */
  public static long of(ServerPolicy sp) {
    return sp.agingEnabled() ? 2L * sp.maxAgeSeconds() + 60 : 0;
  }

  /** Widens the window to what {@code sp} needs, when that is wider; never narrows it. */
  public void widen(ServerPolicy sp) {
    long n = normal(of(sp));
    seconds.accumulateAndGet(n, Math::max);
  }

  /** True while every record is kept (aging was off at some point since start-up). */
  public boolean keepsAll() {
    return seconds.get() == ALL;
  }

  /** The oldest second a record must still have to be kept at {@code nowSecond}. */
  public long oldestKept(long nowSecond) {
    long s = seconds.get();
    return s == ALL ? Long.MIN_VALUE : nowSecond - s;
  }

  private static long normal(long seconds) {
    return seconds <= 0 ? ALL : seconds;
  }
}
