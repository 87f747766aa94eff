package spa.fw.ipfw;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.ProtoPort;

/**
 * What one {@code ipfw -S [-d] [set N] list} printed: every static rule (spa's parsed, the others by number and
 * set), and the rule numbers the dynamic rules after {@code ## Dynamic rules} belong to.
 */
record IpfwListing(List<IpfwRule> rules, Set<Integer> dynamic) {

  /** Parses a listing; a line that is not one of ipfw's refuses the whole of it. */
  static IpfwListing parse(String out) throws FirewallException {
    List<IpfwRule> rules = new ArrayList<>();
    Set<Integer> dynamic = new TreeSet<>();
    boolean inDynamic = false;
    for (String line : out.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        if (line.startsWith("## Dynamic rules")) {
          inDynamic = true;
        } else if (inDynamic) {
          dynamic.add(Integer.parseInt(line.strip().split("\\s+")[0]));
        } else {
          IpfwRule r = IpfwRule.parse(line);
          rules.add(r != null ? r : IpfwRule.foreign(line));
        }
      } catch (IllegalArgumentException e) {
        throw new FirewallException("ipfw printed something that is not a rule listing: " + line.strip());
      }
    }
    return new IpfwListing(List.copyOf(rules), Set.copyOf(dynamic));
  }

  /** The active set's openings by rule number, one grant per number. */
  Map<Integer, Grant> openings(IpfwConfig c) {
    Map<Integer, List<IpfwRule>> byNumber = new LinkedHashMap<>();
    for (IpfwRule r : rules) {
      if (r.grant() && r.set() == c.activeSet() && c.inWindow(r.number())) {
        byNumber.computeIfAbsent(r.number(), k -> new ArrayList<>()).add(r);
      }
    }
    Map<Integer, Grant> out = new LinkedHashMap<>();
    for (Map.Entry<Integer, List<IpfwRule>> e : byNumber.entrySet()) {
      IpfwRule first = e.getValue().get(0);
      List<ProtoPort> access = e.getValue().stream().map(IpfwRule::access).distinct().toList();
      long exp = e.getValue().stream().mapToLong(IpfwRule::expires).min().orElseThrow();
      out.put(e.getKey(), new Grant(first.source(), first.destination(), access, null, Instant.ofEpochSecond(exp),
          ""));
    }
    return out;
  }

  /** spa's rule numbers in {@code set}: grants, and with {@code withCheckState} the check-state rule. */
  Set<Integer> numbers(IpfwConfig c, int set, boolean withCheckState) {
    Set<Integer> out = new TreeSet<>();
    for (IpfwRule r : rules) {
      boolean spas = r.checkState() ? withCheckState && c.checkState() && r.number() == c.first()
          : r.grant() && c.inWindow(r.number());
      if (spas && r.set() == set) {
        out.add(r.number());
      }
    }
    return out;
  }

  /** True when spa's check-state rule is in place. */
  boolean hasCheckState(IpfwConfig c) {
    return rules.stream().anyMatch(r -> r.checkState() && r.number() == c.first() && r.set() == c.activeSet());
  }

  /** The lowest number of the window no rule in any set uses. */
  int free(IpfwConfig c) throws FirewallException {
    Set<Integer> used = new TreeSet<>();
    rules.forEach(r -> used.add(r.number()));
    for (int n = c.firstGrantNumber(); n < c.end(); n++) {
      if (!used.contains(n)) {
        return n;
      }
    }
    throw new FirewallException("no free ipfw rule number in [" + c.first() + ", " + c.end()
        + "): raise IPFW_MAX_RULES or wait for the expire set's purge");
  }
}
