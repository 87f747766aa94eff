package spa.server.policy;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import spa.core.Decision;
import spa.core.Grant;
import spa.core.MessageType;
import spa.core.Nat;
import spa.core.Packet;
import spa.core.ProtoPort;
import spa.core.SpaMessage;
import spa.core.spi.Authorizer;

/**
 * fwknop's access-stanza rules, in fwknopd's order: packet age, allow IP, username, NAT permission,
 * command messages, command cycles, then RESTRICT_PORTS (any listed port denies) and OPEN_PORTS (every
 * requested port must be listed). The timeout is the client's, capped at MAX_FW_TIMEOUT, else
 * FW_ACCESS_TIMEOUT.
 */
public final class DefaultAuthorizer implements Authorizer {
  private final Policy policy;
  private final NatResolver resolver;

  public DefaultAuthorizer(Policy policy, NatResolver resolver) {
    this.policy = policy;
    this.resolver = resolver;
  }

  @Override
  public String name() {
    return "default";
  }

  @Override
  public Decision authorize(Request r) {
    Stanza s = policy.stanza(r.stanza());
    if (s == null) {
      return new Decision.Deny(Reasons.ERROR, "unknown stanza " + r.stanza());
    }
    return decide(s, r.packet(), r.message(), r.now().toEpochMilli());
  }

  /** The decision for a message that {@code s}'s keys authenticated. */
  public Decision decide(Stanza s, Packet p, SpaMessage m, long nowMillis) {
    ServerPolicy server = policy.server();
    long now = Math.floorDiv(nowMillis, 1000);
    if (server.agingEnabled()) {
      long age = now - m.timestamp();
      if (Math.abs(age) > server.maxAgeSeconds()) {
        return new Decision.Deny(Reasons.AGE, age > 0
            ? "timestamp is " + age + "s old, window is " + server.maxAgeSeconds() + "s"
            : "timestamp is " + (-age) + "s in the future, window is " + server.maxAgeSeconds() + "s");
      }
    }
    long allowIp = m.allowIpv4();
    InetAddress allow;
    if (allowIp == 0) { // 0.0.0.0
      if (s.requireSource()) {
        return new Decision.Deny(Reasons.ALLOW_IP, "allow IP 0.0.0.0 (client -s) but the stanza has REQUIRE_SOURCE_ADDRESS");
      }
      allow = p.src();
    } else if (allowIp < 0) {
      return new Decision.Deny(Reasons.BAD_MESSAGE, "allow IP is not an IPv4 address");
    } else {
      allow = IpLiterals.v4(allowIp);
    }
    if (s.requireUser() != null && !s.requireUser().equals(m.user())) {
      return new Decision.Deny(Reasons.USER, "username '" + m.user() + "' is not the required one");
    }
    MessageType type = m.type();
    if (type.hasNat()) {
      if (type.isLocalNat() && !server.localNat()) {
        return new Decision.Deny(Reasons.NAT_DISABLED, "local NAT request but ENABLE_IPT_LOCAL_NAT is off");
      }
      if (!type.isLocalNat() && !server.forwarding()) {
        return new Decision.Deny(Reasons.NAT_DISABLED, "NAT request but ENABLE_IPT_FORWARDING is off");
      }
    }
    long expires;
    if (type.isCommand()) {
      if (!s.cmdExec()) {
        return new Decision.Deny(Reasons.CMD_DISABLED, "command message but the stanza has no ENABLE_CMD_EXEC");
      }
      return new Decision.RunCommand(m.command(), s.cmdExecUser(), s.name());
    }
    List<ProtoPort> access = accessList(m.message());
    InetAddress destination = destination(server, p);
    if (s.cycle() != null) {
      long seconds = m.clientTimeout() > 0 ? m.clientTimeout() : s.cycle().timerSeconds();
      expires = nowMillis + seconds * 1000;
      return new Decision.Open(new Grant(allow, destination, access, null, Instant.ofEpochMilli(expires), s.name()));
    }
    for (ProtoPort pp : access) {
      if (s.restrictPorts().contains(pp)) {
        return new Decision.Deny(Reasons.PORT, pp + " is in RESTRICT_PORTS");
      }
    }
    if (s.openPorts() != null) {
      for (ProtoPort pp : access) {
        if (!s.openPorts().contains(pp)) {
          return new Decision.Deny(Reasons.PORT, pp + " is not in OPEN_PORTS");
        }
      }
    }
    Nat nat;
    try {
      nat = nat(s, server, m);
    } catch (NatRefused e) {
      return new Decision.Deny(Reasons.NAT_HOST, e.getMessage());
    }
    long timeout = m.clientTimeout() > 0 ? Math.min(m.clientTimeout(), s.maxTimeout()) : s.accessTimeout();
    expires = nowMillis + timeout * 1000;
    return new Decision.Open(new Grant(allow, destination, access, nat, Instant.ofEpochMilli(expires), s.name()));
  }

