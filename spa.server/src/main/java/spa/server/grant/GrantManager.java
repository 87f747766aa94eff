package spa.server.grant;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.spi.FirewallBackend;
import spa.server.plugin.Plugins;

/**
 * Keeps the openings spa made: records each in the journal once the firewall holds it (off the knock's
 * critical path; should spad die in between, start-up adopts the opening from the firewall), extends an opening
 * on a re-knock instead of stacking a second one, closes it at expiry when the firewall does not do so
 * itself, and at start-up reconciles the journal with what the firewall holds so that nothing expired
 * survives and nothing valid is lost. All firewall calls are serialised on this object's lock; the
 * {@link FirewallWatch} checks that the firewall still holds what spa set up.
 */
public final class GrantManager implements AutoCloseable {

  /** Receives the lifecycle of grants, for the event log. */
  public interface Listener {
    /** {@code grant} reached its expiry and is closed. */
    void expired(Grant grant);

    /** A firewall or journal operation on {@code grant} failed. */
    void failed(String operation, Grant grant, Exception cause);
  }

  /** What start-up found. */
  public record Reconciliation(int kept, int restored, int adopted, int removed, List<String> problems) {}

  /** How long a failed close waits before it is tried again. */
  private static final Duration CLOSE_RETRY = Duration.ofSeconds(5);
  /** Expiries handled per turn of the timer, so that a burst of them never holds the lock for long. */
  private static final int EXPIRIES_PER_TURN = 64;
  private final FirewallBackend backend;
  private final GrantJournal journal;
  private final Clock clock;
  private final Listener listener;
  private final Scheduler timer;
  private final Openings active = new Openings();
  /**
   * Every held grant by expiry, earliest first, and one timer task for the earliest: one array slot per grant
   * rather than a timer task each. A grant extended or closed before its time stays queued until then, and is
   * passed over because it is no longer held.
   */
  private final PriorityQueue<Due> expiries = new PriorityQueue<>();
  private Scheduler.Task wakeUp;
  private Instant wakeAt;
  /** The clock's time of the last {@link #openAll}, for {@link FirewallWatch}'s backstop. */
  private volatile long lastOpenMillis = Long.MIN_VALUE / 2;

  /** The daemon's manager: expiry runs on the thread {@code spad-expiry}. */
  public GrantManager(FirewallBackend backend, GrantJournal journal, Clock clock, Listener listener) {
    this(backend, journal, clock, Scheduler.thread("spad-expiry"), listener);
  }

  /** A manager whose expiry runs on {@code timer}, which it closes with itself. */
  public GrantManager(FirewallBackend backend, GrantJournal journal, Clock clock, Scheduler timer, Listener listener) {
    this.backend = backend;
    this.journal = journal;
    this.clock = clock;
    this.listener = listener;
    this.timer = timer;
  }

  /**
   * Reconciles: openings the firewall holds past their expiry are closed; journal entries still valid but
   * missing from the firewall are opened again until their original expiry; openings the firewall holds
   * that the journal lacks (a crash between the two writes) are adopted and closed on time.
   */
  public synchronized Reconciliation start() throws IOException, FirewallException {
    List<String> problems = new ArrayList<>();
    List<Grant> recorded = journal.load(problems);
    List<Grant> held = call(backend::list);
    Instant now = clock.instant();
    int kept = 0;
    int restored = 0;
    int adopted = 0;
    int removed = 0;
    Openings journaled = new Openings();
    recorded.forEach(journaled::put);
    Openings holding = new Openings();
    held.forEach(holding::put);
    for (Grant h : held) {
      Grant r = journaled.find(h);
      if (!h.expires().isAfter(now)) {
        closeQuietly(h);
        removed++;
      } else if (r != null) {
        active.put(GrantJournal.precise(h, r));
        kept++;
      } else {
        active.put(h);
        adopted++;
      }
    }
    for (Grant r : journaled.all()) {
      if (r.expires().isAfter(now) && holding.find(r) == null) {
        try {
          run(() -> backend.open(r));
          active.put(r);
          restored++;
        } catch (FirewallException e) {
          listener.failed("restore", r, e);
        }
      }
    }
    journal.store(active.all());
    for (Grant g : active.all()) {
      scheduleClose(g);
    }
    return new Reconciliation(kept, restored, adopted, removed, problems);
  }

