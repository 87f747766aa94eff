package spa.fw.nftables;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.IpAddresses;
import spa.core.Nat;
import spa.core.ProtoPort;

/**
 * One set or map element of a grant.
 *
 * @param kind which set
 * @param v6 IPv6 set (else IPv4)
 * @param key the key's parts in nft's text form (addresses canonical, protocol names, port numbers)
 * @param data the map data's parts, empty for a set
 */
record Element(SetKind kind, boolean v6, List<String> key, List<String> data) {

  String setName(String prefix) {
    return kind.name(prefix, v6);
  }

  String keyText() {
    return String.join(" . ", key);
  }

  /** {@code KEY timeout 30s comment "..." : DATA}, the body of an add. */
  String withTimeout(long seconds, String comment) {
    return keyText() + " timeout " + seconds + "s comment \"" + comment + "\""
        + (data.isEmpty() ? "" : " : " + String.join(" . ", data));
  }

  /** The elements that express {@code g}; fails on a grant the configuration cannot carry. */
  static List<Element> of(Grant g, NftConfig c) throws FirewallException {
    boolean v6 = g.source() instanceof Inet6Address;
    if (v6 && !c.hasV6() || !v6 && !c.hasV4()) {
      throw new FirewallException("table " + c.tableRef() + " cannot hold a grant for " + g.source().getHostAddress());
    }
    if (g.access().isEmpty() && (g.nat() == null || g.nat().kind() != Nat.Kind.FORWARD_ALL)) {
      throw new FirewallException("grant for " + g.source().getHostAddress() + " opens no port");
    }
    String src = IpAddresses.text(g.source());
    Set<Element> out = new LinkedHashSet<>();
    Nat nat = g.nat();
    if (nat == null) {
      // as in fwknop, the destination restricts a grant only with ENABLE_DESTINATION_RULE
      InetAddress dst = g.destination();
      boolean anyDst = !c.destinationRule() || dst == null || dst.isAnyLocalAddress();
      if (!anyDst) {
        sameFamily(g, dst, "destination");
      }
      for (ProtoPort p : g.access()) {
        out.add(anyDst
            ? new Element(SetKind.ACCESS, v6, List.of(src, p.proto(), port(p.port())), List.of())
            : new Element(SetKind.ACCESS_DST, v6, List.of(src, IpAddresses.text(dst), p.proto(), port(p.port())), List.of()));
      }
      return List.copyOf(out);
    }
    switch (nat.kind()) {
      case LOCAL -> {
        if (!c.localNat()) {
          throw new FirewallException("local NAT grant for " + src + " but ENABLE_IPT_LOCAL_NAT is off");
        }
        checkPort(nat.port());
        for (ProtoPort p : g.access()) {
          out.add(new Element(SetKind.LOCAL_NAT, v6, List.of(src, p.proto(), port(p.port())), List.of(port(nat.port()))));
          out.add(new Element(SetKind.NAT_INPUT, v6, List.of(src, p.proto(), port(nat.port())), List.of()));
        }
      }
      case FORWARD -> {
        if (!c.forwarding()) {
          throw new FirewallException("forwarding grant for " + src + " but ENABLE_IPT_FORWARDING is off");
        }
        if (nat.target() == null || nat.target().isAnyLocalAddress()) {
          throw new FirewallException("forwarding grant for " + src + " has no target address");
        }
        sameFamily(g, nat.target(), "NAT target");
        checkPort(nat.port());
        String target = IpAddresses.text(nat.target());
        for (ProtoPort p : g.access()) {
          List<String> flow = List.of(src, target, p.proto(), port(nat.port()));
          if (nat.dnat()) {
            out.add(new Element(SetKind.DNAT, v6, List.of(src, p.proto(), port(p.port())), List.of(target, port(nat.port()))));
          }
          out.add(new Element(SetKind.FORWARD, v6, flow, List.of()));
          snat(out, nat, g, v6, flow, SetKind.MASQUERADE, SetKind.SNAT);
        }
      }
      case FORWARD_ALL -> {
        if (!c.forwarding()) {
          throw new FirewallException("forward-all grant for " + src + " but ENABLE_IPT_FORWARDING is off");
        }
        out.add(new Element(SetKind.FORWARD_ALL, v6, List.of(src), List.of()));
        snat(out, nat, g, v6, List.of(src), SetKind.MASQUERADE_ALL, SetKind.SNAT_ALL);
      }
      default -> throw new IllegalStateException();
    }
    return List.copyOf(out);
  }

  private static void snat(Set<Element> out, Nat nat, Grant g, boolean v6, List<String> key, SetKind masq,
      SetKind snat) throws FirewallException {
    switch (nat.snat() == null ? Nat.Snat.NONE : nat.snat()) {
      case NONE -> { }
      case MASQUERADE -> out.add(new Element(masq, v6, key, List.of()));
      case SNAT -> {
        if (nat.snatAddress() == null) {
          throw new FirewallException("SNAT grant for " + g.source().getHostAddress() + " has no address");
        }
        sameFamily(g, nat.snatAddress(), "SNAT address");
        out.add(new Element(snat, v6, key, List.of(IpAddresses.text(nat.snatAddress()))));
      }
      default -> throw new IllegalStateException();
    }
  }

  private static void sameFamily(Grant g, InetAddress other, String what) throws FirewallException {
    if ((g.source() instanceof Inet6Address) != (other instanceof Inet6Address)) {
      throw new FirewallException(what + " " + other.getHostAddress() + " is not of the family of source "
          + g.source().getHostAddress());
    }
  }

  private static void checkPort(int port) throws FirewallException {
    if (port < 1 || port > 65535) {
      throw new FirewallException("NAT port out of range: " + port);
    }
  }

  private static String port(int p) {
    return Integer.toString(p);
  }

  /** The comment on every element of {@code g}: {@code spa:<access> <stanza>}, printable ASCII, at most 127 bytes. */
  static String comment(Grant g) {
    List<String> ports = new ArrayList<>();
    g.access().forEach(p -> ports.add(p.toString()));
    StringBuilder sb = new StringBuilder("spa:").append(String.join(",", ports));
    String stanza = g.stanza() == null ? "" : g.stanza();
    if (!stanza.isEmpty()) {
      sb.append(' ');
      for (char ch : stanza.toCharArray()) {
        sb.append(ch >= ' ' && ch < 127 && ch != '"' && ch != '\\' ? ch : '_');
      }
    }
    return sb.length() > 127 ? sb.substring(0, 127) : sb.toString();
  }
}
