package spa.server.engine;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import spa.server.grant.GrantJournal;
import spa.server.grant.GrantJournal.CycleClose;

/**
 * Runs CMD_CYCLE_CLOSE commands at their time. Each close is journaled before it is scheduled and marked
 * done once it ran, so a close outlives a shutdown or a crash: at start-up {@link #resume} runs the ones whose
 * time passed at once and schedules the others. Without a journal closes live in memory only. The timer only
 * hands a due close to {@code dispatch} (the command threads), so a hanging close delays no other.
 */
final class CycleCloses {
  private final GrantJournal journal;
  private final LongSupplier clock;
  private final Consumer<CycleClose> runner;
  private final Consumer<String> problems;
  private final BiConsumer<String, Runnable> dispatch;
  private final ScheduledExecutorService executor;
  /** Closes scheduled and not yet handed on, by id: what {@link #close} runs at exit when asked to. */
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  private record Pending(String stanza, Runnable task) {}

  /** Guards {@link #closed}: a cycle open still running at stop schedules its close after {@link #close}. */
  private final Object lock = new Object();
  private boolean closed;
  private boolean runAtExit;

  /**
   * @param journal where closes are kept across restarts, or null
   * @param runner runs one journaled close after a restart and reports its outcome
   * @param problems receives one line per journal failure
   * @param dispatch runs a due close (stanza name, task) on the command threads
   */
  CycleCloses(GrantJournal journal, LongSupplier clock, Consumer<CycleClose> runner, Consumer<String> problems,
      BiConsumer<String, Runnable> dispatch) {
    this.journal = journal;
    this.clock = clock;
    this.runner = runner;
    this.problems = problems;
    this.dispatch = dispatch;
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
    later(close, how);
  }

  /** Schedules the journaled closes (those due run at once); returns a note per unreadable one. */
  List<String> resume() throws IOException {
    List<String> notes = new ArrayList<>();
    if (journal == null) {
      return notes;
    }
    for (CycleClose c : journal.loadCloses(notes)) {
      later(c, runner);
    }
    return notes;
  }

  private void later(CycleClose close, Consumer<CycleClose> how) {
    Pending p = new Pending(close.stanza(), () -> runAndMark(close, how));
    synchronized (lock) {
      if (closed) {
        // stopping: run now as asked, or leave it in the journal for the next start
        if (runAtExit) {
          dispatch.accept(p.stanza(), p.task());
        }
        return;
      }
      pending.put(close.id(), p);
      long delay = Math.max(0, close.due().toEpochMilli() - clock.getAsLong());
      executor.schedule(() -> handOn(close), delay, TimeUnit.MILLISECONDS);
    }
  }

  private void handOn(CycleClose close) {
    Pending p = pending.remove(close.id());
    if (p != null) {
      dispatch.accept(p.stanza(), p.task());
    }
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
   * Stops the timer. With {@code runPending} (CMD_CYCLE_CLOSE_AT_EXIT Y) the closes not yet due are handed on
   * to run now, and so is the close of a cycle open still running; otherwise they stay journaled for the next
   * start. A close already handed on runs and is marked done by the command threads.
   */
  void close(boolean runPending) {
    synchronized (lock) {
      closed = true;
      runAtExit = runPending;
      executor.shutdownNow();
    }
    if (runPending) {
      for (String id : List.copyOf(pending.keySet())) {
        Pending p = pending.remove(id);
        if (p != null) {
          dispatch.accept(p.stanza(), p.task());
        }
      }
    }
  }
}
