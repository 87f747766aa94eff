package spa.server.engine;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.cmd.exec.CommandRunner;
import spa.core.Decision;
import spa.core.Grant;
import spa.core.IpAddresses;
import spa.server.event.Event;
import spa.server.event.EventLog;
import spa.server.grant.GrantJournal;

/**
 * Runs the commands of accepted decisions, command messages and the open half of command cycles, on its own
 * threads ({@link CommandPool}: per stanza at most two at once and eight waiting, four of them from one
 * source address; beyond that refused with {@code error} reason {@code busy}), and schedules cycle closes ({@link CycleCloses}). Nothing here ever
 * waits on the actuator thread: {@link #submit} returns at once. Each outcome becomes a {@code command},
 * {@code grant}, {@code expire} or {@code error} event.
 */
public final class CommandActuator {
  /** Commands running at once, in all. */
  private static final int THREADS = 4;
  /** Commands of one stanza running at once, waiting for a thread, and waiting from one source address. */
  private static final int PER_STANZA_RUNNING = 2;
  private static final int PER_STANZA_WAITING = 8;
  private static final int PER_SOURCE_WAITING = 4;
  private static final int MAX_WAITING = 256;
  /** Added to the command time limit when stopping waits for the commands still running. */
  private static final Duration STOP_MARGIN = Duration.ofSeconds(5);

  /**
   * How commands run.
   *
   * @param journaledTimeout the time limit of cycle closes journaled by an earlier run (CMD_EXEC_TIMEOUT of
   *     the daemon); commands of a knock have their stanza's
   * @param closeAtExit CMD_CYCLE_CLOSE_AT_EXIT: run the cycle closes not yet due when stopping
   */
  public record Settings(Duration journaledTimeout, boolean closeAtExit) {
    /** fwknopd's 30 s limit; closes kept for the next start. */
    public static final Settings DEFAULT = new Settings(Duration.ofSeconds(30), false);
  }

  private final CommandRunner runner;
  private final EventLog log;
  private final LongSupplier clock;
  private final Settings settings;
  private final CommandPool pool;
  private final CycleCloses cycleCloses;

  /**
   * @param runner runs commands, or null when none may run
   * @param closes the journal that keeps cycle closes across restarts, or null to keep them in memory
   * @param log where events go; emitting synchronizes on it, as the other writers of this log do
   */
  CommandActuator(CommandRunner runner, GrantJournal closes, EventLog log, LongSupplier clock, Settings settings) {
    this.runner = runner;
    this.log = log;
    this.clock = clock;
    this.settings = settings;
    this.pool = new CommandPool(THREADS, PER_STANZA_RUNNING, PER_STANZA_WAITING, PER_SOURCE_WAITING, MAX_WAITING);
    this.cycleCloses = new CycleCloses(closes, clock, this::runJournaled,
        problem -> emit(Event.builder(Event.Type.ERROR, clock.getAsLong()).reason("grant-journal").detail(problem).build()),
        (stanza, task) -> {
          if (!pool.submitAlways(stanza, task)) {
            emit(Event.builder(Event.Type.ERROR, clock.getAsLong()).stanza(stanza).reason("stopping")
                .detail("spad is stopping: the cycle close did not run (a journaled one runs at the next start)").build());
          }
        });
  }

  /** Queues the command of {@code a} (a command message, or a grant of a command-cycle stanza); returns at once. */
  void submit(Action a) {
    String command;
    Runnable task;
    switch (a.decision()) {
      case Decision.RunCommand cmd -> {
        command = cmd.command();
        task = () -> run(a, cmd.command(), cmd.user(), Event.Type.COMMAND);
      }
      case Decision.Open open -> {
        Grant g = open.grant();
        long timeout = timeoutSeconds(a, g);
        command = CycleCommands.expand(a.stanza().cycle().open(), g, a.packet(), a.message(), timeout);
        task = () -> cycle(a, g, command, timeout);
      }
      case Decision.Deny d -> {
        return;
      }
    }
    String source = a.packet().src() == null ? "" : IpAddresses.text(a.packet().src());
    if (!pool.submit(a.stanza().name(), source, task)) {
      emit(ActionEvents.withCommand(ActionEvents.of(a, Event.Type.ERROR, "busy", "too many commands of this stanza"
          + " (" + PER_STANZA_RUNNING + " running, " + PER_STANZA_WAITING + " waiting) or of this source ("
          + PER_SOURCE_WAITING + " waiting); refused", clock.getAsLong()), command));
    }
  }

