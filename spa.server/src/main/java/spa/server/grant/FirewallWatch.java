package spa.server.grant;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import spa.core.FirewallException;
import spa.core.spi.FirewallBackend;

/**
 * Fails closed when someone removes what spa set up in the firewall (a flushed ruleset, a deleted table or
 * chain): checks at once when the backend reports a change ({@link spa.core.spi.FirewallBackend#watchChanges},
 * {@code nft monitor} for nftables) and periodically in any case (every second, or every ten when the backend
 * reports changes); when the firewall no longer holds it, has
 * the grant manager set it up again with the grants still valid, and reports it. A firewall that cannot be
 * set up again is reported once, then retried every second until it can.
 */
public final class FirewallWatch implements AutoCloseable {

  /** Receives what the watch found, for the event log. */
  public interface Listener {
    /**
     * What spa set up in the firewall was found gone (or broken) and is set up again, with {@code reopened}
     * grants still valid; {@code repairFailure} is why it could not be, or null.
     */
    void firewallLost(int reopened, Exception repairFailure);
  }

  /** How often the firewall is checked when the backend reports no changes. */
  static final Duration PERIOD = Duration.ofSeconds(1);
  /**
   * How often it is checked when the backend reports changes: only as a backstop, since a check of a large
   * table costs (nft lists every element) and holds up the grants meanwhile.
   */
  static final Duration BACKSTOP = Duration.ofSeconds(10);
  /**
   * While grants are being opened, the backstop check waits (its listing would stall them for seconds when
   * tens of thousands are open), but never more than this many periods in a row; the backend's change reports
   * still trigger a check at once.
   */
  static final int BACKSTOP_DEFERRALS = 6;

  private final GrantManager grants;
  private final Scheduler timer;
  private final Listener listener;
  /** The firewall was found broken and could not be repaired yet: report again only once it is. */
  private boolean broken;
  private Scheduler.Task periodic;
  private AutoCloseable changes;
  /** A check asked for by a change report is waiting to run: further reports add none. */
  private final AtomicBoolean asked = new AtomicBoolean();
  /** Backstop checks put off in a row while grants were being opened. */
  private int deferred;

  /** The daemon's watch, on the thread {@code spad-fw-watch}. */
  public FirewallWatch(GrantManager grants, Listener listener) {
    this(grants, Scheduler.thread("spad-fw-watch"), listener);
  }

  /** A watch whose checks run on {@code timer}, which it closes with itself. */
  public FirewallWatch(GrantManager grants, Scheduler timer, Listener listener) {
    this.grants = grants;
    this.timer = timer;
    this.listener = listener;
  }

  /**
   * Starts the checks, the first one period from now, and the backend's change reports; call after the
   * manager's start. Without change reports (the backend fails to start them) the periodic check goes on.
   */
  public synchronized void start() {
    if (periodic != null) {
      return;
    }
    try {
      changes = grants.watchChanges(this::changed);
    } catch (FirewallException | RuntimeException e) {
      changes = null;
    }
    boolean reported = changes != null && changes != FirewallBackend.NO_CHANGE_REPORTS;
    periodic = reported ? timer.repeat(this::backstop, BACKSTOP) : timer.repeat(this::checkQuietly, PERIOD);
  }

  /** A change report: one check as soon as the timer is free, however many reports come meanwhile. */
  private void changed() {
    if (asked.compareAndSet(false, true)) {
      timer.schedule(() -> {
        asked.set(false);
        checkQuietly();
      }, Duration.ZERO);
    }
  }

  /**
   * Checks that the firewall still holds what spa set up; when it does not, sets it up again and re-opens the
   * grants still valid until their own expiry, so the protected ports are closed again and no valid grant is
   * lost.
   *
   * @return true when something was found missing
   */
  public synchronized boolean check() {
    int reopened;
    try {
      if (grants.intact()) {
        broken = false;
        return false;
      }
      reopened = grants.restore();
    } catch (FirewallException | RuntimeException e) {
      if (!broken) {
        listener.firewallLost(0, e);
      }
      broken = true;
      return true;
    }
    broken = false;
    listener.firewallLost(reopened, null);
    return true;
  }

  /** The periodic check when change reports come: put off while grants flow, at most {@link #BACKSTOP_DEFERRALS}. */
  private void backstop() {
    synchronized (this) {
      if (grants.openedWithin(BACKSTOP) && deferred < BACKSTOP_DEFERRALS) {
        deferred++;
        return;
      }
      deferred = 0;
    }
    checkQuietly();
  }

  private void checkQuietly() {
    try {
      check();
    } catch (RuntimeException e) {
      // a scheduled task that throws is never run again: the watch must go on
      listener.firewallLost(0, e);
    }
  }

  /** Stops checking and the change reports (before spad's exit flush, which the watch must not undo). */
  @Override
  public void close() {
    AutoCloseable c;
    synchronized (this) {
      if (periodic != null) {
        periodic.cancel();
      }
      c = changes;
      changes = null;
    }
    if (c != null) {
      try {
        c.close();
      } catch (Exception e) {
        // stopping the reports is best effort: the process is the backend's, and spad is ending
      }
    }
    timer.close();
  }
}
