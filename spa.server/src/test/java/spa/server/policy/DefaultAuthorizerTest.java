package spa.server.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.server.testkit.TestKit.addr;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.Decision;
import spa.core.Grant;
import spa.core.MessageType;
import spa.core.Nat;
import spa.core.Packet;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.core.SpaMessage;
import spa.core.spi.Authorizer;
import spa.server.testkit.TestKit;

class DefaultAuthorizerTest {
  private static final long NOW = 1_800_000_000L;
  @TempDir
  Path dir;

  private DefaultAuthorizer authorizer(String server, String access) throws Exception {
    Policy p = TestKit.policy(TestKit.config(dir, server, access));
    return new DefaultAuthorizer(p, NatResolver.system());
  }

  private static SpaMessage.Builder msg(String message) {
    return SpaMessage.builder().random("1234567890123456").user("alice").timestamp(NOW).message(message);
  }

  private static Packet packet() {
    return TestKit.udp("203.0.113.7", "0.0.0.0", "x".repeat(150));
  }

  private static Decision decide(DefaultAuthorizer a, SpaMessage m) {
    return a.authorize(new Authorizer.Request(packet(), m, "#1", Settings.empty(), null, Instant.ofEpochSecond(NOW)));
  }

  private static String reason(Decision d) {
    return assertInstanceOf(Decision.Deny.class, d).reason();
  }

  @Test
  void opensWithStanzaTimeoutOrCappedClientTimeout() throws Exception {
    DefaultAuthorizer a = authorizer("", "SOURCE ANY\nKEY k\nFW_ACCESS_TIMEOUT 45\nMAX_FW_TIMEOUT 100\n");
    Grant g = assertInstanceOf(Decision.Open.class, decide(a, msg("10.0.0.5,tcp/22,udp/53").build())).grant();
    assertEquals(addr("10.0.0.5"), g.source());
    assertEquals(List.of(new ProtoPort("tcp", 22), new ProtoPort("udp", 53)), g.access());
    assertEquals(Instant.ofEpochSecond(NOW + 45), g.expires());
    assertNull(g.nat());
    assertNull(g.destination());
    Grant capped = assertInstanceOf(Decision.Open.class,
        decide(a, msg("10.0.0.5,tcp/22").clientTimeout(500).build())).grant();
    assertEquals(Instant.ofEpochSecond(NOW + 100), capped.expires());
    Grant shorter = assertInstanceOf(Decision.Open.class,
        decide(a, msg("10.0.0.5,tcp/22").clientTimeout(7).build())).grant();
    assertEquals(Instant.ofEpochSecond(NOW + 7), shorter.expires());
  }

  @Test
  void anAllowIpThatIsNoDottedQuadIsRefusedAndOneThatIsOpensForItself() throws Exception {
    DefaultAuthorizer a = authorizer("", "SOURCE ANY\nKEY k\n");
    for (String bad : List.of("10.0.0.05", "10.0.0.256", "10.0.0", "fd00::1", "10.0.0.5.6")) {
      assertEquals(Reasons.BAD_MESSAGE, reason(decide(a, msg(bad + ",tcp/22").build())), bad);
    }
    Grant g = assertInstanceOf(Decision.Open.class, decide(a, msg("198.19.255.254,tcp/22").build())).grant();
    assertEquals(addr("198.19.255.254"), g.source());
    Grant own = assertInstanceOf(Decision.Open.class, decide(a, msg("0.0.0.0,tcp/22").build())).grant();
    assertEquals(addr("203.0.113.7"), own.source());
  }

  @Test
  void knocksAskingTheSameAccessShareOneListAndOthersGetTheirOwn() throws Exception {
    DefaultAuthorizer a = authorizer("", "SOURCE ANY\nKEY k\n");
    Grant one = assertInstanceOf(Decision.Open.class, decide(a, msg("10.0.0.5,tcp/22,udp/53").build())).grant();
    Grant two = assertInstanceOf(Decision.Open.class, decide(a, msg("10.0.0.6,tcp/22,udp/53").build())).grant();
    assertSame(one.access(), two.access());
    // same length, other ports; a prefix of the last; longer than the last
    for (String access : List.of("tcp/22,udp/54", "tcp/22", "tcp/22,udp/53,tcp/2")) {
      Grant g = assertInstanceOf(Decision.Open.class, decide(a, msg("10.0.0.7," + access).build())).grant();
      assertEquals(ProtoPort.parseList(access, 1), g.access(), access);
    }
    assertEquals(List.of(new ProtoPort("tcp", 22), new ProtoPort("udp", 53)),
        assertInstanceOf(Decision.Open.class, decide(a, msg("10.0.0.5,tcp/22,udp/53").build())).grant().access());
  }

