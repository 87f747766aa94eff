package spa.server.engine;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongSupplier;
import spa.server.replay.ReplayGuard;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.cmd.exec.CommandRunner;
import spa.core.Decision;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.Settings;
import spa.server.event.Event;
import spa.server.event.EventLog;
import spa.server.event.EventOutput;
import spa.server.grant.GrantJournal;
import spa.server.grant.GrantManager;

/**
 * Carries out accepted decisions on its own thread: makes the replay record durable, then opens grants
 * through the grant manager (journal, firewall, expiry) in fair batches (see {@link PendingGrants}), all that
 * waits in one firewall operation, or runs the command or the open half of a command cycle, scheduling its close. Each outcome becomes a {@code grant}, {@code command},
 * {@code expire} or {@code error} event.
 */
public final class SerialActuator implements Actuator {
  private static final Action STOP = new Action(null, null, null, null, 0, 0);
  /** Commands of command messages and cycles may not run longer than this. */
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
  /** A grant with less time left than this is not opened: it is reported late. */
  static final long LATE_MILLIS = 1000;
  /** The most grants in one firewall operation, and the most of them from one source. */
  private static final int BATCH_MAX = 256;
  private static final int BATCH_PER_SOURCE = 8;
  private final GrantManager grants;
  private final String firewallName;
  private final CommandRunner runner;
  private final ReplayGuard replays;
  private final EventLog log;
  private final LongSupplier clock;
  private final BlockingQueue<Action> queue;
  private final PendingGrants pending;
  private final Thread thread;
  private final CycleCloses cycleCloses;

  /**
   * @param grants the firewall's grant manager, or null to change no firewall
   * @param firewallName the firewall's name, for events
   * @param runner runs commands, or null when none may run
   * @param replays whose records to make durable first, or null
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
    this.grants = grants;
    this.firewallName = firewallName;
    this.runner = runner;
    this.replays = replays;
    this.log = events.newLog(false);
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.pending = new PendingGrants(capacity);
    this.cycleCloses = new CycleCloses(closes, clock, this::runJournaled, problem -> {
      synchronized (log) {
        log.emit(Event.builder(Event.Type.ERROR, clock.getAsLong()).reason("grant-journal").detail(problem).build());
      }
    });
    this.thread = new Thread(this::loop, "spad-act");
    thread.setDaemon(true);
    thread.start();
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
    if (replays != null && seq > 0) {
      try {
        replays.durable(seq);
      } catch (IOException e) {
        for (PendingGrants.Pending p : timely) {
          for (Action a : all(p)) {
            log.emit(event(a, Event.Type.ERROR, "replay-cache", "cannot persist the replay record, not acting: " + e.getMessage()));
          }
        }
        return;
      }
    }
    List<GrantManager.Result> results = grants.openAll(timely.stream().map(PendingGrants.Pending::grant).toList());
    for (int i = 0; i < timely.size(); i++) {
      GrantManager.Result r = results.get(i);
      PendingGrants.Pending p = timely.get(i);
      if (r.ok()) {
        log.emit(event(p.action(), Event.Type.GRANT, null, firewallName + (r.extended() ? ": extended" : "")));
        for (Action a : p.coalesced()) {
          log.emit(event(a, Event.Type.GRANT, null, firewallName + ": coalesced with a re-knock"));
        }
      } else {
        for (Action a : all(p)) {
          log.emit(event(a, Event.Type.ERROR, "firewall", firewallName + ": " + r.failure().getMessage()));
        }
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
      case Decision.Open open when a.stanza().cycle() != null -> cycle(a, open.grant());
      case Decision.Open open -> grant(a, open.grant());
      case Decision.RunCommand cmd -> run(a, cmd.command(), cmd.user(), Event.Type.COMMAND);
      case Decision.Deny d -> { }
    }
  }

  private void grant(Action a, Grant g) {
    if (grants == null) {
      return;
    }
    try {
      boolean extended = grants.open(g);
      log.emit(event(a, Event.Type.GRANT, null, firewallName + (extended ? ": extended" : "")));
    } catch (FirewallException | IOException | RuntimeException e) {
      log.emit(event(a, Event.Type.ERROR, "firewall", firewallName + ": " + e.getMessage()));
    }
  }

  /** Runs CMD_CYCLE_OPEN now and schedules CMD_CYCLE_CLOSE (unless NONE) for the grant's expiry. */
  private void cycle(Action a, Grant g) {
    long timeout = Math.max(0, (g.expires().toEpochMilli() - a.timeMillis()) / 1000);
    String open = CycleCommands.expand(a.stanza().cycle().open(), g, a.packet(), a.message(), timeout);
    if (!run(a, open, null, Event.Type.GRANT) || a.stanza().cycle().close() == null) {
      return;
    }
    String close = CycleCommands.expand(a.stanza().cycle().close(), g, a.packet(), a.message(), timeout);
    String group = a.stanza().settings().get("CMD_EXEC_GROUP").orElse(null);
    cycleCloses.schedule(CycleCloses.of(g.expires().toEpochMilli(), null, group, a.stanza().name(), close), c -> {
      synchronized (log) {
        run(a, close, null, Event.Type.EXPIRE);
      }
    });
  }

