package spa.fw.iptables;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.Nat;
import spa.core.ProtoPort;

/**
 * One rule of a grant, in fwknop's argument order: {@code -A <chain> -t <table> <match> -m comment
 * --comment _exp_<epoch> <target>}.
 *
 * @param role which of the six chains
 * @param v6 ip6tables (else iptables)
 * @param match the match arguments
 * @param target {@code -j} and the target's arguments
 */
record IptRule(Role role, boolean v6, List<String> match, List<String> target) {

  /** The command that adds this rule with expiry tag {@code _exp_<exp>}. */
  List<String> addCommand(IptConfig c, long exp) {
    ChainSpec cs = c.chain(role);
    List<String> args = addArgs(c, exp);
    List<String> argv = new ArrayList<>(List.of(v6 ? c.exe6() : c.exe()));
    argv.addAll(args.subList(0, 2));
    argv.addAll(List.of("-t", cs.table()));
    argv.addAll(args.subList(2, args.size()));
    return argv;
  }

  /** The add command's arguments after the program and its table, as an iptables-restore line takes them. */
  List<String> addArgs(IptConfig c, long exp) {
    List<String> argv = new ArrayList<>(List.of(c.prepend() ? "-I" : "-A", c.chain(role).chain()));
    argv.addAll(match);
    argv.addAll(List.of("-m", "comment", "--comment", "_exp_" + exp));
    argv.addAll(target);
    return argv;
  }

  /** What identifies the rule whatever its expiry tag, comparable with a listed rule's. */
  String key(IptConfig c) {
    List<String> all = new ArrayList<>(match);
    all.addAll(target);
    return RuleText.key(c.chain(role).chain(), all);
  }

  /** The rules that express {@code g}, as fwknop 2.6 writes them (§9.2 of the reference). */
  static List<IptRule> of(Grant g, IptConfig c) throws FirewallException {
    boolean v6 = g.source() instanceof Inet6Address;
    if (v6 && !c.ipv6()) {
      throw new FirewallException("IPv6 grant for " + g.source().getHostAddress() + " but ENABLE_IP6TABLES is off");
    }
    String src = g.source().getHostAddress().replaceFirst("%.*$", "");
    String any = v6 ? "::/0" : "0.0.0.0/0";
    InetAddress d = g.destination();
    String dst = c.destinationRule() && d != null && !d.isAnyLocalAddress() ? text(g, d, "destination") : any;
    Set<IptRule> out = new LinkedHashSet<>();
    Nat nat = g.nat();
    if (nat == null) {
      for (ProtoPort p : g.access()) {
        String proto = String.valueOf(p.protocolNumber());
        String port = String.valueOf(p.port());
        out.add(new IptRule(Role.INPUT, v6, List.of("-p", proto, "-s", src, "-d", dst, "--dport", port), jump(c, Role.INPUT)));
        if (c.output()) {
          out.add(new IptRule(Role.OUTPUT, v6, List.of("-p", proto, "-d", src, "-s", dst, "--sport", port), jump(c, Role.OUTPUT)));
        }
      }
      return List.copyOf(out);
    }
    switch (nat.kind()) {
      case FORWARD -> {
        if (!c.forwarding()) {
          throw new FirewallException("forwarding grant for " + src + " but ENABLE_IPT_FORWARDING is off");
        }
        if (nat.target() == null || nat.target().isAnyLocalAddress()) {
          throw new FirewallException("forwarding grant for " + src + " has no target address");
        }
        String target = text(g, nat.target(), "NAT target");
        String tport = port(nat.port());
        for (ProtoPort p : g.access()) {
          String proto = String.valueOf(p.protocolNumber());
          out.add(new IptRule(Role.FORWARD, v6, List.of("-p", proto, "-s", src, "--dport", tport), jump(c, Role.FORWARD)));
          if (nat.dnat()) {
            out.add(new IptRule(Role.DNAT, v6, List.of("-p", proto, "-s", src, "-d", dst, "--dport", String.valueOf(p.port())),
                List.of("-j", c.chain(Role.DNAT).target(), "--to-destination", hostPort(target, v6, tport))));
          }
          snat(out, c, g, v6, List.of("-p", proto, "-d", target, "--dport", tport), String.valueOf(p.port()));
        }
      }
      case LOCAL -> {
        if (!c.localNat()) {
          throw new FirewallException("local NAT grant for " + src + " but ENABLE_IPT_LOCAL_NAT is off");
        }
        String tport = port(nat.port());
        InetAddress t = nat.target();
        boolean redirect = t == null || t.isAnyLocalAddress();
        for (ProtoPort p : g.access()) {
          String proto = String.valueOf(p.protocolNumber());
          out.add(new IptRule(Role.INPUT, v6, List.of("-p", proto, "-s", src, "-d", dst, "--dport", tport), jump(c, Role.INPUT)));
          List<String> m = List.of("-p", proto, "-s", src, "-d", dst, "--dport", String.valueOf(p.port()));
          out.add(new IptRule(Role.DNAT, v6, m, redirect ? List.of("-j", "REDIRECT", "--to-ports", tport)
              : List.of("-j", c.chain(Role.DNAT).target(), "--to-destination", hostPort(text(g, t, "NAT target"), v6, tport))));
          if (!redirect) {
            snat(out, c, g, v6, List.of("-p", proto, "-d", text(g, t, "NAT target"), "--dport", tport), String.valueOf(p.port()));
          }
        }
      }
      case FORWARD_ALL -> {
        if (!c.forwarding()) {
          throw new FirewallException("forward-all grant for " + src + " but ENABLE_IPT_FORWARDING is off");
        }
        out.add(new IptRule(Role.FORWARD, v6, List.of("-s", src), jump(c, Role.FORWARD)));
        InetAddress t = nat.target();
        if (nat.dnat() && t != null && !t.isAnyLocalAddress()) {
          out.add(new IptRule(Role.DNAT, v6, List.of("-s", src, "-d", dst),
              List.of("-j", c.chain(Role.DNAT).target(), "--to-destination", hostPort(text(g, t, "NAT target"), v6, null))));
        }
        snat(out, c, g, v6, List.of("-s", src), null);
      }
      default -> throw new IllegalStateException();
    }
    return List.copyOf(out);
  }

