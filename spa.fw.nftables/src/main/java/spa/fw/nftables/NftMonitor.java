package spa.fw.nftables;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import spa.cmd.exec.StreamingProcess;

/**
 * Reports deletions in spa's table as they happen: a long-running {@code nft monitor destroy} prints one
 * line per object the kernel removes, and each removal of the table or of a set, map, chain or rule in it
 * (a flushed ruleset, a deleted table, a reloaded ruleset) calls {@code changed}. Element deletions (grants
 * closing) do not. When nft ends, it is started again after a pause, and {@code changed} is called since
 * deletions may have gone unseen meanwhile.
 */
final class NftMonitor implements AutoCloseable {
  /** The pause before nft is started again, so that an nft that cannot run costs one attempt a second. */
  static final Duration RESTART_DELAY = Duration.ofSeconds(1);

  private final List<String> argv;
  private final String tableRef;
  private final Runnable changed;
  private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "spa-nft-monitor");
    t.setDaemon(true);
    return t;
  });
  private StreamingProcess running;
  private boolean closed;

  /**
   * @param argv the nft command, such as {@code /usr/sbin/nft monitor destroy}
   * @param tableRef the table as nft prints it, such as {@code inet spa}
   */
  NftMonitor(List<String> argv, String tableRef, Runnable changed) {
    this.argv = List.copyOf(argv);
    this.tableRef = tableRef;
    this.changed = changed;
  }

  /** Starts nft; should it fail to start, it is tried again after {@link #RESTART_DELAY}. */
  synchronized void start() {
    if (closed) {
      return;
    }
    try {
      running = StreamingProcess.start(argv, this::line, this::ended);
    } catch (IOException e) {
      running = null;
      later();
    }
  }

  /** True when a line of {@code nft monitor} says that something of {@code tableRef} other than an element is gone. */
  static boolean concerns(String line, String tableRef) {
    if (!line.startsWith("delete ") || line.startsWith("delete element ")) {
      return false;
    }
    int at = line.indexOf(' ' + tableRef);
    int end = at + 1 + tableRef.length();
    return at >= 0 && (end == line.length() || line.charAt(end) == ' ');
  }

  /** The pid of the nft now running, or -1 (for tests). */
  synchronized long pid() {
    return running == null || !running.alive() ? -1 : running.pid();
  }

  private void line(String line) {
    if (concerns(line, tableRef)) {
      changed.run();
    }
  }

  private synchronized void ended(String how) {
    if (!closed) {
      later();
    }
  }

  private void later() {
    restarts.schedule(() -> {
      start();
      changed.run();
    }, RESTART_DELAY.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops nft and waits until it is reaped; no restart follows. */
  @Override
  public void close() {
    StreamingProcess p;
    synchronized (this) {
      closed = true;
      p = running;
      running = null;
    }
    restarts.shutdownNow();
    if (p != null) {
      p.close();
    }
  }
}
