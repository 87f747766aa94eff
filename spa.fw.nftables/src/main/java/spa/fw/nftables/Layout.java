package spa.fw.nftables;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import spa.core.ProtoPort;

/**
 * The nft script that builds spa's objects for a configuration, and the one that removes them. Building is
 * idempotent and keeps the elements of existing sets, so a restarted spad keeps the grants the kernel holds.
 */
final class Layout {
  private final NftConfig c;

  Layout(NftConfig config) {
    this.c = config;
  }

  String protectedSet() {
    return c.prefix() + "protected";
  }

  String chain(String base) {
    return c.prefix() + base;
  }

  List<Boolean> families() {
    List<Boolean> f = new ArrayList<>();
    if (c.hasV4()) {
      f.add(false);
    }
    if (c.hasV6()) {
      f.add(true);
    }
    return f;
  }

  /** The script run by start(). */
  String buildScript() {
    String t = c.tableRef();
    StringBuilder b = new StringBuilder();
    if (c.mode() == NftConfig.Mode.OWN) {
      b.append("add table ").append(t).append('\n');
    }
    for (boolean v6 : families()) {
      for (SetKind k : SetKind.values()) {
        if (k.enabled(c)) {
          b.append("add ").append(k.isMap() ? "map " : "set ").append(t).append(' ').append(k.name(c.prefix(), v6))
              .append(' ').append(k.definition(v6)).append('\n');
        }
      }
    }
    if (c.mode() == NftConfig.Mode.SETS) {
      return b.toString();
    }
    b.append("add set ").append(t).append(' ').append(protectedSet())
        .append(" { type inet_proto . inet_service; }\n");
    b.append("flush set ").append(t).append(' ').append(protectedSet()).append('\n');
    if (!c.protectedPorts().isEmpty()) {
      b.append("add element ").append(t).append(' ').append(protectedSet()).append(" { ")
          .append(c.protectedPorts().stream().map(p -> p.proto() + " . " + p.port()).collect(Collectors.joining(", ")))
          .append(" }\n");
    }
    boolean own = c.mode() == NftConfig.Mode.OWN;
    chain(b, "input", own ? "type filter hook input priority filter; policy accept;" : null, inputRules());
    if (c.forwarding() || !own) {
      String policy = c.forwardDrop() ? "drop" : "accept";
      chain(b, "forward", own ? "type filter hook forward priority filter; policy " + policy + ";" : null,
          c.forwarding() ? forwardRules() : List.of());
    } else {
      remove(b, "forward");
    }
    if (c.forwarding() || c.localNat()) {
      chain(b, "prerouting", "type nat hook prerouting priority dstnat; policy accept;", preroutingRules());
    } else {
      remove(b, "prerouting");
    }
    if (c.forwarding()) {
      chain(b, "postrouting", "type nat hook postrouting priority srcnat; policy accept;", postroutingRules());
    } else {
      remove(b, "postrouting");
    }
    return b.toString();
  }

  /**
   * What {@code nft list table} shows while {@link #buildScript()}'s work is in place: each set and map, the
   * input chain and the set reference and verdict of each of its rules (the drop rule included).
   */
  List<String> markers() {
    List<String> m = new ArrayList<>();
    for (boolean v6 : families()) {
      for (SetKind k : SetKind.values()) {
        if (k.enabled(c)) {
          m.add((k.isMap() ? "map " : "set ") + k.name(c.prefix(), v6) + " {");
        }
      }
    }
    if (c.mode() != NftConfig.Mode.SETS) {
      m.add("chain " + chain("input") + " {");
      for (String r : inputRules()) {
        m.add(r.substring(r.lastIndexOf('@')));
      }
    }
    return m;
  }

  /**
   * The text of one table ({@code table FAMILY NAME {} to its closing brace at the start of a line) in nft's
   * listing of a ruleset, so that another table's objects are not taken for spa's; empty when it is not there.
   */
  static String tableText(String listing, String family, String table) {
    String head = "table " + family + " " + table + " {\n";
    int from = listing.startsWith(head) ? 0 : listing.indexOf("\n" + head);
    if (from < 0) {
      return "";
    }
    from = listing.indexOf(head, from);
    int end = listing.indexOf("\n}", from + 1);
    return end < 0 ? listing.substring(from) : listing.substring(from, end + 2);
  }

  private void chain(StringBuilder b, String base, String hook, List<String> rules) {
    String t = c.tableRef();
    String name = chain(base);
    b.append("add chain ").append(t).append(' ').append(name);
    if (hook != null) {
      b.append(" { ").append(hook).append(" }");
    }
    b.append('\n');
    b.append("flush chain ").append(t).append(' ').append(name).append('\n');
    for (String r : rules) {
      b.append("add rule ").append(t).append(' ').append(name).append(' ').append(r).append('\n');
    }
  }

  /** Removes a chain whether or not it exists (add, flush and delete in one transaction). */
  private void remove(StringBuilder b, String base) {
    String ref = c.tableRef() + " " + chain(base);
    b.append("add chain ").append(ref).append('\n');
    b.append("flush chain ").append(ref).append('\n');
    b.append("delete chain ").append(ref).append('\n');
  }

