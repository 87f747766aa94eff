package spa.server.engine;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** What the workers decided, counted for {@link Stats}. Thread-safe. */
final class Counts {
  final LongAdder accepted = new LongAdder();
  final LongAdder replays = new LongAdder();
  private final Map<String, LongAdder> denied = new ConcurrentHashMap<>();

  /** The counter of refusals for {@code reason}. */
  LongAdder denied(String reason) {
    return denied.computeIfAbsent(reason, k -> new LongAdder());
  }

  Map<String, Long> deniedByReason() {
    Map<String, Long> out = new TreeMap<>();
    denied.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}