  /**
   * Schedules the cycle closes left in the journal by an earlier run: those whose time passed run at once.
   * Returns a note per journal line that could not be read.
   */
  public List<String> resumeCycleCloses() throws IOException {
    return cycleCloses.resume();
  }

  /** Runs a cycle close journaled by an earlier run (the knock that opened it is gone). */
  private void runJournaled(GrantJournal.CycleClose c) {
    synchronized (log) {
      if (runner == null) {
        log.emit(journaled(c, Event.Type.ERROR, "no-command-runner", "command execution is not available"));
        return;
      }
      CommandResult r = runner.run(Command.of(argv(c.command(), c.user(), c.group(), null)).withTimeout(COMMAND_TIMEOUT));
      log.emit(r.ok() ? journaled(c, Event.Type.EXPIRE, null, "exit 0 (journaled close)")
          : journaled(c, Event.Type.ERROR, "command-failed", r.failure()));
    }
  }

  private Event journaled(GrantJournal.CycleClose c, Event.Type type, String reason, String detail) {
    return Event.builder(type, clock.getAsLong()).stanza(c.stanza()).reason(reason).detail(detail)
        .command(c.command()).build();
  }

  /** Runs a command; emits {@code type} on success and {@code error} otherwise; true on success. */
  private boolean run(Action a, String command, String user, Event.Type type) {
    if (runner == null) {
      log.emit(withCommand(event(a, Event.Type.ERROR, "no-command-runner", "command execution is not available"), command));
      return false;
    }
    Settings st = a.stanza().settings();
    SudoExec sudo = type == Event.Type.COMMAND ? SudoExec.of(st) : null; // command messages only, as in fwknopd
    CommandResult r = runner.run(Command.of(argv(command, user, st.get("CMD_EXEC_GROUP").orElse(null), sudo))
        .withTimeout(COMMAND_TIMEOUT));
    Event e = r.ok() ? event(a, type, null, "exit 0")
        : event(a, Event.Type.ERROR, "command-failed", r.failure());
    log.emit(withCommand(e, command));
    return r.ok();
  }

  /**
   * The argv of a command: split on whitespace as fwknopd splits it (no shell, no quoting); through sudo when
   * the stanza asks for it ({@code sudo}, or null); run as {@code user} (and {@code group}) through runuser
   * when a non-root user is configured (who then runs sudo, as fwknopd does).
   */
  static List<String> argv(String command, String user, String group, SudoExec sudo) {
    List<String> argv = new ArrayList<>();
    if (user != null && !user.isBlank() && !"root".equals(user)) {
      argv.addAll(List.of("runuser", "-u", user.strip()));
      if (group != null && !group.isBlank()) {
        argv.addAll(List.of("-g", group.strip()));
      }
      argv.add("--");
    }
    List<String> words = List.of(command.strip().split("\\s+"));
    argv.addAll(sudo == null ? words : sudo.wrap(words));
    return argv;
  }

  private static Event withCommand(Event e, String command) {
    return Event.builder(e).command(command).build();
  }

  private Event event(Action a, Event.Type type, String reason, String detail) {
    long now = clock.getAsLong();
    Grant g = a.decision() instanceof Decision.Open o ? o.grant() : null;
    return Event.builder(type, now).packet(a.packet()).user(a.message().user())
        .allow(g == null ? a.message().allowIp() : g.source().getHostAddress()).access(g == null ? null : g.access())
        .nat(g == null ? null : g.nat())
        .timeout(g == null ? -1 : Math.max(0, (g.expires().toEpochMilli() - a.timeMillis()) / 1000))
        .stanza(a.stanza().name()).reason(reason).detail(detail).build();
  }

  @Override
  public void close() {
    try {
      queue.put(STOP);
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    cycleCloses.close();
    synchronized (log) {
      log.flush();
    }
  }
}
