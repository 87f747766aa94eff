package spa.fw.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.fw.testkit.NetnsTopology.CLIENT_A4;
import static spa.fw.testkit.NetnsTopology.CLIENT_A6;
import static spa.fw.testkit.NetnsTopology.CLIENT_B4;
import static spa.fw.testkit.NetnsTopology.CLIENT_B6;
import static spa.fw.testkit.NetnsTopology.INNER4;
import static spa.fw.testkit.NetnsTopology.SERVER4;
import static spa.fw.testkit.NetnsTopology.SERVER6;
import static spa.fw.testkit.NetnsTopology.SERVER_INNER4;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import spa.cmd.exec.CommandRunner;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.Nat;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.core.spi.FirewallBackend;

/**
 * What every firewall backend must do, shown with real TCP connections through the kernel's own firewall in a
 * {@link NetnsTopology}: the server namespace runs the backend and listens on 22 ({@code ssh-server}) and 80
 * ({@code http-server}), the inner host on 22 ({@code ssh-inner}) and 2222 ({@code alt-inner}). A backend's test
 * extends this class, says how to build the backend, which settings protect tcp/22 and turn forwarding on, and
 * what the admin's own rules are; it inherits the scenarios and adds its backend-specific tests beside them.
 * Before each test the server's ruleset is emptied and the admin's rules loaded again. The state-level scenarios
 * of {@link BackendContract} run here too, against the real kernel.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class FirewallContract extends BackendContract {
  private final String namespacePrefix;
  /** The namespaces, shared by the tests of one class. */
  protected NetnsTopology net;

  /** {@code namespacePrefix}: a short prefix for the namespace names, distinct per backend. */
  protected FirewallContract(String namespacePrefix) {
    this.namespacePrefix = namespacePrefix;
  }

  /** A new backend, neither configured nor started, whose commands go through {@code server}. */
  protected abstract FirewallBackend backend(CommandRunner server);

  /**
   * The settings under which tcp/22 on the server is closed to everyone until a grant opens it; with
   * {@code forwarding}, also forwarding to the inner host, forwarded traffic dropped unless granted.
   */
  protected abstract Map<String, String> settings(boolean forwarding);

  /** Loads the admin's own rules into the server's empty ruleset (for some backends: the drop of tcp/22). */
  protected abstract void loadAdminRuleset();

  /**
   * Commands (run in the server namespace) that each break spa's set-up the way an admin or another tool might:
   * a deleted table or chain, a flushed ruleset, a removed jump.
   */
  protected abstract List<List<String>> wipes();

  /** The server's rules as the admin lists them: spa's flush must bring them back to what they were. */
  protected abstract String adminRuleset();

  @BeforeAll
  final void topology() {
    net = NetnsTopology.create(namespacePrefix);
    net.listen(net.server(), "22=ssh-server", "80=http-server");
    net.listen(net.inner(), "22=ssh-inner", "2222=alt-inner");
  }

  @AfterAll
  final void teardown() {
    if (net != null) {
      net.close();
    }
  }

  /** Empties the server's ruleset and loads the admin's rules again (before each test). */
  @Override
  protected final void resetFirewall() {
    in("nft", "flush", "ruleset");
    loadAdminRuleset();
  }

  @Override
  protected final FirewallBackend newBackend() {
    return backend(net.runnerIn(net.server()));
  }

  /** {@code settings(nat)}, with local NAT on too when {@code nat}. */
  @Override
  protected Map<String, String> contractSettings(boolean nat) {
    Map<String, String> m = new HashMap<>(settings(nat));
    if (nat) {
      m.put("ENABLE_IPT_LOCAL_NAT", "Y");
    }
    return m;
  }

  @Override
  protected final String adminState() {
    return adminRuleset();
  }

  /** Runs {@code argv} in the server namespace and returns its standard output; fails the test if it fails. */
  protected final String in(String... argv) {
    return net.in(net.server(), argv);
  }

  /** A backend started with {@code settings(false)} and {@code extra} on top. */
  protected final FirewallBackend started(Map<String, String> extra) throws Exception {
    FirewallBackend b = backend(net.runnerIn(net.server()));
    b.start(settingsWith(extra));
    return b;
  }

  protected final Settings settingsWith(Map<String, String> extra) {
    Map<String, String> m = new HashMap<>(settings(false));
    m.putAll(extra);
    return Settings.of(m, "test.conf");
  }

  /** The map of {@code keyValues}, read as pairs of key and value. */
  public static Map<String, String> pairs(String... keyValues) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  public static Grant grant(String source, String access, Nat nat, Instant expires, String stanza)
      throws UnknownHostException {
    return new Grant(InetAddress.getByName(source), null, ProtoPort.parseList(access, 1), nat, expires, stanza);
  }

  public static void assertReached(String banner, Probe p) {
    assertTrue(p.reached(banner), "expected " + banner + ", got " + p);
  }

  /** As {@link #assertReached(String, Probe)}, naming the firewall's whole policy when it fails. */
  public static void assertReached(String banner, Probe p, FirewallBackend fw) {
    assertTrue(p.reached(banner), () -> "expected " + banner + ", got " + p + "; the policy:\n" + policyOf(fw));
  }

  private static String policyOf(FirewallBackend fw) {
    try {
      return fw.policy();
    } catch (FirewallException | RuntimeException e) {
      return "(not listed: " + e.getMessage() + ")";
    }
  }

  public static void assertFiltered(Probe p) {
    assertEquals(Probe.Outcome.FILTERED, p.outcome(), "expected no answer, got " + p);
  }

  /** {@code listed} holds one opening, the same as {@code g} and expiring within two seconds of it. */
  public static void assertOnly(Grant g, List<Grant> listed) {
    assertEquals(1, listed.size(), listed.toString());
    assertTrue(listed.get(0).sameOpening(g), "expected " + g + ", listed " + listed);
    Duration off = Duration.between(g.expires(), listed.get(0).expires()).abs();
    assertTrue(off.compareTo(Duration.ofSeconds(2)) <= 0, "expiry " + listed.get(0).expires() + " for " + g);
  }

  private static Grant grant(String source, String access, Nat nat) throws UnknownHostException {
    return grant(source, access, nat, Instant.ofEpochSecond(Instant.now().getEpochSecond() + 120), "stanza-1");
  }

  private static Nat forward(int port, Nat.Snat snat) throws UnknownHostException {
    return new Nat(Nat.Kind.FORWARD, InetAddress.getByName(INNER4), port, snat, null, true);
  }

  @Test
  void opensTheProtectedPortForTheGrantedSourceOnly() throws Exception {
    FirewallBackend fw = started(Map.of());
    assertFiltered(net.connect(CLIENT_A4, SERVER4, 22));
    assertReached("http-server", net.connect(CLIENT_B4, SERVER4, 80));
    Grant g = grant(CLIENT_A4, "tcp/22", null);
    fw.open(g);
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 22));
    assertFiltered(net.connect(CLIENT_B4, SERVER4, 22));
    assertReached("http-server", net.connect(CLIENT_B4, SERVER4, 80));
    assertOnly(g, fw.list());
  }

  @Test
  void aReKnockExtendsTheOpeningInsteadOfStackingASecond() throws Exception {
    FirewallBackend fw = started(Map.of());
    Grant g = grant(CLIENT_A4, "tcp/22", null);
    fw.open(g);
    fw.open(g);
    Grant later = g.withExpiry(g.expires().plusSeconds(60));
    fw.open(later);
    assertOnly(later, fw.list());
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 22));
  }

  @Test
  void closeRemovesTheOpeningAtOnceAndClosingTwiceIsHarmless() throws Exception {
    FirewallBackend fw = started(Map.of());
    Grant g = grant(CLIENT_A4, "tcp/22", null);
    fw.open(g);
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 22));
    fw.close(g);
    assertEquals(List.of(), fw.list());
    assertFiltered(net.connect(CLIENT_A4, SERVER4, 22));
    fw.close(g);
    assertEquals(List.of(), fw.list());
  }

  @Test
  void forwardsToTheInnerHostWithAndWithoutMasquerade() throws Exception {
    FirewallBackend fw = started(settings(true));
    assertFiltered(net.connect(CLIENT_A4, INNER4, 22));
    Nat masq = forward(22, Nat.Snat.MASQUERADE);
    Grant a = grant(CLIENT_A4, "tcp/55000", masq);
    fw.open(a);
    Probe p = net.connect(CLIENT_A4, SERVER4, 55000);
    assertReached("ssh-inner", p);
    assertTrue(p.peerIs(SERVER_INNER4), "masqueraded source expected: " + p);
    assertEquals(Probe.Outcome.REFUSED, net.connect(CLIENT_B4, SERVER4, 55000).outcome());

    // fwknop's per-port MASQUERADE rule names no source, so it would translate B's flows to inner:22 too;
    // B's untranslated grant goes to another port of the inner host
    fw.open(grant(CLIENT_B4, "tcp/55001", forward(2222, Nat.Snat.NONE)));
    Probe b = net.connect(CLIENT_B4, SERVER4, 55001);
    assertReached("alt-inner", b);
    assertTrue(b.peerIs(CLIENT_B4), "untranslated source expected: " + b);
    Grant listedA = fw.list().stream().filter(x -> x.source().getHostAddress().equals(CLIENT_A4)).findFirst()
        .orElseThrow();
    assertEquals(masq, listedA.nat());
    assertEquals(List.of(new ProtoPort("tcp", 55000)), listedA.access());

    fw.close(a);
    assertEquals(Probe.Outcome.REFUSED, net.connect(CLIENT_A4, SERVER4, 55000).outcome());
    assertEquals(1, fw.list().size());
  }

  @Test
  void ghostServiceSendsOneClientsPort80ToTheLocalSshWhileOthersKeepTheWebServer() throws Exception {
    FirewallBackend fw = started(Map.of("ENABLE_IPT_LOCAL_NAT", "Y"));
    Nat ghost = new Nat(Nat.Kind.LOCAL, null, 22, Nat.Snat.NONE, null, true);
    Grant g = grant(CLIENT_A4, "tcp/80", ghost);
    fw.open(g);
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 80));
    assertReached("http-server", net.connect(CLIENT_B4, SERVER4, 80));
    assertEquals(ghost, fw.list().get(0).nat());
    fw.close(g);
    assertReached("http-server", net.connect(CLIENT_A4, SERVER4, 80));
  }

  @Test
  void ipv6OpensForTheGrantedSourceOnly() throws Exception {
    FirewallBackend fw = started(Map.of());
    assertFiltered(net.connect(CLIENT_A6, SERVER6, 22));
    Grant g = grant(CLIENT_A6, "tcp/22", null);
    fw.open(g);
    assertReached("ssh-server", net.connect(CLIENT_A6, SERVER6, 22));
    assertFiltered(net.connect(CLIENT_B6, SERVER6, 22));
    assertOnly(g, fw.list());
    fw.close(g);
    assertEquals(List.of(), fw.list());
    assertFiltered(net.connect(CLIENT_A6, SERVER6, 22));
  }

  @Test
  void aWipedSetUpIsNoticedAndRepairedAndTheGrantsOpenedAgain() throws Exception {
    FirewallBackend fw = started(Map.of());
    assertTrue(fw.intact());
    for (List<String> wipe : wipes()) {
      Grant g = grant(CLIENT_A4, "tcp/22", null);
      fw.open(g);
      in(wipe.toArray(String[]::new));
      assertFalse(fw.intact(), String.join(" ", wipe));
      fw.repair();
      fw.openAll(List.of(g));
      assertTrue(fw.intact(), String.join(" ", wipe));
      assertFiltered(net.connect(CLIENT_B4, SERVER4, 22));
      assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 22), fw);
    }
  }

  @Test
  void flushRemovesOnlySpasOwnAndLeavesTheAdminsRules() throws Exception {
    String before = adminRuleset();
    FirewallBackend fw = started(settings(true));
    fw.open(grant(CLIENT_A4, "tcp/22", null));
    fw.open(grant(CLIENT_A6, "tcp/22", null));
    fw.open(grant(CLIENT_B4, "tcp/55000", forward(22, Nat.Snat.MASQUERADE)));
    assertNotEquals(before, adminRuleset(), "spa's rules are not in the listing compared");
    fw.flush();
    assertEquals(before, adminRuleset());
    assertEquals(List.of(), fw.list());
  }

  @Test
  void aFreshBackendListsWhatAnEarlierOneOpened() throws Exception {
    FirewallBackend fw = started(settings(true));
    Grant access = grant(CLIENT_A4, "tcp/22", null);
    Grant forwarded = grant(CLIENT_B4, "tcp/55000", forward(22, Nat.Snat.MASQUERADE));
    fw.open(access);
    fw.open(forwarded);
    // what a one-shot --fw-list does: configure, never start
    FirewallBackend lister = backend(net.runnerIn(net.server()));
    lister.configure(settingsWith(settings(true)));
    List<Grant> listed = lister.list();
    assertEquals(2, listed.size(), listed.toString());
    assertOnly(access, listed.stream().filter(g -> g.nat() == null).toList());
    assertOnly(forwarded, listed.stream().filter(g -> g.nat() != null).toList());
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 22));
  }
}
