package spa.server.replay;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import spa.core.Packet;
import spa.core.replay.ReplayStore;

/**
 * Replay protection shared by a fleet ({@code REPLAY_STORE} other than {@code local}): the shared store decides,
 * and the local cache records too (its file, and the fallback). When the store does not answer, the fault policy
 * ({@code REDIS_FAULT}) refuses the packet ({@link Fault#CLOSED}) or asks the local cache alone ({@link Fault#LOCAL},
 * the gap logged at its start and end); either way an error is reported at most once per {@code errorEveryMillis}.
 */
public final class SharedReplays implements ReplayGuard {
  /** What to do with an authenticated packet while the shared store does not answer. */
  public enum Fault { CLOSED, LOCAL }

  private final ReplayStore store;
  private final ReplayGuard local;
  private final long ttlMillis;
  private final Fault fault;
  private final Consumer<String> error;
  private final Consumer<String> info;
  private final LongSupplier clockMillis;
  private final long errorEveryMillis;
  private final AtomicLong lastError = new AtomicLong(Long.MIN_VALUE);
  /** When the current outage began (clock millis), or Long.MIN_VALUE when the store answers. */
  private final AtomicLong outageSince = new AtomicLong(Long.MIN_VALUE);

  /**
   * @param ttlMillis how long the store keeps a record: the age window plus the allowed skew
   * @param error one line for an {@code error} event (rate-limited here)
   * @param info one line for the log (the start and end of a gap)
   */
  public SharedReplays(ReplayStore store, ReplayGuard local, long ttlMillis, Fault fault, Consumer<String> error,
      Consumer<String> info, LongSupplier clockMillis, long errorEveryMillis) {
    this.store = store;
    this.local = local;
    this.ttlMillis = ttlMillis;
    this.fault = fault;
    this.error = error;
    this.info = info;
    this.clockMillis = clockMillis;
    this.errorEveryMillis = errorEveryMillis;
  }

  @Override
  public Seen firstSeen(byte[] sha256, Packet packet, long epochSecond) {
    ReplayStore.Answer a = store.firstSeen(sha256, epochSecond, ttlMillis);
    if (a == ReplayStore.Answer.UNAVAILABLE) {
      return unavailable(sha256, packet, epochSecond);
    }
    recovered();
    if (a == ReplayStore.Answer.SEEN) {
      return new Again(-1);
    }
    // new to the fleet: recorded here too (the file across restarts, and the fallback in an outage)
    return local.firstSeen(sha256, packet, epochSecond);
  }

  private Seen unavailable(byte[] sha256, Packet packet, long epochSecond) {
    long now = clockMillis.getAsLong();
    boolean began = outageSince.compareAndSet(Long.MIN_VALUE, now);
    long last = lastError.get();
    if ((began || last == Long.MIN_VALUE || now - last >= errorEveryMillis) && lastError.compareAndSet(last, now)) {
      error.accept("replay store " + store.name() + " does not answer: "
          + (fault == Fault.CLOSED ? "authenticated packets refused (REDIS_FAULT closed)"
              : "the local cache alone decides (REDIS_FAULT local): other gateways do not see these packets"));
    }
    if (fault == Fault.CLOSED) {
      return new Unavailable("replay store " + store.name() + " does not answer");
    }
    return local.firstSeen(sha256, packet, epochSecond);
  }

  private void recovered() {
    long since = outageSince.get();
    if (since != Long.MIN_VALUE && outageSince.compareAndSet(since, Long.MIN_VALUE)) {
      long ms = clockMillis.getAsLong() - since;
      info.accept("replay store " + store.name() + " answers again after " + ms + " ms"
          + (fault == Fault.LOCAL ? ": packets accepted in that gap were checked against this gateway's cache only"
              : ""));
    }
  }

  @Override
  public void written(long sequence) throws IOException {
    local.written(sequence);
  }

  @Override
  public void durable(long sequence) throws IOException {
    local.durable(sequence);
  }

  @Override
  public int size() {
    return local.size();
  }
}
