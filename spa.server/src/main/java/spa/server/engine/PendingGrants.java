package spa.server.engine;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import spa.core.Decision;
import spa.core.Grant;
import spa.core.ProtoPort;

/**
 * Grants waiting for the firewall, fair between stanzas and sources: a re-knock for an opening already
 * waiting joins it instead of queueing a second change, and a batch takes turns between stanzas and, within
 * one, between sources, at most a fixed number per source, so no key holder can hold the queue.
 */
final class PendingGrants {

  /** One change to make: the action whose grant lasts longest, and the re-knocks folded into it. */
  record Pending(Action action, List<Action> coalesced) {
    Grant grant() {
      return ((Decision.Open) action.decision()).grant();
    }
  }

  /** What makes two grants one opening (as {@link Grant#sameOpening}, on the fields a knock always carries). */
  private record Key(InetAddress source, Set<ProtoPort> access, Object natKind, int natPort) {
    static Key of(Grant g) {
      return new Key(g.source(), new HashSet<>(g.access()), g.nat() == null ? null : g.nat().kind(),
          g.nat() == null ? 0 : g.nat().port());
    }
  }

  private final int capacity;
  /** stanza, then source, then opening: insertion order is the turn order. */
  private final LinkedHashMap<String, LinkedHashMap<InetAddress, LinkedHashMap<Key, Pending>>> waiting =
      new LinkedHashMap<>();
  private int size;

  /** @param capacity the most distinct openings that may wait */
  PendingGrants(int capacity) {
    this.capacity = capacity;
  }

  boolean isEmpty() {
    return size == 0;
  }

  /** Adds an action with a {@link Decision.Open}; false when it is new and {@code capacity} are waiting. */
  boolean add(Action a) {
    Grant g = ((Decision.Open) a.decision()).grant();
    Key key = Key.of(g);
    var bySource = waiting.computeIfAbsent(a.stanza().name(), s -> new LinkedHashMap<>());
    var byKey = bySource.computeIfAbsent(g.source(), s -> new LinkedHashMap<>());
    Pending p = byKey.get(key);
    if (p == null) {
      if (size >= capacity) {
        prune(a.stanza().name(), g.source());
        return false;
      }
      byKey.put(key, new Pending(a, new ArrayList<>()));
      size++;
      return true;
    }
    List<Action> folded = new ArrayList<>(p.coalesced());
    Action keep = p.action();
    if (g.expires().isAfter(p.grant().expires())) {
      folded.add(keep);
      keep = a;
    } else {
      folded.add(a);
    }
    byKey.put(key, new Pending(keep, folded));
    return true;
  }

  /**
   * Takes up to {@code max} changes, one per stanza per turn, the sources of a stanza in turn, at most
   * {@code perSource} from one source; whoever was served moves to the back for the next batch.
   */
  List<Pending> nextBatch(int max, int perSource) {
    List<Pending> batch = new ArrayList<>();
    Map<InetAddress, Integer> taken = new HashMap<>();
    boolean progress = true;
    while (batch.size() < max && progress) {
      progress = false;
      for (String stanza : List.copyOf(waiting.keySet())) {
        if (batch.size() >= max) {
          break;
        }
        var bySource = waiting.get(stanza);
        // the first source not yet at its share; the served go to the back, so this is the front one in a flood
        // of distinct sources (no copy of the sources per pick: the waiting may be thousands)
        for (var sources = bySource.entrySet().iterator(); sources.hasNext(); ) {
          var entry = sources.next();
          InetAddress src = entry.getKey();
          if (taken.getOrDefault(src, 0) >= perSource) {
            continue;
          }
          sources.remove();
          var byKey = entry.getValue();
          Iterator<Pending> it = byKey.values().iterator();
          batch.add(it.next());
          it.remove();
          size--;
          taken.merge(src, 1, Integer::sum);
          if (!byKey.isEmpty()) {
            bySource.put(src, byKey);
          }
          progress = true;
          break;
        }
        waiting.remove(stanza);
        if (!bySource.isEmpty()) {
          waiting.put(stanza, bySource);
        }
      }
    }
    return batch;
  }

  private void prune(String stanza, InetAddress source) {
    var bySource = waiting.get(stanza);
    if (bySource.get(source).isEmpty()) {
      bySource.remove(source);
    }
    if (bySource.isEmpty()) {
      waiting.remove(stanza);
    }
  }
}
