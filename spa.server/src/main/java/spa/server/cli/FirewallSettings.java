package spa.server.cli;

import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
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

  /**
   * A warning when nothing names the ports to protect (no stanza has OPEN_PORTS, as in fwknop's shipped
   * access.conf, and no NFT_PROTECTED_PORTS): the firewall then only accepts granted traffic, fwknopd's model.
   */
  static Optional<String> unprotected(Settings fs) {
    if (fs.has("OPEN_PORTS") || fs.has("NFT_PROTECTED_PORTS")) {
      return Optional.empty();
    }
    return Optional.of("no access stanza has OPEN_PORTS: the firewall only accepts granted traffic, as fwknopd does,"
        + " and your own ruleset must drop the rest (with nftables a drop in another table wins over spa's accept:"
        + " set NFT_PROTECTED_PORTS, or NFT_MODE embedded and jump to spa's chain)");
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
