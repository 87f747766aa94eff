package spa.server.engine;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import spa.server.event.Event;
import spa.server.event.EventLog;

/**
 * Refusals of packets that did not authenticate, counted per reason and source and reported as one event each
 * with its {@code count} when {@link #flush} is called (every few seconds, and at the end), instead of one line
 * per packet: a flood of forged packets must not fill the disk. At most {@code maxSources} pairs are counted at
 * once; refusals beyond them are counted per reason without a source, so memory stays bounded.
 *
 * <p>Counting a pair already seen allocates nothing (the prefilter's refusals are counted on the capture
 * thread): a pair keeps its counter until a period passes without it. Thread-safe; no count is lost.
 */
final class DenyTally {
  /** One reason's count for one source; guarded by its own monitor, dropped once retired. */
  private static final class Tally {
    long count;
    String detail;
    boolean retired;
  }

  private final ConcurrentHashMap<String, ConcurrentHashMap<InetAddress, Tally>> bySource =
      new ConcurrentHashMap<>();
  /** Per reason: refusals from sources beyond {@code maxSources}, or without a source. */
  private final ConcurrentHashMap<String, Tally> beyond = new ConcurrentHashMap<>();
  private final AtomicInteger pairs = new AtomicInteger();
  private final int maxSources;
  private final EventLog log;

  /** @param log a log used only by this tally */
  DenyTally(int maxSources, EventLog log) {
    this.maxSources = maxSources;
    this.log = log;
  }

  /** Counts one refusal; {@code detail} is reported as that of the first in the period. */
  void add(String reason, InetAddress source, String detail) {
    while (true) {
      Tally t = find(reason, source);
      synchronized (t) {
        if (!t.retired) {
          if (t.count++ == 0) {
            t.detail = detail;
          }
          return;
        }
      }
      // retired by a flush between the lookup and the count: look it up again
    }
  }

  private Tally find(String reason, InetAddress source) {
    ConcurrentHashMap<InetAddress, Tally> sources = bySource.get(reason);
    if (sources == null) {
      sources = bySource.computeIfAbsent(reason, r -> new ConcurrentHashMap<>());
    }
    Tally t = source == null ? null : sources.get(source);
    if (t != null) {
      return t;
    }
    if (source != null && pairs.get() < maxSources) {
      Tally prev = sources.putIfAbsent(source, t = new Tally());
      if (prev == null) {
        pairs.incrementAndGet();
        return t;
      }
      return prev;
    }
    t = beyond.get(reason);
    if (t == null) {
      Tally prev = beyond.putIfAbsent(reason, t = new Tally());
      t = prev == null ? t : prev;
    }
    return t;
  }

  /** Reports what was counted since the last call, and forgets pairs not seen since the one before. */
  synchronized void flush(long nowMillis) {
    for (Map.Entry<String, ConcurrentHashMap<InetAddress, Tally>> r : bySource.entrySet()) {
      for (Map.Entry<InetAddress, Tally> s : r.getValue().entrySet()) {
        if (report(r.getKey(), s.getKey(), s.getValue(), nowMillis)) {
          r.getValue().remove(s.getKey(), s.getValue());
          pairs.decrementAndGet();
        }
      }
    }
    for (Map.Entry<String, Tally> r : beyond.entrySet()) {
      if (report(r.getKey(), null, r.getValue(), nowMillis)) {
        beyond.remove(r.getKey(), r.getValue());
      }
    }
    log.flush();
  }

  /** Emits the tally's count, if any, and resets it; true when it was idle and is now retired. */
  private boolean report(String reason, InetAddress source, Tally t, long nowMillis) {
    long n;
    String detail;
    synchronized (t) {
      n = t.count;
      detail = t.detail;
      t.count = 0;
      t.retired = n == 0;
    }
    if (n > 0) {
      String d = source != null ? detail : detail + " (sources beyond the " + maxSources + " counted one by one)";
      log.emit(Event.builder(Event.Type.DENY, nowMillis).reason(reason).source(source).count(n).detail(d).build());
    }
    return n == 0;
  }
}