  @Test
  void zeroAllowIpMeansThePacketSourceUnlessASourceIsRequired() throws Exception {
    Grant g = assertInstanceOf(Decision.Open.class,
        decide(authorizer("", "SOURCE ANY\nKEY k\n"), msg("0.0.0.0,tcp/22").build())).grant();
    assertEquals(addr("203.0.113.7"), g.source());
    assertEquals(Reasons.ALLOW_IP, reason(decide(authorizer("", "SOURCE ANY\nKEY k\nREQUIRE_SOURCE_ADDRESS Y\n"),
        msg("0.0.0.0,tcp/22").build())));
  }

  @Test
  void ageWindowBothWays() throws Exception {
    DefaultAuthorizer a = authorizer("MAX_SPA_PACKET_AGE 120\n", "SOURCE ANY\nKEY k\n");
    assertInstanceOf(Decision.Open.class, decide(a, msg("10.0.0.5,tcp/22").timestamp(NOW - 120).build()));
    assertEquals(Reasons.AGE, reason(decide(a, msg("10.0.0.5,tcp/22").timestamp(NOW - 121).build())));
    assertEquals(Reasons.AGE, reason(decide(a, msg("10.0.0.5,tcp/22").timestamp(NOW + 121).build())));
    DefaultAuthorizer off = authorizer("ENABLE_SPA_PACKET_AGING N\n", "SOURCE ANY\nKEY k\n");
    assertInstanceOf(Decision.Open.class, decide(off, msg("10.0.0.5,tcp/22").timestamp(NOW - 100_000).build()));
  }

  @Test
  void requiredUsername() throws Exception {
    DefaultAuthorizer a = authorizer("", "SOURCE ANY\nKEY k\nREQUIRE_USERNAME bob\n");
    assertEquals(Reasons.USER, reason(decide(a, msg("10.0.0.5,tcp/22").build())));
    assertInstanceOf(Decision.Open.class, decide(a, msg("10.0.0.5,tcp/22").user("bob").build()));
  }

  @Test
  void restrictPortsAnyDeniesOpenPortsAllMustMatch() throws Exception {
    DefaultAuthorizer a = authorizer("", "SOURCE ANY\nKEY k\nOPEN_PORTS tcp/22, tcp/80\nRESTRICT_PORTS tcp/80\n");
    assertInstanceOf(Decision.Open.class, decide(a, msg("10.0.0.5,tcp/22").build()));
    assertEquals(Reasons.PORT, reason(decide(a, msg("10.0.0.5,tcp/22,tcp/80").build())));
    assertEquals(Reasons.PORT, reason(decide(a, msg("10.0.0.5,tcp/22,tcp/443").build())));
    assertEquals(Reasons.PORT, reason(decide(a, msg("10.0.0.5,udp/22").build())));
  }

  @Test
  void natNeedsForwardingAndLocalNatNeedsLocalNat() throws Exception {
    SpaMessage nat = msg("10.0.0.5,tcp/5000").type(MessageType.NAT_ACCESS).natAccess("192.168.1.2,22").build();
    SpaMessage local = msg("10.0.0.5,tcp/5000").type(MessageType.LOCAL_NAT_ACCESS).natAccess("127.0.0.1,22").build();
    DefaultAuthorizer off = authorizer("", "SOURCE ANY\nKEY k\n");
    assertEquals(Reasons.NAT_DISABLED, reason(decide(off, nat)));
    assertEquals(Reasons.NAT_DISABLED, reason(decide(off, local)));
    DefaultAuthorizer fwd = authorizer("ENABLE_IPT_FORWARDING Y\n", "SOURCE ANY\nKEY k\n");
    Nat n = assertInstanceOf(Decision.Open.class, decide(fwd, nat)).grant().nat();
    assertEquals(new Nat(Nat.Kind.FORWARD, addr("192.168.1.2"), 22, Nat.Snat.NONE, null, true), n);
    assertEquals(Reasons.NAT_DISABLED, reason(decide(fwd, local)));
    DefaultAuthorizer loc = authorizer("ENABLE_IPT_LOCAL_NAT Y\n", "SOURCE ANY\nKEY k\n");
    assertEquals(Nat.Kind.LOCAL, assertInstanceOf(Decision.Open.class, decide(loc, local)).grant().nat().kind());
  }

