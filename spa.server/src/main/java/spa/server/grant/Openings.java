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
  /** Per source: its one grant, or a list of two or more (most sources have one: no list for them). */
  private final Map<InetAddress, Object> bySource = new LinkedHashMap<>();
  private int size;

  /** The held grant for the same opening as {@code g}, or null. */
  Grant find(Grant g) {
    Object held = bySource.get(g.source());
    if (held instanceof Grant h) {
      return h.sameOpening(g) ? h : null;
    }
    if (held != null) {
      for (Grant h : grants(held)) {
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
    bySource.merge(g.source(), g, (held, one) -> {
      if (held instanceof Grant h) {
        List<Grant> two = new ArrayList<>(2);
        two.add(h);
        two.add(g);
        return two;
      }
      grants(held).add(g);
      return held;
    });
    size++;
  }

  /** Removes exactly {@code g}; false when it is not held. */
  boolean remove(Grant g) {
    Object held = bySource.get(g.source());
    if (held instanceof Grant h) {
      if (!h.equals(g)) {
        return false;
      }
      bySource.remove(g.source());
    } else if (held == null || !grants(held).remove(g)) {
      return false;
    } else if (grants(held).size() == 1) {
      bySource.put(g.source(), grants(held).get(0));
    }
    size--;
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
    Object held = bySource.get(g.source());
    return held instanceof Grant h ? h.equals(g) : held != null && grants(held).contains(g);
  }

  List<Grant> all() {
    List<Grant> out = new ArrayList<>(size);
    for (Object held : bySource.values()) {
      if (held instanceof Grant h) {
        out.add(h);
      } else {
        out.addAll(grants(held));
      }
    }
    return out;
  }

  int size() {
    return size;
  }

  void clear() {
    bySource.clear();
    size = 0;
  }

  @SuppressWarnings("unchecked")
  private static List<Grant> grants(Object held) {
    return (List<Grant>) held;
  }
}