  private String set(SetKind k, boolean v6) {
    return "@" + k.name(c.prefix(), v6);
  }

  private static String ip(boolean v6) {
    return v6 ? "ip6" : "ip";
  }

  List<String> inputRules() {
    List<String> r = new ArrayList<>();
    for (boolean v6 : families()) {
      String ip = ip(v6);
      r.add(ip + " saddr . meta l4proto . th dport " + set(SetKind.ACCESS, v6) + " accept");
      if (c.destinationRule()) {
        r.add(ip + " saddr . " + ip + " daddr . meta l4proto . th dport " + set(SetKind.ACCESS_DST, v6) + " accept");
      }
      if (c.localNat()) {
        r.add("ct status dnat " + ip + " saddr . meta l4proto . th dport " + set(SetKind.NAT_INPUT, v6) + " accept");
      }
    }
    if (!c.protectedPorts().isEmpty()) {
      // only new connections: established ones outlive their grant, as with fwknop's usual rulesets
      r.add("ct state new,invalid,untracked meta l4proto . th dport @" + protectedSet() + " drop");
    }
    return r;
  }

  List<String> forwardRules() {
    List<String> r = new ArrayList<>();
    if (c.forwardDrop()) {
      r.add("ct state established,related accept");
    }
    for (boolean v6 : families()) {
      String ip = ip(v6);
      r.add(ip + " saddr . " + ip + " daddr . meta l4proto . th dport " + set(SetKind.FORWARD, v6) + " accept");
      r.add(ip + " saddr " + set(SetKind.FORWARD_ALL, v6) + " accept");
    }
    return r;
  }

  List<String> preroutingRules() {
    List<String> r = new ArrayList<>();
    for (boolean v6 : families()) {
      String ip = ip(v6);
      String key = ip + " saddr . meta l4proto . th dport map ";
      if (c.localNat()) {
        r.add("meta l4proto { tcp, udp } redirect to : " + key + set(SetKind.LOCAL_NAT, v6));
      }
      if (c.forwarding()) {
        r.add("meta l4proto { tcp, udp } dnat " + natFamily(v6) + "to " + key + set(SetKind.DNAT, v6));
      }
    }
    return r;
  }

  List<String> postroutingRules() {
    List<String> r = new ArrayList<>();
    for (boolean v6 : families()) {
      String ip = ip(v6);
      String key = ip + " saddr . " + ip + " daddr . meta l4proto . th dport ";
      r.add(key + set(SetKind.MASQUERADE, v6) + " masquerade");
      r.add("snat " + natFamily(v6) + "to " + key + "map " + set(SetKind.SNAT, v6));
      r.add(ip + " saddr " + set(SetKind.MASQUERADE_ALL, v6) + " masquerade");
      r.add("snat " + natFamily(v6) + "to " + ip + " saddr map " + set(SetKind.SNAT_ALL, v6));
    }
    return r;
  }

  /** {@code ip }/{@code ip6 } after dnat/snat in an inet table; nothing in an ip or ip6 table. */
  private String natFamily(boolean v6) {
    return c.family().equals("inet") ? ip(v6) + " " : "";
  }

  /**
   * The script run by flush(): own mode deletes the table; the other modes empty spa's sets, maps and
   * chains (they stay, because the admin's rules may refer to them) and delete spa's NAT chains.
   */
  String flushScript() {
    String t = c.tableRef();
    if (c.mode() == NftConfig.Mode.OWN) {
      return "add table " + t + "\ndelete table " + t + "\n";
    }
    StringBuilder b = new StringBuilder();
    for (boolean v6 : families()) {
      for (SetKind k : SetKind.values()) {
        if (!k.enabled(c)) {
          continue;
        }
        String name = k.name(c.prefix(), v6);
        b.append("add ").append(k.isMap() ? "map " : "set ").append(t).append(' ').append(name).append(' ')
            .append(k.definition(v6)).append('\n');
        b.append("flush ").append(k.isMap() ? "map " : "set ").append(t).append(' ').append(name).append('\n');
      }
    }
    if (c.mode() == NftConfig.Mode.EMBEDDED) {
      b.append("add set ").append(t).append(' ').append(protectedSet())
          .append(" { type inet_proto . inet_service; }\n");
      b.append("flush set ").append(t).append(' ').append(protectedSet()).append('\n');
      for (String base : List.of("input", "forward")) {
        b.append("add chain ").append(t).append(' ').append(chain(base)).append('\n');
        b.append("flush chain ").append(t).append(' ').append(chain(base)).append('\n');
      }
      remove(b, "prerouting");
      remove(b, "postrouting");
    }
    return b.toString();
  }

  /** Ports as nft writes them, for messages. */
  static String ports(List<ProtoPort> ports) {
    return ports.stream().map(ProtoPort::toString).collect(Collectors.joining(", "));
  }
}
