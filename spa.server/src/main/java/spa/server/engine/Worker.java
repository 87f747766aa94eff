package spa.server.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import spa.core.Packet;

/**
 * One decision thread: takes packets from the queue, has its pipeline decide each and its reporter report
 * the outcome, and flushes its events whenever the queue runs dry. Stops at the end marker.
 */
final class Worker implements Runnable {
  /** The end marker: each worker that takes one stops. */
  static final Packet[] POISON = new Packet[0];
  /** Live packets a worker takes from the queue at once. */
  private static final int LIVE_DRAIN = 64;
  private final BlockingQueue<Packet[]> queue;
  private final boolean offline;
  private final Supplier<DecisionChain> chain;
  private final Pipeline pipeline;
  private final Reporter reporter;
  private final LongSupplier clock;

  Worker(BlockingQueue<Packet[]> queue, boolean offline, Supplier<DecisionChain> chain, Pipeline pipeline,
      Reporter reporter, LongSupplier clock) {
    this.queue = queue;
    this.offline = offline;
    this.chain = chain;
    this.pipeline = pipeline;
    this.reporter = reporter;
    this.clock = clock;
  }

  @Override
  public void run() {
    List<Packet[]> batch = new ArrayList<>(LIVE_DRAIN);
    // an offline batch is already large: taking one at a time leaves the others to the other workers
    int drain = offline ? 0 : LIVE_DRAIN - 1;
    try {
      while (true) {
        batch.add(queue.take());
        if (drain > 0) {
          queue.drainTo(batch, drain);
        }
        int poisons = 0;
        for (int b = 0; b < batch.size(); b++) {
          Packet[] ps = batch.get(b);
          if (ps == POISON) {
            poisons++;
          } else {
            for (Packet p : ps) {
              decide(p);
            }
          }
        }
        batch.clear();
        if (poisons > 0) {
          for (int i = 1; i < poisons; i++) {
            queue.put(POISON);
          }
          break;
        }
        if (queue.isEmpty()) {
          reporter.flush();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      reporter.flush();
    }
  }

  private void decide(Packet p) {
    long now = clock.getAsLong();
    try {
      reporter.report(p, now, pipeline.process(chain.get(), p, now));
    } catch (RuntimeException e) {
      reporter.failed(p, now, e);
    }
  }
}
