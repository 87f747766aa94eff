package spa.fw.iptables;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import spa.core.ConfigException;
import spa.core.Settings;

/**
 * The iptables backend's settings, read with fwknopd.conf's names and defaults.
 *
 * @param exe iptables (FIREWALL_EXE)
 * @param exe6 ip6tables (IP6TABLES_EXE, by default FIREWALL_EXE with iptables replaced by ip6tables)
 * @param ipv6 manage ip6tables chains too (ENABLE_IP6TABLES, default Y)
 * @param chains where each role's chain is and where it is jumped to from
 * @param forwarding ENABLE_IPT_FORWARDING
 * @param localNat ENABLE_IPT_LOCAL_NAT
 * @param snat ENABLE_IPT_SNAT
 * @param output ENABLE_IPT_OUTPUT
 * @param flushAtInit FLUSH_IPT_AT_INIT (default Y)
 * @param prepend ENABLE_RULE_PREPEND
 * @param destinationRule ENABLE_DESTINATION_RULE
 */
record IptConfig(String exe, String exe6, boolean ipv6, Map<Role, ChainSpec> chains, boolean forwarding,
    boolean localNat, boolean snat, boolean output, boolean flushAtInit, boolean prepend, boolean destinationRule) {

  static IptConfig from(Settings s) throws ConfigException {
    String exe = s.get("FIREWALL_EXE").orElse("/usr/sbin/iptables").trim();
    if (exe.isEmpty()) {
      throw s.invalid("FIREWALL_EXE", "empty path");
    }
    String exe6 = s.get("IP6TABLES_EXE").orElseGet(() -> sibling(exe)).trim();
    Map<Role, ChainSpec> chains = new EnumMap<>(Role.class);
    for (Role r : Role.values()) {
      try {
        chains.put(r, ChainSpec.parse(s.get(r.key).orElse(r.dflt)));
      } catch (IllegalArgumentException e) {
        throw s.invalid(r.key, e.getMessage());
      }
    }
    return new IptConfig(exe, exe6, s.flag("ENABLE_IP6TABLES", true), Map.copyOf(chains),
        s.flag("ENABLE_IPT_FORWARDING", false), s.flag("ENABLE_IPT_LOCAL_NAT", false),
        s.flag("ENABLE_IPT_SNAT", false), s.flag("ENABLE_IPT_OUTPUT", false), s.flag("FLUSH_IPT_AT_INIT", true),
        s.flag("ENABLE_RULE_PREPEND", false), s.flag("ENABLE_DESTINATION_RULE", false));
  }

  /** {@code /usr/sbin/iptables-legacy} gives {@code /usr/sbin/ip6tables-legacy}. */
  private static String sibling(String exe) {
    Path p = Path.of(exe);
    String name = p.getFileName().toString().replaceFirst("^iptables", "ip6tables");
    Path parent = p.getParent();
    return parent == null ? name : parent.resolve(name).toString();
  }

  /** The roles whose chains exist from start-up on, as fwknop creates them. */
  boolean enabled(Role r) {
    boolean nat = forwarding || localNat;
    return switch (r) {
      case INPUT -> true;
      case OUTPUT -> output;
      case FORWARD, DNAT -> nat;
      case SNAT, MASQUERADE -> nat && snat;
    };
  }

  ChainSpec chain(Role r) {
    return chains.get(r);
  }
}
