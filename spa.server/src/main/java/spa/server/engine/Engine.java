package spa.server.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import spa.core.Packet;
import spa.core.spi.CaptureSource;
import spa.server.event.EventOutput;
import spa.server.replay.ReplayGuard;

/**
 * The packet path. The capture thread runs the {@link Intake} (prefilter, bounded queue); {@link Worker} threads
 * decide each packet through their {@link Pipeline} and report it through their {@link Reporter}: one event per
 * authenticated packet, refusals of the others tallied per reason and source by the {@link DenyTally}, accepted
 * decisions passed to the actuator.
 */
public final class Engine {
  /**
   * Packets an offline capture hands over at once; live packets go one by one, at once. Large, so that the
   * reader and the workers seldom wait for each other: each wait is a thread switch.
   */
  private static final int OFFLINE_BATCH = 512;
  /**
   * Batches an offline capture may queue per worker: enough to keep every worker busy. A file is read faster
   * than it is decided, so a deeper queue would only hold more packets alive through each garbage collection.
   */
  private static final int OFFLINE_BATCHES_PER_WORKER = 2;
  /** How often tallied refusals are reported. */
  static final long TALLY_MILLIS = 3000;
  /** Sources tallied at once, and stanza and source pairs rate-limited at once. */
  private static final int TALLY_SOURCES = 4096;
  private static final int RATE_BUCKETS = 65536;

  /**
   * How the engine runs.
   *
   * @param testMode decide and log only: nothing acted on, nothing persisted
   * @param offline the capture reads a file: wait for queue space instead of dropping
   * @param workers decision threads
   * @param queueSize packets that may wait for a worker
   * @param packetLimit stop after this many packets from the capture (0: no limit)
   * @param rateLimit authenticated packets per second per stanza and source ({@code SPA_RATE_LIMIT}; 0: no limit)
   * @param decryptLimit decrypt attempts per second, all sources together ({@code SPA_DECRYPT_LIMIT}; 0: no limit)
   * @param logEachDeny one event per refusal of an unauthenticated packet ({@code LOG_EACH_DENY}), not a tally
   */
  public record Options(boolean testMode, boolean offline, int workers, int queueSize, long packetLimit,
      double rateLimit, double decryptLimit, boolean logEachDeny) {}

  private final Options options;
  /**
   * The system clock in milliseconds, as the daemon gives it to its engine and actuator and the warm-up to its own:
   * one class, so that the JIT's profiles of the warm-up hold for the daemon's packet path.
   */
  public static final LongSupplier SYSTEM_MILLIS = System::currentTimeMillis;

  private final ChainRef chain;
  private final ReplayGuard guard;
  private final Actuator actuator;
  private final EventOutput events;
  private final LongSupplier clock;
  private final BlockingQueue<Packet[]> queue;
  private final Intake intake;
  private final KeyTrial keys;
  private final RateLimiter rateLimiter;
  private final DenyTally tally;
  private final CaptureDrops captureDrops;
  private final Counts counts = new Counts();
  private final List<Thread> workers = new ArrayList<>();
  private final CountDownLatch ended = new CountDownLatch(1);
  private ScheduledExecutorService tallyTimer;

  /**
   * @param guard asked whether an authenticated packet was seen before (and made to record it)
   */
  public Engine(Options options, DecisionChain chain, ReplayGuard guard, Actuator actuator,
      EventOutput events, Prefilter prefilter, LongSupplier clock) {
    this.options = options;
    this.chain = new ChainRef(chain);
    this.guard = guard;
    this.actuator = actuator;
    this.events = events;
    this.clock = clock;
    int perEntry = options.offline() ? OFFLINE_BATCH : 1;
    int capacity = Math.max(16, options.queueSize() / perEntry);
    if (options.offline()) {
      capacity = Math.min(capacity, OFFLINE_BATCHES_PER_WORKER * Math.max(1, options.workers()));
    }
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.tally = options.logEachDeny() ? null : new DenyTally(TALLY_SOURCES, events.newLog(true));
    this.intake = new Intake(prefilter, queue, options.offline(), perEntry, options.packetLimit(), clock,
        events.newLog(false), tally, ended::countDown);
    double d = options.decryptLimit();
    this.keys = new KeyTrial(d > 0 ? new DecryptBudget(d, System::nanoTime) : null, d);
    this.rateLimiter = options.rateLimit() > 0 ? new RateLimiter(options.rateLimit(), RATE_BUCKETS) : null;
    this.captureDrops = new CaptureDrops(events.newLog(false), clock);
  }

  /** Replaces the policy (configuration reload); packets in flight finish with the one they started with. */
  public void policy(DecisionChain next) {
    chain.set(next);
  }

  public DecisionChain policy() {
    return chain.get();
  }

  /** Starts the worker threads, and the timer that reports tallied refusals. */
  public void start() {
    for (int i = 0; i < Math.max(1, options.workers()); i++) {
      Pipeline pipeline = new Pipeline(guard, keys, rateLimiter, options.rateLimit());
      Reporter reporter = new Reporter(events.newLog(true), counts, tally, options.testMode() ? null : actuator);
      Thread t = new Thread(new Worker(queue, options.offline(), chain, pipeline, reporter, clock),
          "spad-worker-" + i);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
    if (tally != null) {
      tallyTimer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "spad-deny-tally");
        t.setDaemon(true);
        return t;
      });
      tallyTimer.scheduleWithFixedDelay(() -> tally.flush(clock.getAsLong()), TALLY_MILLIS, TALLY_MILLIS,
          TimeUnit.MILLISECONDS);
    }
  }

  /** Where captures deliver packets. */
  public CaptureSource.Sink sink() {
    return new CaptureSource.Sink() {
      @Override
      public void accept(Packet p) {
        intake.accept(p);
      }

      @Override
      public void end() {
        intake.flush();
        ended.countDown();
      }
    };
  }

  /**
   * Reads the running capture's own drops ({@link CaptureSource.Capture#dropped}, through {@code dropped}) for
   * {@link #stats} and reports a rising count as {@code error} events until {@link #finish}.
   */
  public void watchCapture(LongSupplier dropped) {
    captureDrops.watch(dropped);
  }

  /** Ends waiting in {@link #awaitEnd} (a signal, a stop request). */
  public void stop() {
    ended.countDown();
  }

  /** Waits until the capture ended, the packet limit was reached, or {@link #stop} was called. */
  public void awaitEnd() throws InterruptedException {
    ended.await();
  }

  public boolean awaitEnd(long millis) throws InterruptedException {
    return ended.await(millis, TimeUnit.MILLISECONDS);
  }

  /** Lets the workers finish the queue, stops them, and flushes their events and the tally. */
  public void finish() throws InterruptedException {
    captureDrops.close();
    intake.close();
    for (int i = 0; i < workers.size(); i++) {
      queue.put(Worker.POISON);
    }
    for (Thread t : workers) {
      t.join();
    }
    if (tallyTimer != null) {
      tallyTimer.shutdownNow();
      tallyTimer.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (tally != null) {
      tally.flush(clock.getAsLong());
    }
  }

  public Stats stats() {
    return new Stats(intake.received(), intake.ignored(), intake.queueDropped(), captureDrops.count(),
        counts.accepted.sum(),
        counts.deniedByReason(), counts.replays.sum(), guard.size());
  }
}
