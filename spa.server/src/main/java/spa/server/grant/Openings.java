package spa.server.grant;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import spa.core.Grant;

/**
 * A set of openings with at most one grant per opening ({@link Grant#sameOpening}), found by source address:
 * a lookup costs the few openings of one source, not a scan of every grant, so a batch stays cheap when tens of
 * thousands are open. Sources keep the order they came in. Not thread-safe; its owner locks.
 */
final class Openings {
  private final Map<InetAddress, List<Grant>> bySource = new LinkedHashMap<>();
  private int size;

  /** The held grant for the same opening as {@code g}, or null. */
  Grant find(Grant g) {
    List<Grant> same = bySource.get(g.source());
    if (same != null) {
      for (Grant h : same) {
        if (h.sameOpening(g)) {
          return h;
        }
      }
    }
    return null;
  }

  /** Holds {@code g} in place of any grant for the same opening. */
  void put(Grant g) {
    removeSame(g);
    bySource.computeIfAbsent(g.source(), k -> new ArrayList<>(1)).add(g);
    size++;
  }

  /** Removes exactly {@code g}; false when it is not held. */
  boolean remove(Grant g) {
    List<Grant> same = bySource.get(g.source());
    if (same == null || !same.remove(g)) {
      return false;
    }
    size--;
    if (same.isEmpty()) {
      bySource.remove(g.source());
    }
    return true;
  }

  /** Removes the grant for the same opening as {@code g}, if any. */
  void removeSame(Grant g) {
    Grant held = find(g);
    if (held != null) {
      remove(held);
    }
  }

  boolean contains(Grant g) {
    List<Grant> same = bySource.get(g.source());
    return same != null && same.contains(g);
  }

  List<Grant> all() {
    List<Grant> out = new ArrayList<>(size);
    bySource.values().forEach(out::addAll);
    return out;
  }

  int size() {
    return size;
  }

  void clear() {
    bySource.clear();
    size = 0;
  }
}