  private static void snat(Set<IptRule> out, IptConfig c, Grant g, boolean v6, List<String> match, String toPorts)
      throws FirewallException {
    Nat nat = g.nat();
    switch (nat.snat() == null ? Nat.Snat.NONE : nat.snat()) {
      case NONE -> { }
      case MASQUERADE -> {
        List<String> t = new ArrayList<>(List.of("-j", c.chain(Role.MASQUERADE).target()));
        if (toPorts != null) {
          t.addAll(List.of("--to-ports", toPorts));
        }
        out.add(new IptRule(Role.MASQUERADE, v6, match, t));
      }
      case SNAT -> {
        if (nat.snatAddress() == null) {
          throw new FirewallException("SNAT grant for " + g.source().getHostAddress() + " has no address");
        }
        out.add(new IptRule(Role.SNAT, v6, match,
            List.of("-j", c.chain(Role.SNAT).target(), "--to-source", text(g, nat.snatAddress(), "SNAT address"))));
      }
      default -> throw new IllegalStateException();
    }
  }

  private static List<String> jump(IptConfig c, Role r) {
    return List.of("-j", c.chain(r).target());
  }

  private static String hostPort(String host, boolean v6, String port) {
    String h = v6 ? "[" + host + "]" : host;
    return port == null ? (v6 ? h : host) : h + ":" + port;
  }

  private static String port(int p) throws FirewallException {
    if (p < 1 || p > 65535) {
      throw new FirewallException("NAT port out of range: " + p);
    }
    return String.valueOf(p);
  }

  private static String text(Grant g, InetAddress a, String what) throws FirewallException {
    if ((a instanceof Inet6Address) != (g.source() instanceof Inet6Address)) {
      throw new FirewallException(what + " " + a.getHostAddress() + " is not of the family of source "
          + g.source().getHostAddress());
    }
    return a.getHostAddress().replaceFirst("%.*$", "");
  }
}