  /** An access text after the allow IP ({@code tcp/22,udp/53}) and its list. */
  private record Access(String text, List<ProtoPort> list) {}

  /**
   * The last access list parsed: most knocks ask for what the previous one did, and their grants then share one
   * immutable list instead of holding a list and its entries each (at 100,000 openings, ~5 MB of heap).
   */
  private static volatile Access lastAccess = new Access("", List.of());

  /**
   * The proto/port list of an access message the codec has already validated ({@code ip,proto/port,...}),
   * parsed without regular expressions or streams: this runs for every accepted packet.
   */
  static List<ProtoPort> accessList(String message) {
    int from = message.indexOf(',') + 1;
    Access last = lastAccess;
    String text = last.text();
    if (message.length() - from == text.length() && message.startsWith(text, from)) {
      return last.list();
    }
    List<ProtoPort> list = parseAccess(message, from);
    lastAccess = new Access(message.substring(from), list);
    return list;
  }

  private static List<ProtoPort> parseAccess(String message, int from) {
    int i = from;
    int n = message.length();
    ProtoPort[] out = new ProtoPort[4];
    int count = 0;
    while (i < n) {
      int end = message.indexOf(',', i);
      if (end < 0) {
        end = n;
      }
      char c = message.charAt(i);
      String proto = c == 't' || c == 'T' ? "tcp" : "udp";
      int port = 0;
      for (int j = i + 4; j < end; j++) {
        port = port * 10 + (message.charAt(j) - '0');
      }
      if (count == out.length) {
        out = java.util.Arrays.copyOf(out, count * 2);
      }
      out[count++] = new ProtoPort(proto, port);
      i = end + 1;
    }
    return List.of(java.util.Arrays.copyOf(out, count));
  }

  private static InetAddress destination(ServerPolicy server, Packet p) {
    if (!server.destinationRule() || p.dst() == null || p.dst().isAnyLocalAddress()) {
      return null;
    }
    return p.dst();
  }

  private Nat nat(Stanza s, ServerPolicy server, SpaMessage m) throws NatRefused {
    MessageType type = m.type();
    Nat.Kind kind;
    InetAddress target;
    int port;
    if (s.forwardAll()) {
      kind = Nat.Kind.FORWARD_ALL;
      target = s.forceNat() == null ? null : s.forceNat().address();
      port = s.forceNat() == null ? 0 : s.forceNat().port();
    } else if (s.forceNat() != null) {
      kind = type.isLocalNat() || !server.forwarding() ? Nat.Kind.LOCAL : Nat.Kind.FORWARD;
      target = s.forceNat().address();
      port = s.forceNat().port();
    } else if (type.hasNat()) {
      kind = type.isLocalNat() ? Nat.Kind.LOCAL : Nat.Kind.FORWARD;
      target = resolver.resolve(m.natHost(), server.natDns());
      if (target == null) {
        throw new NatRefused(server.natDns() ? "NAT host '" + m.natHost() + "' does not resolve"
            : "NAT host '" + m.natHost() + "' is not an address and ENABLE_NAT_DNS is off");
      }
      port = m.natPort();
    } else {
      return null;
    }
    Nat.Snat snat = Nat.Snat.NONE;
    InetAddress snatAddress = null;
    if (s.forceSnat() != null) {
      snat = Nat.Snat.SNAT;
      snatAddress = s.forceSnat();
    } else if (s.forceMasquerade()) {
      snat = Nat.Snat.MASQUERADE;
    } else if (server.globalSnat() && kind != Nat.Kind.LOCAL) {
      snat = server.snatAddress() != null ? Nat.Snat.SNAT : Nat.Snat.MASQUERADE;
      snatAddress = server.snatAddress();
    }
    boolean dnat = !s.disableDnat() && (kind != Nat.Kind.FORWARD_ALL || target != null);
    return new Nat(kind, target, port, snat, snatAddress, dnat);
  }

  private static final class NatRefused extends Exception {
    private static final long serialVersionUID = 1L;

    NatRefused(String message) {
      super(message, null, false, false);
    }
  }
}
