package spa.cmd.exec;

import java.time.Duration;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.Watchdog;

/**
 * Commons Exec's watchdog, extended: at the time limit it kills the whole process tree ({@link ProcessTree}),
 * not just the process it started (whose children would otherwise run on, holding its output pipes), and it
 * keeps the process so that its own exit status can be read even when the output pumps did not finish.
 */
final class TreeWatchdog extends ExecuteWatchdog {
  private Process process;
  private boolean timedOut;

  @SuppressWarnings("deprecation") // the builder's constructor is private; this one is the subclass's way in
  TreeWatchdog(Duration timeout) {
    super(timeout.toMillis());
  }

  @Override
  public synchronized void start(Process started) {
    this.process = started;
    super.start(started);
  }

  @Override
  public synchronized void timeoutOccured(Watchdog w) {
    if (process != null && process.isAlive()) {
      timedOut = true;
      ProcessTree.kill(process.toHandle());
    }
    super.timeoutOccured(w);
  }

  /** True when the process was still running at its time limit (and was killed with its tree). */
  synchronized boolean timedOut() {
    return timedOut;
  }

  /** The process once started, or null. */
  synchronized Process process() {
    return process;
  }
}