  /** The outcome of one grant of {@link #openAll}: opened (perhaps by extending), or refused with {@code failure}. */
  public record Result(Grant grant, boolean extended, Exception failure) {
    public boolean ok() {
      return failure == null;
    }
  }

  /**
   * Opens {@code grant}, or extends the opening for the same source and access to the later expiry.
   *
   * @return true when an existing opening was extended rather than a new one made
   */
  public boolean open(Grant grant) throws FirewallException, IOException {
    Result r = openAll(List.of(grant)).get(0);
    if (r.failure() instanceof FirewallException e) {
      throw e;
    }
    if (r.failure() instanceof RuntimeException e) {
      throw e;
    }
    return r.extended();
  }

  /**
   * Opens all of {@code grants} in one backend call where the firewall allows it; when the firewall refuses
   * the batch, its halves are tried apart, so one bad grant costs a few calls and blocks none of the others.
   *
   * @return one result per grant, in order
   */
  public synchronized List<Result> openAll(List<Grant> grants) {
    lastOpenMillis = clock.millis();
    List<Grant> targets = new ArrayList<>();
    for (Grant g : grants) {
      Grant existing = active.find(g);
      targets.add(existing != null && existing.expires().isAfter(g.expires()) ? g.withExpiry(existing.expires()) : g);
    }
    Map<Grant, Exception> refused = new HashMap<>();
    apply(targets, refused);
    List<Result> results = new ArrayList<>();
    List<Grant> applied = new ArrayList<>();
    for (int i = 0; i < grants.size(); i++) {
      Grant target = targets.get(i);
      Exception failure = refused.get(target);
      Grant existing = active.find(target);
      if (failure == null) {
        if (existing != null) {
          active.remove(existing);
          if (existing.expires().isAfter(target.expires())) {
            target = target.withExpiry(existing.expires());
          }
        }
        active.put(target);
        scheduleClose(target);
        applied.add(target);
      }
      results.add(new Result(grants.get(i), existing != null, failure));
    }
    if (!applied.isEmpty()) {
      try {
        journal.opened(applied);
      } catch (IOException e) {
        // the openings are made and will be closed on time; a restart would adopt them from the firewall
        listener.failed("journal", targets.get(0), e);
      }
    }
    return results;
  }

  /** Opens {@code part} in one call, else its halves apart; what a single-grant call refuses goes to {@code refused}. */
  private void apply(List<Grant> part, Map<Grant, Exception> refused) {
    if (part.isEmpty()) {
      return;
    }
    try {
      run(() -> backend.openAll(part));
    } catch (FirewallException | RuntimeException e) {
      if (part.size() == 1) {
        refused.put(part.get(0), e);
        return;
      }
      int half = part.size() / 2;
      apply(part.subList(0, half), refused);
      apply(part.subList(half, part.size()), refused);
    }
  }

  /** True when grants were opened in the last {@code window}: the firewall is busy with them. */
  boolean openedWithin(Duration window) {
    return clock.millis() - lastOpenMillis < window.toMillis();
  }

  /** True while the firewall holds what the backend set up ({@link FirewallBackend#intact}); for {@link FirewallWatch}. */
  synchronized boolean intact() throws FirewallException {
    return call(backend::intact);
  }

  /**
   * Sets up again what the backend set up and re-opens the grants still valid until their own expiry, in turn
   * with every other firewall call; for {@link FirewallWatch}.
   *
   * @return how many grants were re-opened
   */
  synchronized int restore() throws FirewallException {
    run(backend::repair);
    Instant now = clock.instant();
    List<Grant> valid = active.all().stream().filter(g -> g.expires().isAfter(now)).toList();
    return (int) openAll(valid).stream().filter(Result::ok).count();
  }

  /** The openings spa holds now. */
  public synchronized List<Grant> active() {
    return active.all();
  }

