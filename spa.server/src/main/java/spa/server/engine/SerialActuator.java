package spa.server.engine;

import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongSupplier;
import spa.core.Decision;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.spi.FirewallBackend;
import spa.server.event.Event;
import spa.server.event.EventLog;
import spa.server.event.EventOutput;

/**
 * Carries out accepted decisions one at a time on its own thread: makes the replay record durable, then
 * opens the grant in the firewall backend, or runs the command or command cycle through the command runner.
 * Each outcome becomes a {@code grant}, {@code command} or {@code error} event.
 */
public final class SerialActuator implements Actuator {
  private static final Action STOP = new Action(null, null, null, null, 0, 0);
  private final FirewallBackend backend;
  private final CommandRunner runner;
  private final DigestStore store;
  private final EventLog log;
  private final LongSupplier clock;
  private final BlockingQueue<Action> queue;
  private final Thread thread;

  /**
   * @param backend the firewall, or null to change none
   * @param runner runs commands, or null when none is available
   * @param store replay records to make durable first, or null
   */
  public SerialActuator(FirewallBackend backend, CommandRunner runner, DigestStore store, EventOutput events,
      LongSupplier clock, int capacity) {
    this.backend = backend;
    this.runner = runner;
    this.store = store;
    this.log = events.newLog(false);
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(capacity);
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
    while (true) {
      Action a;
      try {
        a = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (a == STOP) {
        return;
      }
      synchronized (log) {
        act(a);
      }
    }
  }

  private void act(Action a) {
    if (store != null && a.replaySeq() > 0) {
      try {
        store.syncTo(a.replaySeq());
      } catch (IOException e) {
        log.emit(event(a, Event.Type.ERROR, "replay-cache", "cannot persist the replay record, not acting: " + e.getMessage()));
        return;
      }
    }
    switch (a.decision()) {
      case Decision.Open open when a.stanza().cycle() != null -> cycle(a, open.grant());
      case Decision.Open open -> grant(a, open.grant());
      case Decision.RunCommand cmd -> command(a, cmd.command(), cmd.user());
      case Decision.Deny d -> { }
    }
  }

  private void grant(Action a, Grant g) {
    if (backend == null) {
      return;
    }
    Thread t = Thread.currentThread();
    ClassLoader old = t.getContextClassLoader();
    t.setContextClassLoader(backend.getClass().getClassLoader());
    try {
      backend.open(g);
      log.emit(event(a, Event.Type.GRANT, null, backend.name()));
    } catch (FirewallException | RuntimeException e) {
      log.emit(event(a, Event.Type.ERROR, "firewall", backend.name() + ": " + e.getMessage()));
    } finally {
      t.setContextClassLoader(old);
    }
  }

  private void cycle(Action a, Grant g) {
    long timeout = Math.max(0, (g.expires().toEpochMilli() - a.timeMillis()) / 1000);
    String open = CycleCommands.expand(a.stanza().cycle().open(), g, a.packet(), a.message(), timeout);
    run(a, open, null);
  }

  private void command(Action a, String command, String user) {
    run(a, command, user);
  }

  private void run(Action a, String command, String user) {
    if (runner == null) {
      log.emit(withCommand(event(a, Event.Type.ERROR, "no-command-runner", "command execution is not available"), command));
      return;
    }
    try {
      CommandRunner.Result r = runner.run(CommandRunner.split(command), user);
      Event e = event(a, r.exitCode() == 0 ? Event.Type.COMMAND : Event.Type.ERROR,
          r.exitCode() == 0 ? null : "command-failed", "exit " + r.exitCode());
      log.emit(withCommand(e, command));
    } catch (IOException | RuntimeException e) {
      log.emit(withCommand(event(a, Event.Type.ERROR, "command-failed", e.getMessage()), command));
    }
  }

  private static Event withCommand(Event e, String command) {
    return new Event(e.timeMillis(), e.type(), e.src(), e.srcPort(), e.dst(), e.dstPort(), e.protocol(), e.user(),
        e.allow(), e.access(), e.nat(), e.timeout(), e.stanza(), e.reason(), e.detail(), command);
  }

  private Event event(Action a, Event.Type type, String reason, String detail) {
    long now = clock.getAsLong();
    Grant g = a.decision() instanceof Decision.Open o ? o.grant() : null;
    return new Event(now, type, a.packet().src(), a.packet().srcPort(), a.packet().dst(), a.packet().dstPort(),
        a.packet().protocol(), a.message().user(), g == null ? a.message().allowIp() : g.source().getHostAddress(),
        g == null ? null : g.access(), g == null ? null : g.nat(),
        g == null ? -1 : Math.max(0, (g.expires().toEpochMilli() - a.timeMillis()) / 1000), a.stanza().name(),
        reason, detail, null);
  }

  @Override
  public void close() {
    try {
      queue.put(STOP);
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (log) {
      log.flush();
    }
  }
}
