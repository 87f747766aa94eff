package spa.server.engine;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Decrypt attempts per second for all sources together ({@code SPA_DECRYPT_LIMIT}), up to one second's worth at
 * once, so that a flood of forged packets cannot take all the CPU. It never looks at a source: nothing about a
 * packet that has not authenticated says who sent it. Lock-free (one theoretical arrival time, moved by CAS).
 */
final class DecryptBudget {
  private final long interval;
  private final long tolerance;
  private final LongSupplier nanos;
  private final AtomicLong due;

  /** @param nanos a monotonic clock in nanoseconds */
  DecryptBudget(double perSecond, LongSupplier nanos) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("decrypt budget must be positive, not " + perSecond);
    }
    this.interval = Math.max(1, Math.round(1e9 / perSecond));
    this.tolerance = (Math.max(1, (long) perSecond) - 1) * interval;
    this.nanos = nanos;
    this.due = new AtomicLong(nanos.getAsLong());
  }

  /** Takes one attempt from the budget; false when it is spent for now. */
  boolean take() {
    long now = nanos.getAsLong();
    while (true) {
      long d = due.get();
      if (d - now > tolerance) {
        return false;
      }
      if (due.compareAndSet(d, Math.max(d, now) + interval)) {
        return true;
      }
    }
  }
}
