package spa.fw.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.Nat;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.core.spi.FirewallBackend;

/**
 * What every firewall backend must do, judged by the firewall's own state (what {@link FirewallBackend#list()}
 * and the admin's listing show), whether the backend's commands go to the real kernel or to a simulator of its
 * tool. A backend's test extends this class (or {@link FirewallContract}, which adds real traffic) and says how
 * to make a backend on the firewall under test, its settings, the admin's listing, and what it declares: the NAT
 * kinds it handles and whether the firewall expires grants by itself. Before each test the firewall is reset to
 * the admin's own rules.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendContract {
  /** The addresses the scenarios grant; documentation ranges, never routed. */
  protected static final String SOURCE4 = NetnsTopology.CLIENT_A4;
  protected static final String OTHER4 = NetnsTopology.CLIENT_B4;
  protected static final String SOURCE6 = NetnsTopology.CLIENT_A6;
  protected static final String TARGET4 = NetnsTopology.INNER4;

  /** A new backend, neither configured nor started, on the firewall under test (it sees earlier ones' work). */
  protected abstract FirewallBackend newBackend();

  /**
   * The settings the scenarios start the backend with; with {@code nat}, everything needed for the NAT kinds of
   * {@link #natKinds()} (forwarding, local NAT, SNAT) is switched on too.
   */
  protected abstract Map<String, String> contractSettings(boolean nat);

  /** Empties the firewall under test and loads the admin's own rules again. */
  protected abstract void resetFirewall();

  /** The firewall's rules as the admin lists them: spa's flush must bring them back to what they were. */
  protected abstract String adminState();

  /** The NAT kinds the backend declares it handles under {@code contractSettings(true)}; others are refused. */
  protected abstract Set<Nat.Kind> natKinds();

  /** What the backend declares: the firewall closes a grant at its expiry by itself. */
  protected abstract boolean expectsKernelExpiry();

  @BeforeEach
  final void freshFirewall() {
    resetFirewall();
  }

  /** A backend started with {@code contractSettings(nat)}. */
  protected final FirewallBackend startedBackend(boolean nat) throws Exception {
    FirewallBackend b = newBackend();
    b.start(Settings.of(new HashMap<>(contractSettings(nat)), "contract.conf"));
    return b;
  }

  /** A grant of {@code access} to {@code source} for {@code ttl}, expiring on a whole second. */
  public static Grant grantFor(String source, String access, Nat nat, Duration ttl) throws UnknownHostException {
    Instant exp = Instant.ofEpochSecond(Instant.now().plus(ttl).getEpochSecond());
    List<ProtoPort> ports = access.isEmpty() ? List.of() : ProtoPort.parseList(access, 1);
    return new Grant(InetAddress.getByName(source), null, ports, nat, exp, "stanza-1");
  }

  /** {@code listed} holds one opening, the same as {@code g} and expiring within two seconds of it. */
  public static void assertListedOnly(Grant g, List<Grant> listed) {
    assertEquals(1, listed.size(), listed.toString());
    assertTrue(listed.get(0).sameOpening(g), "expected " + g + ", listed " + listed);
    Duration off = Duration.between(g.expires(), listed.get(0).expires()).abs();
    assertTrue(off.compareTo(Duration.ofSeconds(2)) <= 0, "expiry " + listed.get(0).expires() + " for " + g);
  }

  @Test
  void contractAnOpeningIsListedWithItsExpiry() throws Exception {
    FirewallBackend fw = startedBackend(false);
    assertEquals(List.of(), fw.list());
    Grant g = grantFor(SOURCE4, "tcp/22", null, Duration.ofSeconds(120));
    fw.open(g);
    assertListedOnly(g, fw.list());
  }

  @Test
  void contractSeveralPortsAreOneOpening() throws Exception {
    FirewallBackend fw = startedBackend(false);
    Grant g = grantFor(SOURCE4, "tcp/22,udp/53", null, Duration.ofSeconds(120));
    fw.open(g);
    assertListedOnly(g, fw.list());
    fw.close(g);
    assertEquals(List.of(), fw.list());
  }

  @Test
  void contractAReKnockExtendsTheOpeningInsteadOfAddingOne() throws Exception {
    FirewallBackend fw = startedBackend(false);
    Grant g = grantFor(SOURCE4, "tcp/22", null, Duration.ofSeconds(120));
    fw.open(g);
    fw.open(g);
    assertListedOnly(g, fw.list());
    Grant later = g.withExpiry(g.expires().plusSeconds(60));
    fw.openAll(List.of(later));
    assertListedOnly(later, fw.list());
  }

  @Test
  void contractCloseIsIdempotentAndLeavesOtherOpenings() throws Exception {
    FirewallBackend fw = startedBackend(false);
    Grant g = grantFor(SOURCE4, "tcp/22", null, Duration.ofSeconds(120));
    Grant other = grantFor(OTHER4, "tcp/22", null, Duration.ofSeconds(120));
    fw.close(g);
    fw.open(g);
    fw.open(other);
    fw.close(g);
    assertListedOnly(other, fw.list());
    fw.close(g);
    assertListedOnly(other, fw.list());
  }

  @Test
  void contractIpv6OpensListsAndCloses() throws Exception {
    FirewallBackend fw = startedBackend(false);
    Grant v6 = grantFor(SOURCE6, "tcp/22", null, Duration.ofSeconds(120));
    Grant v4 = grantFor(SOURCE4, "tcp/22", null, Duration.ofSeconds(90));
    fw.open(v6);
    assertListedOnly(v6, fw.list());
    fw.open(v4);
    assertEquals(2, fw.list().size(), fw.list().toString());
    fw.close(v6);
    assertListedOnly(v4, fw.list());
  }

  @Test
  void contractFlushRemovesOnlySpasOwn() throws Exception {
    String before = adminState();
    FirewallBackend fw = startedBackend(false);
    fw.open(grantFor(SOURCE4, "tcp/22", null, Duration.ofSeconds(120)));
    fw.open(grantFor(SOURCE6, "tcp/22,udp/53", null, Duration.ofSeconds(120)));
    assertNotEquals(List.of(), fw.list());
    fw.flush();
    assertEquals(List.of(), fw.list());
    assertEquals(before, adminState(), "the admin's rules after spa's flush");
    fw.flush();
    assertEquals(before, adminState());
  }

  @Test
  void contractAFreshBackendListsWhatAnEarlierOneOpened() throws Exception {
    FirewallBackend fw = startedBackend(false);
    Grant v4 = grantFor(SOURCE4, "tcp/22", null, Duration.ofSeconds(120));
    Grant v6 = grantFor(SOURCE6, "udp/53", null, Duration.ofSeconds(100));
    fw.open(v4);
    fw.open(v6);
    // what a one-shot --fw-list does: configure, never start
    FirewallBackend lister = newBackend();
    lister.configure(Settings.of(contractSettings(false), "contract.conf"));
    List<Grant> listed = lister.list();
    assertEquals(2, listed.size(), listed.toString());
    assertListedOnly(v4, listed.stream().filter(g -> g.source().equals(v4.source())).toList());
    assertListedOnly(v6, listed.stream().filter(g -> g.source().equals(v6.source())).toList());
  }

  @Test
  void contractEachNatKindWorksOrIsRefusedAsDeclared() throws Exception {
    FirewallBackend fw = startedBackend(true);
    InetAddress target = InetAddress.getByName(TARGET4);
    Map<Nat, String> kinds = Map.of(
        new Nat(Nat.Kind.FORWARD, target, 22, Nat.Snat.NONE, null, true), "tcp/55000",
        new Nat(Nat.Kind.FORWARD, target, 2222, Nat.Snat.MASQUERADE, null, true), "tcp/55001",
        new Nat(Nat.Kind.FORWARD, target, 2223, Nat.Snat.SNAT, InetAddress.getByName(NetnsTopology.SERVER_INNER4),
            true), "tcp/55002",
        new Nat(Nat.Kind.LOCAL, null, 22, Nat.Snat.NONE, null, true), "tcp/55003",
        new Nat(Nat.Kind.FORWARD_ALL, target, 0, Nat.Snat.NONE, null, true), "");
    for (Map.Entry<Nat, String> e : kinds.entrySet()) {
      Nat nat = e.getKey();
      Grant g = grantFor(SOURCE4, e.getValue(), nat, Duration.ofSeconds(120));
      if (natKinds().contains(nat.kind())) {
        fw.open(g);
        List<Grant> listed = fw.list();
        assertEquals(1, listed.size(), nat + ": " + listed);
        assertEquals(nat.kind(), listed.get(0).nat().kind(), listed.toString());
        fw.close(g);
        assertEquals(List.of(), fw.list(), nat.toString());
      } else {
        FirewallException refused = assertThrows(FirewallException.class, () -> fw.open(g), nat.toString());
        String m = refused.getMessage();
        assertTrue(m != null && !m.isBlank() && !m.contains("\n"), "one clear line: " + m);
        assertEquals(List.of(), fw.list(), "a refused grant leaves nothing: " + nat);
      }
    }
  }

  @Test
  void contractKernelExpiryIsTrueOnlyWhenTheFirewallClosesByItself() throws Exception {
    FirewallBackend fw = startedBackend(false);
    assertEquals(expectsKernelExpiry(), fw.kernelExpiry());
    Grant g = grantFor(SOURCE4, "tcp/22", null, Duration.ofSeconds(2));
    fw.open(g);
    // wait, bounded, until the expiry has passed (the kernel's clean-up may lag a little)
    Instant past = g.expires().plusSeconds(fw.kernelExpiry() ? 3 : 1);
    while (Instant.now().isBefore(past)) {
      if (fw.kernelExpiry() && fw.list().isEmpty()) {
        break;
      }
      Thread.sleep(200);
    }
    if (fw.kernelExpiry()) {
      assertFalse(fw.list().stream().anyMatch(x -> x.sameOpening(g)), "the firewall closes it by itself");
    } else {
      // the engine closes it: until then the firewall holds it, and says when it expired
      assertListedOnly(g, fw.list());
      fw.close(g);
      assertEquals(List.of(), fw.list());
    }
  }
}
