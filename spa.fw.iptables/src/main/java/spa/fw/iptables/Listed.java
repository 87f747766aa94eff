package spa.fw.iptables;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import spa.core.Grant;
import spa.core.IpAddresses;
import spa.core.Nat;
import spa.core.ProtoPort;

/**
 * A rule as listed from one of spa's chains, and the rebuilding of grants from such rules: the rules of one
 * grant share its source and its {@code _exp_} tag.
 *
 * @param role the chain it is in
 * @param v6 listed by ip6tables
 * @param args the rule's arguments after {@code -A <chain>}
 * @param exp its {@code _exp_} epoch, -1 without one
 */
record Listed(Role role, boolean v6, List<String> args, long exp) {

  Map<String, String> options() {
    return RuleText.options(args);
  }

  /** Parses {@code -S} output of {@code chain}: its {@code -A} lines. */
  static List<Listed> parse(Role role, boolean v6, String chain, String output) {
    List<Listed> out = new ArrayList<>();
    String prefix = "-A " + chain + " ";
    for (String line : output.split("\n")) {
      if (line.startsWith(prefix)) {
        List<String> args = RuleText.split(line.substring(prefix.length()));
        out.add(new Listed(role, v6, args, RuleText.exp(args)));
      }
    }
    return out;
  }

  /** Grants rebuilt from spa's rules; rules without an {@code _exp_} tag are not spa's and are skipped. */
  static List<Grant> grants(List<Listed> rules) {
    Map<String, List<Listed>> groups = new LinkedHashMap<>();
    List<Listed> sourceless = new ArrayList<>();
    for (Listed r : rules) {
      if (r.exp() < 0 || r.role() == Role.OUTPUT) {
        continue;
      }
      String s = r.options().get("s");
      if (s == null) {
        sourceless.add(r);
      } else {
        groups.computeIfAbsent(s + " " + r.exp(), k -> new ArrayList<>()).add(r);
      }
    }
    List<Grant> out = new ArrayList<>();
    for (List<Listed> group : groups.values()) {
      out.addAll(grants(group, sourceless));
    }
    return out;
  }

  /**
   * The grants of one source and expiry: a NAT grant if there are NAT rules, and a plain access grant for
   * INPUT rules the NAT grant does not explain (the same source may hold both until the same second).
   */
  private static List<Grant> grants(List<Listed> group, List<Listed> sourceless) {
    InetAddress source = address(group.get(0).options().get("s"));
    if (source == null) {
      return List.of();
    }
    long exp = group.get(0).exp();
    List<ProtoPort> access = new ArrayList<>();
    List<ProtoPort> inputs = new ArrayList<>();
    InetAddress destination = null;
    Nat.Kind kind = null;
    InetAddress target = null;
    int port = 0;
    boolean dnat = false;
    boolean forwardRule = false;
    Nat.Snat snat = Nat.Snat.NONE;
    InetAddress snatAddress = null;
    for (Listed r : group) {
      Map<String, String> o = r.options();
      switch (r.role()) {
        case INPUT -> {
          ProtoPort p = protoPort(o.get("p"), o.get("dport"));
          if (p != null) {
            inputs.add(p);
          }
          if (o.containsKey("d")) {
            destination = address(o.get("d"));
          }
        }
        case DNAT -> {
          dnat = true;
          ProtoPort p = protoPort(o.get("p"), o.get("dport"));
          if (p != null) {
            access.add(p);
          }
          if ("REDIRECT".equals(o.get("j"))) {
            kind = Nat.Kind.LOCAL;
            port = parsePort(o.get("to-ports"));
          } else if (o.containsKey("to-destination")) {
            String hp = o.get("to-destination");
            String host = hp;
            String portText = null;
            int close = hp.indexOf(']');
            if (hp.startsWith("[") && close > 0) {
              host = hp.substring(1, close);
              portText = hp.startsWith(":", close + 1) ? hp.substring(close + 2) : null;
            } else if (hp.indexOf(':') >= 0) {
              host = hp.substring(0, hp.indexOf(':'));
              portText = hp.substring(hp.indexOf(':') + 1);
            }
            target = address(host);
            port = parsePort(portText);
          }
        }
        case FORWARD -> {
          forwardRule = true;
          if (o.containsKey("dport")) {
            if (kind == null) {
              kind = Nat.Kind.FORWARD;
            }
            if (port == 0) {
              port = parsePort(o.get("dport"));
            }
          } else {
            kind = Nat.Kind.FORWARD_ALL;
          }
        }
        case MASQUERADE -> snat = Nat.Snat.MASQUERADE;
        case SNAT -> {
          snat = Nat.Snat.SNAT;
          snatAddress = address(o.get("to-source"));
        }
        default -> { }
      }
    }
    if (dnat && kind == null) {
      kind = forwardRule ? Nat.Kind.FORWARD : Nat.Kind.LOCAL;
    }
    if (kind != null && kind != Nat.Kind.FORWARD_ALL && target != null) {
      // per-port source translation rules name the target instead of the source
      String t = RuleText.normal(target.getHostAddress());
      for (Listed r : sourceless) {
        if (r.exp() == exp && t.equals(r.options().get("d"))) {
          snat = r.role() == Role.SNAT ? Nat.Snat.SNAT : Nat.Snat.MASQUERADE;
          if (r.role() == Role.SNAT) {
            snatAddress = address(r.options().get("to-source"));
          }
        }
      }
    }
    Instant expires = Instant.ofEpochSecond(exp);
    if (kind == null) {
      return List.of(new Grant(source, destination, inputs.stream().distinct().toList(), null, expires, ""));
    }
    if (!dnat && kind == Nat.Kind.FORWARD) {
      group.stream().filter(r -> r.role() == Role.FORWARD)
          .map(r -> protoPort(r.options().get("p"), r.options().get("dport"))).filter(p -> p != null).forEach(access::add);
    }
    List<Grant> out = new ArrayList<>();
    out.add(new Grant(source, null, access.stream().distinct().toList(),
        new Nat(kind, target, port, snat, snatAddress, dnat), expires, ""));
    int natPort = port;
    boolean local = kind == Nat.Kind.LOCAL;
    List<ProtoPort> plain = inputs.stream().filter(p -> !(local && p.port() == natPort)).distinct().toList();
    if (!plain.isEmpty()) {
      out.add(new Grant(source, destination, plain, null, expires, ""));
    }
    return out;
  }

  private static ProtoPort protoPort(String proto, String port) {
    if (proto == null || port == null) {
      return null;
    }
    try {
      return new ProtoPort(proto, Integer.parseInt(port));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static int parsePort(String p) {
    try {
      return p == null ? 0 : Integer.parseInt(p.replaceFirst("-.*$", ""));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static InetAddress address(String a) {
    return a == null || a.contains("/") ? null : IpAddresses.literal(RuleText.normal(a));
  }
}
