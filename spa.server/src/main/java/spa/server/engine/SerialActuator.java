package spa.server.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import spa.server.replay.ReplayGuard;
import spa.cmd.exec.CommandRunner;
import spa.core.Decision;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.server.event.Event;
import spa.server.event.EventLog;
import spa.server.event.EventOutput;
import spa.server.grant.GrantJournal;
import spa.server.grant.GrantManager;

/**
 * Carries out accepted decisions on its own thread: writes the replay record, then opens grants
 * through the grant manager (journal, firewall, expiry) in fair batches (see {@link PendingGrants}), all that
 * waits in one firewall operation, or hands the command, or the open half of a command cycle, to the
 * {@link CommandActuator}, which runs it on its own threads: this thread never waits for a command. Each
 * outcome becomes a {@code grant}, {@code command}, {@code expire} or {@code error} event.
 *
 * <p>Replay records and grants: before a batch reaches the firewall its records are written to the replay file
 * ({@link ReplayGuard#written}: in the kernel, so a kill of spad cannot lose them), and forcing them to disk
 * ({@link ReplayGuard#durable}) runs on the {@code spad-sync} thread alongside the firewall change; the batch's
 * events come after both. So a grant is never open without its record written, and never reported before its
 * record is on disk; only a machine crash during that change can leave a grant (which the crash also removes,
 * unless the firewall's state outlives it) whose record is lost. A record that cannot be written means no grant;
 * one written but not forced is reported with the grant as an {@code error}, reason {@code replay-cache}.
 * Commands and command cycles still wait for the record to be durable before they run.
 */
public final class SerialActuator implements Actuator {
  private static final Action STOP = new Action(null, null, null, null, 0, 0);
  /** A grant with less time left than this is not opened: it is reported late. */
  static final long LATE_MILLIS = 1000;
  /** The most grants in one firewall operation, and the most of them from one source. */
  private static final int BATCH_MAX = 8192;
  private static final int BATCH_PER_SOURCE = 8;
  private final GrantManager grants;
  private final String firewallName;
  private final ReplayGuard replays;
  private final EventLog log;
  private final LongSupplier clock;
  private final BlockingQueue<Action> queue;
  private final PendingGrants pending;
  private final Thread thread;
  private final CommandActuator commands;
  /** Forces replay records to disk while the firewall is changed; null without replay records. */
  private final ExecutorService forcer;
  /** Told of each grant opened from a packet (the fleet publishes them); must not wait. */
  private volatile Consumer<Grant> granted = g -> { };

  /**
   * @param grants the firewall's grant manager, or null to change no firewall
   * @param firewallName the firewall's name, for events
   * @param runner runs commands, or null when none may run
   * @param replays whose records to write before the firewall changes and force before grants are reported, or null
   */
  public SerialActuator(GrantManager grants, String firewallName, CommandRunner runner, ReplayGuard replays,
      EventOutput events, LongSupplier clock, int capacity) {
    this(grants, firewallName, runner, replays, null, events, clock, capacity);
  }

  /**
   * @param closes the journal that keeps cycle closes across restarts, or null to keep them in memory
   *     ({@link #resumeCycleCloses} schedules the journaled ones)
   */
  public SerialActuator(GrantManager grants, String firewallName, CommandRunner runner, ReplayGuard replays,
      GrantJournal closes, EventOutput events, LongSupplier clock, int capacity) {
    this(grants, firewallName, runner, replays, closes, events, clock, capacity, CommandActuator.Settings.DEFAULT);
  }

