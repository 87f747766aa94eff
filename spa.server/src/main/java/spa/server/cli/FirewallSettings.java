package spa.server.cli;

import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.server.policy.Policy;
import spa.server.policy.Stanza;

/** What a firewall backend is started with. */
final class FirewallSettings {
  private FirewallSettings() {}

  /**
   * The daemon's settings as a firewall backend sees them: with OPEN_PORTS, the union of the stanzas'
   * OPEN_PORTS, which nftables protects by default; absent when a stanza allows any port.
   */
  static Settings of(Settings g, Policy policy) {
    Set<ProtoPort> ports = new TreeSet<>(
        Comparator.comparing(ProtoPort::proto).thenComparingInt(ProtoPort::port));
    for (Stanza s : policy.stanzas()) {
      if (s.openPorts() == null) {
        return g;
      }
      ports.addAll(s.openPorts());
    }
    if (ports.isEmpty()) {
      return g;
    }
    return g.with(Settings.of(Map.of("OPEN_PORTS",
        String.join(",", ports.stream().map(ProtoPort::toString).toList())), "access stanzas (OPEN_PORTS)"));
  }

  /** True when {@code a} and {@code b} hold the same variables with the same values, wherever they come from. */
  static boolean same(Settings a, Settings b) {
    if (!a.keys().equals(b.keys())) {
      return false;
    }
    for (String k : a.keys()) {
      if (!a.get(k).equals(b.get(k))) {
        return false;
      }
    }
    return true;
  }
}
