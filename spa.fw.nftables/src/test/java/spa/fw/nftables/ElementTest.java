package spa.fw.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.Nat;
import spa.core.ProtoPort;
import spa.core.Settings;

class ElementTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private static NftConfig config(String... kv) throws Exception {
    Map<String, String> m = new java.util.HashMap<>(Map.of("NFT_PROTECTED_PORTS", "tcp/22"));
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return NftConfig.from(Settings.of(m, "t"));
  }

  private static Grant grant(String src, String dst, String access, Nat nat) throws Exception {
    return new Grant(InetAddress.getByName(src), dst == null ? null : InetAddress.getByName(dst),
        ProtoPort.parseList(access, 1), nat, T, "office");
  }

  private static List<String> texts(List<Element> es) {
    return es.stream().map(e -> e.setName("") + " { " + e.withTimeout(30, "c") + " }").toList();
  }

  @Test
  void accessGrantsAreOneElementPerPortAndIpv6IsCompressed() throws Exception {
    assertEquals(List.of("access4 { 198.18.0.2 . tcp . 22 timeout 30s comment \"c\" }",
            "access4 { 198.18.0.2 . udp . 53 timeout 30s comment \"c\" }"),
        texts(Element.of(grant("198.18.0.2", null, "tcp/22,udp/53", null), config())));
    assertEquals(List.of("access6 { fd00::2 . tcp . 22 timeout 30s comment \"c\" }"),
        texts(Element.of(grant("fd00:0:0:0:0:0:0:2", null, "tcp/22", null), config())));
  }

  @Test
  void theDestinationCountsOnlyWithTheDestinationRule() throws Exception {
    Grant g = grant("198.18.0.2", "198.18.0.1", "tcp/22", null);
    assertEquals(SetKind.ACCESS, Element.of(g, config()).get(0).kind());
    assertEquals(List.of("accessd4 { 198.18.0.2 . 198.18.0.1 . tcp . 22 timeout 30s comment \"c\" }"),
        texts(Element.of(g, config("ENABLE_DESTINATION_RULE", "Y"))));
  }

  @Test
  void natGrantsBecomeMapAndSetElements() throws Exception {
    Nat snat = new Nat(Nat.Kind.FORWARD, InetAddress.getByName("198.18.1.2"), 22, Nat.Snat.SNAT,
        InetAddress.getByName("198.18.1.1"), true);
    assertEquals(List.of(
            "dnat4 { 198.18.0.2 . tcp . 55000 timeout 30s comment \"c\" : 198.18.1.2 . 22 }",
            "fwd4 { 198.18.0.2 . 198.18.1.2 . tcp . 22 timeout 30s comment \"c\" }",
            "snat4 { 198.18.0.2 . 198.18.1.2 . tcp . 22 timeout 30s comment \"c\" : 198.18.1.1 }"),
        texts(Element.of(grant("198.18.0.2", null, "tcp/55000", snat), config("ENABLE_IPT_FORWARDING", "Y"))));
    Nat ghost = new Nat(Nat.Kind.LOCAL, null, 22, Nat.Snat.NONE, null, true);
    assertEquals(List.of(
            "lnat4 { 198.18.0.2 . tcp . 80 timeout 30s comment \"c\" : 22 }",
            "natin4 { 198.18.0.2 . tcp . 22 timeout 30s comment \"c\" }"),
        texts(Element.of(grant("198.18.0.2", null, "tcp/80", ghost), config("ENABLE_IPT_LOCAL_NAT", "Y"))));
    Nat all = new Nat(Nat.Kind.FORWARD_ALL, null, 0, Nat.Snat.MASQUERADE, null, false);
    assertEquals(List.of("fwdall4 { 198.18.0.2 timeout 30s comment \"c\" }",
            "masqall4 { 198.18.0.2 timeout 30s comment \"c\" }"),
        texts(Element.of(grant("198.18.0.2", null, "tcp/22", all), config("ENABLE_IPT_FORWARDING", "Y"))));
  }

  @Test
  void grantsTheConfigurationCannotCarryAreRefused() throws Exception {
    Nat v6Target = new Nat(Nat.Kind.FORWARD, InetAddress.getByName("fd00:1::2"), 22, Nat.Snat.NONE, null, true);
    FirewallException mixed = assertThrows(FirewallException.class,
        () -> Element.of(grant("198.18.0.2", null, "tcp/55000", v6Target), config("ENABLE_IPT_FORWARDING", "Y")));
    assertTrue(mixed.getMessage().contains("not of the family"), mixed.getMessage());
    assertThrows(FirewallException.class,
        () -> Element.of(grant("fd00::2", null, "tcp/22", null), config("NFT_FAMILY", "ip")));
    Nat ghost = new Nat(Nat.Kind.LOCAL, null, 22, Nat.Snat.NONE, null, true);
    assertThrows(FirewallException.class, () -> Element.of(grant("198.18.0.2", null, "tcp/80", ghost), config()));
    Nat noTarget = new Nat(Nat.Kind.FORWARD, null, 22, Nat.Snat.NONE, null, true);
    assertThrows(FirewallException.class, () -> Element.of(grant("198.18.0.2", null, "tcp/80", noTarget),
        config("ENABLE_IPT_FORWARDING", "Y")));
  }

  @Test
  void commentsArePrintableBoundedAndCarryPortsAndStanza() throws Exception {
    Grant g = new Grant(InetAddress.getByName("198.18.0.2"), null, ProtoPort.parseList("tcp/22,udp/53", 1), null, T,
        "a \"quoted\"\\stanza\n" + "x".repeat(200));
    String c = Element.comment(g);
    assertTrue(c.startsWith("spa:tcp/22,udp/53 a _quoted__stanza_x"), c);
    assertEquals(127, c.length());
  }
}