  /** @param commandSettings how commands run (time limit of journaled closes, closes at exit) */
  public SerialActuator(GrantManager grants, String firewallName, CommandRunner runner, ReplayGuard replays,
      GrantJournal closes, EventOutput events, LongSupplier clock, int capacity,
      CommandActuator.Settings commandSettings) {
    this.grants = grants;
    this.firewallName = firewallName;
    this.replays = replays;
    this.log = events.newLog(false);
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.pending = new PendingGrants(capacity);
    this.commands = new CommandActuator(runner, closes, log, clock, commandSettings);
    this.forcer = replays == null ? null : Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "spad-sync");
      t.setDaemon(true);
      return t;
    });
    this.thread = new Thread(this::loop, "spad-act");
    thread.setDaemon(true);
    thread.start();
  }

  /** Tells {@code listener} of each grant opened from now on; it runs on this actuator's thread and must not wait. */
  public void onGranted(Consumer<Grant> listener) {
    this.granted = listener;
  }

  @Override
  public void submit(Action action) {
    if (!queue.offer(action)) {
      synchronized (log) {
        log.emit(event(action, Event.Type.ERROR, "act-queue-full", "too many grants pending; this one was dropped"));
      }
    }
  }

  private void loop() {
    boolean stopping = false;
    while (!stopping || !pending.isEmpty()) {
      Action a;
      try {
        a = pending.isEmpty() && !stopping ? queue.take() : queue.poll();
      } catch (InterruptedException e) {
        return;
      }
      // everything that arrived while the last batch was applied joins the next one
      for (; a != null; a = queue.poll()) {
        if (a == STOP) {
          stopping = true;
        } else if (grants != null && a.decision() instanceof Decision.Open && a.stanza().cycle() == null) {
          if (!pending.add(a)) {
            synchronized (log) {
              log.emit(event(a, Event.Type.ERROR, "act-queue-full", "too many grants pending; this one was dropped"));
            }
          }
        } else {
          synchronized (log) {
            act(a);
          }
        }
      }
      if (!pending.isEmpty()) {
        synchronized (log) {
          applyBatch();
        }
      }
    }
  }

  /**
   * Applies the next fair batch of waiting grants in one firewall operation. A grant with less than
   * {@link #LATE_MILLIS} (or half its duration) left is not opened and is reported as {@code error}, reason
   * {@code late}.
   */
  private void applyBatch() {
    List<PendingGrants.Pending> batch = pending.nextBatch(BATCH_MAX, BATCH_PER_SOURCE);
    long now = clock.getAsLong();
    List<PendingGrants.Pending> timely = new ArrayList<>();
    long seq = 0;
    for (PendingGrants.Pending p : batch) {
      long expires = p.grant().expires().toEpochMilli();
      // a short grant (FW_ACCESS_TIMEOUT 1) is late once half of it is gone
      if (expires - now < Math.min(LATE_MILLIS, (expires - p.action().timeMillis()) / 2)) {
        for (Action a : all(p)) {
          log.emit(event(a, Event.Type.ERROR, "late", firewallName
              + ": the grant's time ran out before the firewall could apply it; not opened"));
        }
        continue;
      }
      timely.add(p);
      for (Action a : all(p)) {
        seq = Math.max(seq, a.replaySeq());
      }
    }
    if (timely.isEmpty()) {
      return;
    }
    Future<?> forced = null;
    if (replays != null && seq > 0) {
      try {
        replays.written(seq);
      } catch (IOException e) {
        for (PendingGrants.Pending p : timely) {
          for (Action a : all(p)) {
            log.emit(event(a, Event.Type.ERROR, "replay-cache", "cannot persist the replay record, not acting: " + e.getMessage()));
          }
        }
        return;
      }
      long upTo = seq;
      forced = forcer.submit(() -> {
        replays.durable(upTo);
        return null;
      });
    }
    List<GrantManager.Result> results = grants.openAll(timely.stream().map(PendingGrants.Pending::grant).toList());
    String unforced = awaitForced(forced);
    for (int i = 0; i < timely.size(); i++) {
      GrantManager.Result r = results.get(i);
      PendingGrants.Pending p = timely.get(i);
      if (r.ok()) {
        granted.accept(p.grant());
        log.emit(event(p.action(), Event.Type.GRANT, null, firewallName + (r.extended() ? ": extended" : "")));
        for (Action a : p.coalesced()) {
          log.emit(event(a, Event.Type.GRANT, null, firewallName + ": coalesced with a re-knock"));
        }
        if (unforced != null) {
          for (Action a : all(p)) {
            log.emit(event(a, Event.Type.ERROR, "replay-cache", "opened with its replay record written but not"
                + " forced to disk (a machine crash may lose it): " + unforced));
          }
        }
      } else {
        for (Action a : all(p)) {
          log.emit(event(a, Event.Type.ERROR, "firewall", firewallName + ": " + r.failure().getMessage()));
        }
      }
    }
  }

  /** Waits for the records to be forced; null when they are (or none were), else why not. */
  private static String awaitForced(Future<?> forced) {
    if (forced == null) {
      return null;
    }
    boolean interrupted = false;
    try {
      while (true) {
        try {
          forced.get();
          return null;
        } catch (InterruptedException e) {
          interrupted = true; // the events must not come before the record is on disk
        } catch (ExecutionException e) {
          return String.valueOf(e.getCause().getMessage());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static List<Action> all(PendingGrants.Pending p) {
    List<Action> all = new ArrayList<>(p.coalesced());
    all.add(0, p.action());
    return all;
  }

  private void act(Action a) {
    if (replays != null && a.replaySeq() > 0) {
      try {
        replays.durable(a.replaySeq());
      } catch (IOException e) {
        log.emit(event(a, Event.Type.ERROR, "replay-cache", "cannot persist the replay record, not acting: " + e.getMessage()));
        return;
      }
    }
    switch (a.decision()) {
      case Decision.Open open when a.stanza().cycle() != null -> commands.submit(a);
      case Decision.Open open -> grant(a, open.grant());
      case Decision.RunCommand cmd -> commands.submit(a);
      case Decision.Deny d -> { }
    }
  }

  private void grant(Action a, Grant g) {
    if (grants == null) {
      return;
    }
    try {
      boolean extended = grants.open(g);
      granted.accept(g);
      log.emit(event(a, Event.Type.GRANT, null, firewallName + (extended ? ": extended" : "")));
    } catch (FirewallException | IOException | RuntimeException e) {
      log.emit(event(a, Event.Type.ERROR, "firewall", firewallName + ": " + e.getMessage()));
    }
  }

  /**
   * Schedules the cycle closes left in the journal by an earlier run: those whose time passed run at once.
   * Returns a note per journal line that could not be read.
   */
  public List<String> resumeCycleCloses() throws IOException {
    return commands.resumeCycleCloses();
  }

  private Event event(Action a, Event.Type type, String reason, String detail) {
    return ActionEvents.of(a, type, reason, detail, clock.getAsLong());
  }

  @Override
  public void close() {
    try {
      queue.put(STOP);
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    commands.close();
    if (forcer != null) {
      forcer.shutdown();
    }
    synchronized (log) {
      log.flush();
    }
  }
}