  /** Starts the backend's change reports ({@link FirewallBackend#watchChanges}); for {@link FirewallWatch}. */
  synchronized AutoCloseable watchChanges(Runnable changed) throws FirewallException {
    return call(() -> backend.watchChanges(changed));
  }

  /**
   * Closes the openings of {@code grants} held now, before their time (a fleet gateway's flush); one the firewall
   * refuses to close stays, and still closes at its expiry.
   *
   * @return how many were closed
   */
  public synchronized int revoke(List<Grant> grants) {
    int closed = 0;
    for (Grant g : grants) {
      Grant held = active.find(g);
      if (held == null) {
        continue;
      }
      try {
        run(() -> backend.close(held));
      } catch (FirewallException | RuntimeException e) {
        listener.failed("close", held, e);
        continue;
      }
      active.remove(held);
      try {
        journal.closed(held);
      } catch (IOException e) {
        listener.failed("journal", held, e);
      }
      closed++;
    }
    return closed;
  }

  /** Removes everything spa added in the firewall and forgets it (close the {@link FirewallWatch} first). */
  public synchronized void flush() throws FirewallException, IOException {
    run(backend::flush);
    expiries.clear();
    arm();
    active.clear();
    journal.store(List.of());
  }

  /** Stops the expiry timer; openings stay in the firewall and the journal for the next start. */
  @Override
  public void close() {
    timer.close();
  }


  /** A grant and when the timer next looks at it: its expiry, or a failed close's retry. */
  private record Due(Instant at, Grant grant) implements Comparable<Due> {
    @Override
    public int compareTo(Due o) {
      return at.compareTo(o.at);
    }
  }

  private void scheduleClose(Grant g) {
    expiries.add(new Due(g.expires(), g));
    arm();
  }

  /** Sets the timer for the earliest entry, unless it is already set for that time or earlier. */
  private void arm() {
    Due head = expiries.peek();
    if (head == null || wakeUp == null || head.at().isBefore(wakeAt)) {
      if (wakeUp != null) {
        wakeUp.cancel();
        wakeUp = null;
      }
      if (head != null) {
        wakeAt = head.at();
        wakeUp = timer.schedule(this::expireDue, Duration.between(clock.instant(), wakeAt));
      }
    }
  }

  /** Handles the entries now due, at most {@link #EXPIRIES_PER_TURN}; the timer comes back for the rest. */
  private synchronized void expireDue() {
    wakeUp = null;
    Instant now = clock.instant();
    for (int n = 0; n < EXPIRIES_PER_TURN && !expiries.isEmpty() && !expiries.peek().at().isAfter(now); n++) {
      expire(expiries.poll().grant());
    }
    arm();
  }

  private void expire(Grant g) {
    if (!active.contains(g)) {
      return; // extended, revoked or flushed since
    }
    if (!backend.kernelExpiry()) {
      try {
        run(() -> backend.close(g));
      } catch (FirewallException | RuntimeException e) {
        listener.failed("close", g, e);
        expiries.add(new Due(clock.instant().plus(CLOSE_RETRY), g));
        return;
      }
    }
    active.remove(g);
    try {
      journal.closed(g);
    } catch (IOException e) {
      listener.failed("journal", g, e);
    }
    listener.expired(g);
  }

  private void closeQuietly(Grant g) {
    try {
      run(() -> backend.close(g));
    } catch (FirewallException | RuntimeException e) {
      listener.failed("close", g, e);
    }
  }

  /** Applies changed settings to the running firewall (a reload), in turn with every other firewall call. */
  public synchronized void reconfigure(spa.core.Settings settings) throws FirewallException {
    run(() -> backend.reconfigure(settings));
  }

  private interface FirewallCall<T> {
    T call() throws FirewallException;
  }

  private interface FirewallAction {
    void run() throws FirewallException;
  }

  private void run(FirewallAction action) throws FirewallException {
    call(() -> {
      action.run();
      return null;
    });
  }

  /** Calls the backend with its own class loader as context loader (plugins in child layers need it). */
  private <T> T call(FirewallCall<T> c) throws FirewallException {
    return Plugins.withContextLoader(backend.getClass().getClassLoader(), c::call);
  }
}
