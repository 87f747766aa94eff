package spa.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrantTest {
  private static final Instant T = Instant.ofEpochSecond(2_000_000_000L);

  @Test
  void sameOpeningIgnoresExpiryStanzaAndOrder() throws Exception {
    Grant a = grant("198.18.0.2", List.of(pp("tcp", 22), pp("udp", 53)), null, "a");
    Grant b = new Grant(ip("198.18.0.2"), null, List.of(pp("udp", 53), pp("tcp", 22)), null, T.plusSeconds(9), "");
    assertTrue(a.sameOpening(b));
  }

  @Test
  void differentSourcePortsOrNatAreDifferentOpenings() throws Exception {
    Grant a = grant("198.18.0.2", List.of(pp("tcp", 22)), null, "a");
    assertFalse(a.sameOpening(grant("198.18.0.3", List.of(pp("tcp", 22)), null, "a")));
    assertFalse(a.sameOpening(grant("198.18.0.2", List.of(pp("tcp", 23)), null, "a")));
    Nat local = new Nat(Nat.Kind.LOCAL, ip("198.18.0.1"), 22, Nat.Snat.NONE, null, true);
    assertFalse(a.sameOpening(grant("198.18.0.2", List.of(pp("tcp", 22)), local, "a")));
    Nat otherPort = new Nat(Nat.Kind.LOCAL, ip("198.18.0.1"), 2222, Nat.Snat.NONE, null, true);
    assertFalse(grant("198.18.0.2", List.of(pp("tcp", 80)), local, "a")
        .sameOpening(grant("198.18.0.2", List.of(pp("tcp", 80)), otherPort, "a")));
  }

  @Test
  void detailsAFirewallListingLacksDoNotSplitAnOpening() throws Exception {
    Nat withTarget = new Nat(Nat.Kind.LOCAL, ip("198.18.0.1"), 22, Nat.Snat.NONE, null, true);
    Nat listed = new Nat(Nat.Kind.LOCAL, null, 22, Nat.Snat.NONE, null, true);
    assertTrue(grant("198.18.0.2", List.of(pp("tcp", 80)), withTarget, "x")
        .sameOpening(grant("198.18.0.2", List.of(pp("tcp", 80)), listed, "")));
    Nat all = new Nat(Nat.Kind.FORWARD_ALL, null, 0, Nat.Snat.MASQUERADE, null, false);
    assertTrue(grant("198.18.0.2", List.of(pp("tcp", 22)), all, "x").sameOpening(grant("198.18.0.2", List.of(), all, "")));
  }

  private static Grant grant(String src, List<ProtoPort> access, Nat nat, String stanza) throws Exception {
    return new Grant(ip(src), null, access, nat, T, stanza);
  }

  private static ProtoPort pp(String proto, int port) {
    return new ProtoPort(proto, port);
  }

  private static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }
}
