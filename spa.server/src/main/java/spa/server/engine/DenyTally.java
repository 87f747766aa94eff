package spa.server.engine;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import spa.server.event.Event;
import spa.server.event.EventLog;

/**
 * Refusals of packets that did not authenticate, counted per reason and source and reported as one event each
 * with its {@code count} when {@link #flush} is called (every few seconds, and at the end), instead of one line
 * per packet: a flood of forged packets must not fill the disk. At most {@code maxSources} pairs are counted at
 * once; refusals beyond them are counted per reason without a source, so memory stays bounded. Thread-safe.
 */
final class DenyTally {
  private record Key(String reason, InetAddress source) {}

  /** Mutated only inside the map's compute for its key, read only once removed: no count is lost. */
  private static final class Tally {
    long count;
    final String detail;

    Tally(String detail) {
      this.detail = detail;
    }
  }

  private final ConcurrentHashMap<Key, Tally> tallies = new ConcurrentHashMap<>();
  private final int maxSources;
  private final EventLog log;

  /** @param log a log used only by this tally */
  DenyTally(int maxSources, EventLog log) {
    this.maxSources = maxSources;
    this.log = log;
  }

  /** Counts one refusal; {@code detail} is reported as that of the first in the period. */
  void add(String reason, InetAddress source, String detail) {
    Key k = new Key(reason, source);
    if (!tallies.containsKey(k) && tallies.size() >= maxSources) {
      k = new Key(reason, null);
    }
    tallies.compute(k, (key, t) -> {
      Tally n = t == null ? new Tally(detail) : t;
      n.count++;
      return n;
    });
  }

  /** Reports and forgets what was counted since the last call. */
  synchronized void flush(long nowMillis) {
    for (Key k : tallies.keySet()) {
      Tally t = tallies.remove(k);
      if (t == null) {
        continue;
      }
      String detail = k.source() != null ? t.detail
          : t.detail + " (sources beyond the " + maxSources + " counted one by one)";
      log.emit(Event.builder(Event.Type.DENY, nowMillis).reason(k.reason()).source(k.source()).count(t.count)
          .detail(detail).build());
    }
    log.flush();
  }
}