  private static long timeoutSeconds(Action a, Grant g) {
    return Math.max(0, (g.expires().toEpochMilli() - a.timeMillis()) / 1000);
  }

  /** Runs CMD_CYCLE_OPEN and, when it succeeded, schedules CMD_CYCLE_CLOSE (unless NONE) for the grant's expiry. */
  private void cycle(Action a, Grant g, String open, long timeout) {
    if (!run(a, open, null, Event.Type.GRANT) || a.stanza().cycle().close() == null) {
      return;
    }
    String close = CycleCommands.expand(a.stanza().cycle().close(), g, a.packet(), a.message(), timeout);
    String group = a.stanza().settings().get("CMD_EXEC_GROUP").orElse(null);
    cycleCloses.schedule(CycleCloses.of(g.expires().toEpochMilli(), null, group, a.stanza().name(), close),
        c -> run(a, close, null, Event.Type.EXPIRE));
  }

  /**
   * Schedules the cycle closes left in the journal by an earlier run: those whose time passed run at once.
   * Returns a note per journal line that could not be read.
   */
  List<String> resumeCycleCloses() throws IOException {
    return cycleCloses.resume();
  }

  /** Runs a cycle close journaled by an earlier run (the knock that opened it is gone). */
  private void runJournaled(GrantJournal.CycleClose c) {
    if (runner == null) {
      emit(journaled(c, Event.Type.ERROR, "no-command-runner", "command execution is not available"));
      return;
    }
    CommandResult r = execute(Command.of(argv(c.command(), c.user(), c.group(), null)).withTimeout(settings.journaledTimeout()));
    emit(r.ok() ? journaled(c, Event.Type.EXPIRE, null, "exit 0 (journaled close)")
        : journaled(c, Event.Type.ERROR, "command-failed", r.failure()));
  }

  private Event journaled(GrantJournal.CycleClose c, Event.Type type, String reason, String detail) {
    return Event.builder(type, clock.getAsLong()).stanza(c.stanza()).reason(reason).detail(detail)
        .command(c.command()).build();
  }

  /** Runs a command with its stanza's time limit; emits {@code type} on success and {@code error} otherwise. */
  private boolean run(Action a, String command, String user, Event.Type type) {
    if (runner == null) {
      emit(ActionEvents.withCommand(ActionEvents.of(a, Event.Type.ERROR, "no-command-runner",
          "command execution is not available", clock.getAsLong()), command));
      return false;
    }
    spa.core.Settings st = a.stanza().settings();
    SudoExec sudo = type == Event.Type.COMMAND ? SudoExec.of(st) : null; // command messages only, as in fwknopd
    CommandResult r = execute(Command.of(argv(command, user, st.get("CMD_EXEC_GROUP").orElse(null), sudo))
        .withTimeout(Duration.ofSeconds(a.stanza().commandTimeout())));
    Event e = r.ok() ? ActionEvents.of(a, type, null, "exit 0", clock.getAsLong())
        : ActionEvents.of(a, Event.Type.ERROR, "command-failed", r.failure(), clock.getAsLong());
    emit(ActionEvents.withCommand(e, command));
    return r.ok();
  }

  /** The runner's result; a runner that throws (it should not) counts as a command that could not start. */
  private CommandResult execute(Command c) {
    try {
      return runner.run(c);
    } catch (RuntimeException e) {
      return new CommandResult(c, CommandResult.Status.NOT_STARTED, -1, "", String.valueOf(e.getMessage()), Duration.ZERO);
    }
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

  private void emit(Event e) {
    synchronized (log) {
      log.emit(e);
    }
  }

  /**
   * Stops: cycle closes not yet due run now (CMD_CYCLE_CLOSE_AT_EXIT Y) or stay journaled; queued commands
   * run; waits for those running up to their time limit (they are killed at it) and a margin.
   */
  void close() {
    cycleCloses.close(settings.closeAtExit());
    if (!pool.close(settings.journaledTimeout().plus(STOP_MARGIN))) {
      emit(Event.builder(Event.Type.ERROR, clock.getAsLong()).reason("stopping")
          .detail("commands still running at exit were left to their time limit").build());
    }
  }
}
