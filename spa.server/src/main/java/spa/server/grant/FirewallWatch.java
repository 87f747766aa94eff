package spa.server.grant;

import java.time.Duration;
import spa.core.FirewallException;

/**
 * Fails closed when someone removes what spa set up in the firewall (a flushed ruleset, a deleted table or
 * chain): checks once a second that the firewall still holds it, and when it does not, has the grant
 * manager set it up again with the grants still valid, and reports it. A firewall that cannot be set up
 * again is reported once, then retried every second until it can.
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

  /** How often the firewall is checked. */
  static final Duration PERIOD = Duration.ofSeconds(1);

  private final GrantManager grants;
  private final Scheduler timer;
  private final Listener listener;
  /** The firewall was found broken and could not be repaired yet: report again only once it is. */
  private boolean broken;
  private Scheduler.Task periodic;

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

  /** Starts the checks, the first one period from now; call after the manager's start. */
  public synchronized void start() {
    if (periodic == null) {
      periodic = timer.repeat(this::checkQuietly, PERIOD);
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

  private void checkQuietly() {
    try {
      check();
    } catch (RuntimeException e) {
      // a scheduled task that throws is never run again: the watch must go on
      listener.firewallLost(0, e);
    }
  }

  /** Stops checking (before spad's exit flush, which the watch must not undo). */
  @Override
  public synchronized void close() {
    if (periodic != null) {
      periodic.cancel();
    }
    timer.close();
  }
}