  @Test
  void natHostsAreNotResolvedWhenDnsIsOff() throws Exception {
    DefaultAuthorizer a = authorizer("ENABLE_IPT_FORWARDING Y\nENABLE_NAT_DNS N\n", "SOURCE ANY\nKEY k\n");
    SpaMessage named = msg("10.0.0.5,tcp/5000").type(MessageType.NAT_ACCESS).natAccess("inner.invalid,22").build();
    assertEquals(Reasons.NAT_HOST, reason(decide(a, named)));
  }

  @Test
  void forcedNatSnatMasqueradeAndForwardAll() throws Exception {
    DefaultAuthorizer a = authorizer("ENABLE_IPT_FORWARDING Y\n",
        "SOURCE ANY\nKEY k\nFORCE_NAT 192.168.1.9 2222\nFORCE_MASQUERADE Y\n");
    Nat n = assertInstanceOf(Decision.Open.class, decide(a, msg("10.0.0.5,tcp/22").build())).grant().nat();
    assertEquals(new Nat(Nat.Kind.FORWARD, addr("192.168.1.9"), 2222, Nat.Snat.MASQUERADE, null, true), n);
    DefaultAuthorizer all = authorizer("ENABLE_IPT_FORWARDING Y\n",
        "SOURCE ANY\nKEY k\nFORWARD_ALL Y\nFORCE_SNAT 198.18.0.9\nDISABLE_DNAT Y\n");
    Nat fa = assertInstanceOf(Decision.Open.class, decide(all, msg("10.0.0.5,tcp/22").build())).grant().nat();
    assertEquals(new Nat(Nat.Kind.FORWARD_ALL, null, 0, Nat.Snat.SNAT, addr("198.18.0.9"), false), fa);
  }

  @Test
  void commandsNeedCmdExec() throws Exception {
    SpaMessage cmd = msg("10.0.0.5,touch /tmp/x").type(MessageType.COMMAND).build();
    assertEquals(Reasons.CMD_DISABLED, reason(decide(authorizer("", "SOURCE ANY\nKEY k\n"), cmd)));
    Decision.RunCommand rc = assertInstanceOf(Decision.RunCommand.class,
        decide(authorizer("", "SOURCE ANY\nKEY k\nENABLE_CMD_EXEC Y\nCMD_EXEC_USER nobody\n"), cmd));
    assertEquals("touch /tmp/x", rc.command());
    assertEquals("nobody", rc.user());
    assertEquals("#1", rc.stanza());
  }

  @Test
  void commandCyclesSkipPortChecksAndUseTheirTimer() throws Exception {
    DefaultAuthorizer a = authorizer("", "SOURCE ANY\nKEY k\nOPEN_PORTS tcp/22\nCMD_CYCLE_OPEN /bin/true\n"
        + "CMD_CYCLE_CLOSE /bin/true\nCMD_CYCLE_TIMER 500\nMAX_FW_TIMEOUT 10\n");
    Grant g = assertInstanceOf(Decision.Open.class, decide(a, msg("10.0.0.5,tcp/8080").build())).grant();
    assertEquals(Instant.ofEpochSecond(NOW + 500), g.expires());
    Grant client = assertInstanceOf(Decision.Open.class, decide(a, msg("10.0.0.5,tcp/8080").clientTimeout(60).build())).grant();
    assertEquals(Instant.ofEpochSecond(NOW + 60), client.expires(), "a cycle's client timeout is not capped");
  }

  @Test
  void destinationRulePutsThePacketDestinationInTheGrant() throws Exception {
    DefaultAuthorizer a = authorizer("ENABLE_DESTINATION_RULE Y\n", "SOURCE ANY\nKEY k\n");
    Packet p = TestKit.udp("203.0.113.7", "198.18.0.2", "x".repeat(150));
    Grant g = assertInstanceOf(Decision.Open.class, a.authorize(new Authorizer.Request(p,
        msg("10.0.0.5,tcp/22").build(), "#1", Settings.empty(), null, Instant.ofEpochSecond(NOW)))).grant();
    assertEquals(addr("198.18.0.2"), g.destination());
    assertTrue(reason(a.authorize(new Authorizer.Request(p, msg("10.0.0.5,tcp/22").build(), "nope",
        Settings.empty(), null, Instant.ofEpochSecond(NOW)))).equals(Reasons.ERROR));
  }
}
