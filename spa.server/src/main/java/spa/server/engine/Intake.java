package spa.server.engine;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import spa.core.Packet;
import spa.server.event.Event;
import spa.server.event.EventLog;

/**
 * The capture's side of the packet path: counts packets against the packet limit, runs the prefilter, and
 * queues what passes for the workers: live packets one by one (dropped and counted when the queue is full),
 * an offline capture's in batches that wait for queue space.
 */
final class Intake {
  private final Prefilter prefilter;
  private final BlockingQueue<Packet[]> queue;
  private final boolean offline;
  private final long packetLimit;
  private final LongSupplier clock;
  private final EventLog log;
  /** Where reasoned refusals go, or null to report each one. */
  private final DenyTally tally;
  /** Called once the packet limit is reached. */
  private final Runnable limitReached;
  private final AtomicLong received = new AtomicLong();
  private final LongAdder[] ignored = new LongAdder[Prefilter.NAMES.length];
  private final LongAdder queueDropped = new LongAdder();
  private Packet[] batch;
  private int batchSize;
  private long lastDropReport;
  private volatile boolean closed;

  /**
   * @param batchSize packets an offline capture hands over at once (1 when live)
   * @param log a log used only here
   * @param tally where the prefilter's reasoned refusals are counted, or null to report each one
   */
  Intake(Prefilter prefilter, BlockingQueue<Packet[]> queue, boolean offline, int batchSize, long packetLimit,
      LongSupplier clock, EventLog log, DenyTally tally, Runnable limitReached) {
    this.prefilter = prefilter;
    this.queue = queue;
    this.offline = offline;
    this.packetLimit = packetLimit;
    this.clock = clock;
    this.log = log;
    this.tally = tally;
    this.limitReached = limitReached;
    this.batch = new Packet[batchSize];
    for (int i = 0; i < ignored.length; i++) {
      ignored[i] = new LongAdder();
    }
  }

  void accept(Packet p) {
    if (closed) {
      return;
    }
    long n = received.incrementAndGet();
    if (packetLimit > 0 && n > packetLimit) {
      return;
    }
    byte[] payload = p.payload();
    int r = payload == null || p.src() == null ? Prefilter.TOO_SHORT : prefilter.check(payload);
    if (r == Prefilter.HTTP) {
      Packet inner = prefilter.unwrapHttp(p);
      if (inner != null) {
        p = inner;
        r = Prefilter.PASS;
      }
    }
    if (r != Prefilter.PASS) {
      ignored[r].increment();
      if (Prefilter.DETAILS[r] != null) {
        deny(p, r);
      }
    } else {
      enqueue(p);
    }
    if (packetLimit > 0 && n == packetLimit) {
      flush();
      limitReached.run();
    }
  }

  private void deny(Packet p, int r) {
    if (tally != null) {
      tally.add(Prefilter.NAMES[r], p.src(), Prefilter.DETAILS[r]);
      return;
    }
    long now = clock.getAsLong();
    synchronized (log) {
      log.emit(Event.builder(Event.Type.DENY, now).packet(p).reason(Prefilter.NAMES[r])
          .detail(Prefilter.DETAILS[r]).build());
    }
  }

  private void enqueue(Packet p) {
    if (offline) {
      synchronized (this) {
        batch[batchSize++] = p;
        if (batchSize == batch.length) {
          flush();
        }
      }
      return;
    }
    if (!queue.offer(new Packet[] {p})) {
      queueDropped.increment();
      long now = clock.getAsLong();
      synchronized (log) {
        if (now - lastDropReport >= 1000) {
          lastDropReport = now;
          log.emit(Event.plain(now, Event.Type.ERROR, "queue-full",
              queueDropped.sum() + " packets dropped so far: workers cannot keep up"));
        }
      }
    }
  }

  /** Hands an offline capture's partial batch to the workers, waiting for queue space. */
  synchronized void flush() {
    if (batchSize == 0) {
      return;
    }
    Packet[] full = batchSize == batch.length ? batch : Arrays.copyOf(batch, batchSize);
    batch = new Packet[batch.length];
    batchSize = 0;
    try {
      queue.put(full);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Flushes the last batch and takes no more packets. */
  void close() {
    flush();
    closed = true;
    synchronized (log) {
      log.flush();
    }
  }

  long received() {
    return received.get();
  }

  long queueDropped() {
    return queueDropped.sum();
  }

  /** Packets the prefilter refused, by reason. */
  Map<String, Long> ignored() {
    Map<String, Long> out = new TreeMap<>();
    for (int i = 1; i < ignored.length; i++) {
      long v = ignored[i].sum();
      if (v > 0) {
        out.put(Prefilter.NAMES[i], v);
      }
    }
    return out;
  }
}
