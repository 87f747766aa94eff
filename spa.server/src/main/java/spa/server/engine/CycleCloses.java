package spa.server.engine;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import spa.server.grant.GrantJournal;
import spa.server.grant.GrantJournal.CycleClose;

/**
 * Runs CMD_CYCLE_CLOSE commands at their time. Each close is journaled before it is scheduled and marked
 * done once it ran, so a close outlives a shutdown or a crash: at start-up {@link #resume} runs the ones whose
 * time passed at once and schedules the others. Without a journal closes live in memory only.
 */
final class CycleCloses implements AutoCloseable {
  /** How long stopping waits for a close that is running: a little over a command's time limit. */
  private static final long RUNNING_CLOSE_WAIT_SECONDS = 35;
  private final GrantJournal journal;
  private final LongSupplier clock;
  private final Consumer<CycleClose> runner;
  private final Consumer<String> problems;
  private final ScheduledExecutorService executor;

  /**
   * @param journal where closes are kept across restarts, or null
   * @param runner runs one journaled close after a restart and reports its outcome
   * @param problems receives one line per journal failure
   */
  CycleCloses(GrantJournal journal, LongSupplier clock, Consumer<CycleClose> runner, Consumer<String> problems) {
    this.journal = journal;
    this.clock = clock;
    this.runner = runner;
    this.problems = problems;
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "spad-cycle-close");
      t.setDaemon(true);
      return t;
    });
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.executor = timer;
  }

  /** A new close of {@code command} due at {@code dueMillis}. */
  static CycleClose of(long dueMillis, String user, String group, String stanza, String command) {
    return new CycleClose(UUID.randomUUID().toString(), Instant.ofEpochMilli(dueMillis), user, group, stanza, command);
  }

  /**
   * Journals {@code close}, then schedules it to be run by {@code how} (the one that knows the knock); a close
   * that cannot be journaled is still scheduled.
   */
  void schedule(CycleClose close, Consumer<CycleClose> how) {
    if (journal != null) {
      try {
        journal.addClose(close);
      } catch (IOException e) {
        problems.accept("cannot journal the cycle close, it will not survive a restart: " + e.getMessage());
      }
    }
    long delay = Math.max(0, close.due().toEpochMilli() - clock.getAsLong());
    executor.schedule(() -> runAndMark(close, how), delay, TimeUnit.MILLISECONDS);
  }

  /** Schedules the journaled closes (those due run at once); returns a note per unreadable one. */
  List<String> resume() throws IOException {
    List<String> notes = new ArrayList<>();
    if (journal == null) {
      return notes;
    }
    for (CycleClose c : journal.loadCloses(notes)) {
      long delay = Math.max(0, c.due().toEpochMilli() - clock.getAsLong());
      executor.schedule(() -> runAndMark(c, runner), delay, TimeUnit.MILLISECONDS);
    }
    return notes;
  }

  private void runAndMark(CycleClose close, Consumer<CycleClose> how) {
    how.accept(close);
    if (journal != null) {
      try {
        journal.closeDone(close.id());
      } catch (IOException e) {
        problems.accept("cannot mark the cycle close done, it may run again after a restart: " + e.getMessage());
      }
    }
  }

  /**
   * Stops the timer: closes not yet due stay journaled for the next start; one running now finishes and is
   * marked done (an interrupt would abandon the journal write).
   */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(RUNNING_CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
