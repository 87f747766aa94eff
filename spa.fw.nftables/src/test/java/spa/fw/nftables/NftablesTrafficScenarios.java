package spa.fw.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.fw.testkit.NetnsTopology.CLIENT_A4;
import static spa.fw.testkit.NetnsTopology.CLIENT_A6;
import static spa.fw.testkit.NetnsTopology.CLIENT_B4;
import static spa.fw.testkit.NetnsTopology.CLIENT_B6;
import static spa.fw.testkit.NetnsTopology.INNER4;
import static spa.fw.testkit.NetnsTopology.INNER6;
import static spa.fw.testkit.NetnsTopology.SERVER4;
import static spa.fw.testkit.NetnsTopology.SERVER6;
import static spa.fw.testkit.NetnsTopology.SERVER_INNER4;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import spa.cmd.exec.CommandRunner;
import spa.fw.testkit.FirewallContract;
import spa.fw.testkit.Probe;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.Nat;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.core.spi.FirewallBackend;

/**
 * The nftables backend against the real kernel, with real TCP traffic between network namespaces: the scenarios
 * every backend passes (inherited), and what only nftables does (kernel timeouts, modes, documented tables). Run
 * through libnftables ({@link NftablesTrafficTest}) and through the nft command ({@link NftablesProcessTrafficTest}).
 */
abstract class NftablesTrafficScenarios extends FirewallContract {
  private static final String ADMIN_TABLE = """
      table inet admin {
        set blocked { type ipv4_addr; elements = { 198.18.0.99 } }
        chain input { type filter hook input priority 10; policy accept; ip saddr @blocked drop; }
      }
      """;

  NftablesTrafficScenarios(String namespacePrefix) {
    super(namespacePrefix);
  }

  /** The settings that choose the way to nftables. */
  protected abstract Map<String, String> channelSettings();

  /** How {@link NftablesBackend#channel()} starts for the backends of this class. */
  protected abstract String expectedChannel();

  @Override
  protected FirewallBackend backend(CommandRunner server) {
    return NftablesBackend.inNamespace(net.server(), server, Clock.systemUTC());
  }

  @Override
  protected void loadAdminRuleset() {
    load(ADMIN_TABLE);
  }

  @Override
  protected String adminRuleset() {
    return nft("list", "ruleset");
  }

  @Override
  protected List<List<String>> wipes() {
    return List.of(List.of("nft", "delete", "table", "inet", "spa"), List.of("nft", "flush", "ruleset"),
        List.of("nft", "flush", "chain", "inet", "spa", "input"));
  }

  private String nft(String... args) {
    String[] argv = new String[args.length + 1];
    argv[0] = "nft";
    System.arraycopy(args, 0, argv, 1, args.length);
    return in(argv);
  }

  private void load(String ruleset) {
    var r = net.runnerIn(net.server()).run(spa.cmd.exec.Command.of("nft", "-f", "-").withInput(ruleset));
    assertTrue(r.ok(), r.failure());
  }

  /** Own mode, tcp/22 protected; forwarding with NFT_FORWARD_DROP, so the inner host is closed too. */
  @Override
  protected java.util.Set<Nat.Kind> natKinds() {
    return java.util.EnumSet.allOf(Nat.Kind.class);
  }

  @Override
  protected boolean expectsKernelExpiry() {
    return true;
  }

  @Override
  protected Map<String, String> settings(boolean forwarding) {
    Map<String, String> m = new java.util.HashMap<>(forwarding
        ? pairs("NFT_PROTECTED_PORTS", "tcp/22", "ENABLE_IPT_FORWARDING", "Y", "NFT_FORWARD_DROP", "Y")
        : pairs("NFT_PROTECTED_PORTS", "tcp/22"));
    m.putAll(channelSettings());
    return m;
  }

  NftablesBackend started(String... keyValues) throws Exception {
    NftablesBackend b = NftablesBackend.inNamespace(net.server(), net.runnerIn(net.server()), Clock.systemUTC());
    Map<String, String> m = new java.util.HashMap<>(channelSettings());
    m.putAll(pairs(keyValues));
    b.start(Settings.of(m, "test.conf"));
    assertTrue(b.channel().startsWith(expectedChannel()), b.channel());
    return b;
  }

  static Grant grant(String source, String access, Nat nat, Duration ttl) throws Exception {
    return FirewallContract.grant(source, access, nat, Instant.now().plus(ttl), "stanza-1");
  }

  /** The whole ruleset: the admin's table as well as spa's, with the opening, as nft itself lists it. */
  @Test
  void policyIsTheWholeRulesetAsNftListsIt() throws Exception {
    NftablesBackend fw = started("NFT_PROTECTED_PORTS", "tcp/22");
    fw.open(grant(CLIENT_A4, "tcp/22", null, Duration.ofSeconds(30)));
    String policy = fw.policy();
    assertTrue(policy.contains("table inet admin {") && policy.contains("ip saddr @blocked drop"), policy);
    assertTrue(policy.contains("table inet spa {") && policy.contains(CLIENT_A4), policy);
    org.junit.jupiter.api.Assertions.assertEquals(in("nft", "list", "ruleset").replaceAll("expires \\S+", ""),
        policy.replaceAll("expires \\S+", ""));
  }

  /**
   * nft monitor reports each wipe of spa's table (not a grant's element going), is started again when it
   * dies, and is gone once its handle is closed.
   */
  @Test
  void theChangeReportsSeeEachWipeAndSurviveTheMonitorsDeath() throws Exception {
    NftablesBackend fw = started("NFT_PROTECTED_PORTS", "tcp/22");
    java.util.concurrent.Semaphore reports = new java.util.concurrent.Semaphore(0);
    NftMonitor monitor = (NftMonitor) fw.watchChanges(reports::release);
    try {
      long pid = awaitMonitor(monitor, -1, reports);
      fw.open(grant(CLIENT_A4, "tcp/22", null, Duration.ofSeconds(30)));
      fw.close(grant(CLIENT_A4, "tcp/22", null, Duration.ofSeconds(30)));
      for (List<String> wipe : wipes()) {
        reports.drainPermits();
        in(wipe.toArray(String[]::new));
        assertTrue(reports.tryAcquire(5, java.util.concurrent.TimeUnit.SECONDS), "reported: " + wipe);
        fw.repair();
        assertTrue(fw.intact());
      }
      reports.drainPermits();
      new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
      assertTrue(reports.tryAcquire(5, java.util.concurrent.TimeUnit.SECONDS), "a restart reports a possible change");
      long again = awaitMonitor(monitor, pid, reports);
      in("nft", "delete", "table", "inet", "spa");
      assertTrue(reports.tryAcquire(5, java.util.concurrent.TimeUnit.SECONDS), "the new monitor reports too");
      monitor.close();
      assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of("/proc/" + again)), "no nft monitor left");
      assertEquals(-1, monitor.pid());
    } finally {
      monitor.close();
    }
  }

  /**
   * The pid of the monitor's nft once it runs, differs from {@code old} and reports: a chain added to spa's
   * table and deleted again until a report comes (nft subscribes a moment after it starts).
   */
  private long awaitMonitor(NftMonitor monitor, long old, java.util.concurrent.Semaphore reports) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < end) {
      long pid = monitor.pid();
      if (pid > 0 && pid != old) {
        in("nft", "add", "chain", "inet", "spa", "monitor_probe");
        in("nft", "delete", "chain", "inet", "spa", "monitor_probe");
        if (reports.tryAcquire(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
          reports.drainPermits();
          return pid;
        }
      } else {
        Thread.sleep(50);
      }
    }
    throw new AssertionError("nft monitor does not report");
  }

  /** intact() misses one rule of the input chain, and does not take another table's objects for spa's. */
  @Test
  void theIntegrityCheckSeesAMissingRuleAndOnlySpasTable() throws Exception {
    NftablesBackend fw = started("NFT_PROTECTED_PORTS", "tcp/22");
    fw.open(grant(CLIENT_A4, "tcp/22", null, Duration.ofSeconds(30)));
    assertTrue(fw.intact());
    String chain = nft("-a", "list", "chain", "inet", "spa", "input");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("@protected drop # handle (\\d+)").matcher(chain);
    assertTrue(m.find(), chain);
    nft("delete", "rule", "inet", "spa", "input", "handle", m.group(1));
    assertFalse(fw.intact());
    fw.repair();
    assertTrue(fw.intact());
    nft("delete", "table", "inet", "spa");
    load("table inet spa_copy {\n set access4 { type ipv4_addr . inet_proto . inet_service; flags timeout; }\n"
        + " chain input { ip saddr . meta l4proto . th dport @access4 accept; }\n}\n");
    assertFalse(fw.intact());
    fw.repair();
    assertTrue(fw.intact());
  }

  @Test
  void theKernelClosesAnOpeningAtItsTimeout() throws Exception {
    NftablesBackend fw = started("NFT_PROTECTED_PORTS", "tcp/22");
    Grant g = grant(CLIENT_A4, "tcp/22", null, Duration.ofSeconds(3));
    fw.open(g);
    String set = nft("list", "set", "inet", "spa", "access4");
    assertTrue(set.contains("198.18.0.2 . tcp . 22 timeout 3s"), set);
    assertTrue(set.contains("comment \"spa:tcp/22 stanza-1\""), set);
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 22));
    assertEquals("stanza-1", fw.list().get(0).stanza());

    Thread.sleep(Duration.between(Instant.now(), g.expires()).toMillis() + 600);
    assertEquals(List.of(), fw.list());
    assertFiltered(net.connect(CLIENT_A4, SERVER4, 22));
  }
  @Test
  void aBatchOfGrantsIsOneTransactionAndReplacesAReknockedElement() throws Exception {
    NftablesBackend fw = started("NFT_PROTECTED_PORTS", "tcp/22");
    fw.open(grant(CLIENT_A4, "tcp/22", null, Duration.ofSeconds(5)));
    List<Grant> batch = new java.util.ArrayList<>(List.of(grant(CLIENT_A4, "tcp/22", null, Duration.ofSeconds(90)),
        grant(CLIENT_A6, "tcp/22", null, Duration.ofSeconds(90))));
    for (int i = 10; i < 60; i++) {
      batch.add(grant("198.18.7." + i, "tcp/22", null, Duration.ofSeconds(90)));
    }
    fw.openAll(batch);
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 22));
    assertReached("ssh-server", net.connect(CLIENT_A6, SERVER6, 22));
    assertFiltered(net.connect(CLIENT_B4, SERVER4, 22));
    String set = nft("list", "set", "inet", "spa", "access4");
    assertTrue(set.matches("(?s).*198\\.18\\.0\\.2 \\. tcp \\. 22 timeout 1m30s.*"), set);
    assertEquals(52, fw.list().size());

    // a batch of new grants only (created), then the same again with a shorter life: replaced exactly
    List<Grant> fresh = new java.util.ArrayList<>();
    for (int i = 60; i < 70; i++) {
      fresh.add(grant("198.18.7." + i, "tcp/22", null, Duration.ofSeconds(80)));
    }
    fw.openAll(fresh);
    set = nft("list", "set", "inet", "spa", "access4");
    assertTrue(set.matches("(?s).*198\\.18\\.7\\.65 \\. tcp \\. 22 timeout 1m20s.*"), set);
    fw.openAll(fresh.stream().map(g -> g.withExpiry(Instant.now().plusSeconds(40))).toList());
    set = nft("list", "set", "inet", "spa", "access4");
    assertTrue(set.matches("(?s).*198\\.18\\.7\\.65 \\. tcp \\. 22 timeout 40s.*"), set);
    assertEquals(1, count(set, "198.18.7.65 . tcp . 22 "), set);
    assertEquals(62, fw.list().size());
  }

  @Test
  void reKnockReplacesTheElementsTimeoutAndRestartKeepsGrants() throws Exception {
    NftablesBackend fw = started("NFT_PROTECTED_PORTS", "tcp/22,udp/53");
    Grant g = grant(CLIENT_A4, "tcp/22,udp/53", null, Duration.ofSeconds(5));
    fw.open(g);
    fw.open(g.withExpiry(Instant.now().plusSeconds(100)));
    String set = nft("list", "set", "inet", "spa", "access4");
    assertEquals(1, count(set, "198.18.0.2 . tcp . 22 "), set);
    assertTrue(set.contains("198.18.0.2 . tcp . 22 timeout 1m40s"), set);
    assertTrue(set.contains("198.18.0.2 . udp . 53 timeout 1m40s"), set);
    fw.open(g.withExpiry(Instant.now().plusSeconds(50)));
    set = nft("list", "set", "inet", "spa", "access4");
    assertTrue(set.contains("198.18.0.2 . tcp . 22 timeout 50s"), set);

    // a restarted spad sets its table up again and keeps what the kernel holds
    NftablesBackend again = started("NFT_PROTECTED_PORTS", "tcp/22,udp/53");
    List<Grant> listed = again.list();
    assertEquals(1, listed.size(), listed.toString());
    assertEquals(List.of(new ProtoPort("tcp", 22), new ProtoPort("udp", 53)), listed.get(0).access());
    assertTrue(listed.get(0).expires().isAfter(Instant.now().plusSeconds(45)));
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 22));
  }
  @Test
  void reconfigureProtectsANewPortAtOnceAndKeepsTheGrants() throws Exception {
    NftablesBackend fw = started("OPEN_PORTS", "tcp/22");
    assertReached("http-server", net.connect(CLIENT_B4, SERVER4, 80));
    fw.open(grant(CLIENT_A4, "tcp/22", null, Duration.ofSeconds(60)));
    Map<String, String> more = new java.util.HashMap<>(channelSettings());
    more.put("OPEN_PORTS", "tcp/22,tcp/80");
    fw.reconfigure(Settings.of(more, "test.conf"));
    assertFiltered(net.connect(CLIENT_B4, SERVER4, 80));
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 22));
    assertEquals(1, fw.list().size());
    assertThrows(FirewallException.class,
        () -> fw.reconfigure(Settings.of(Map.of("OPEN_PORTS", "tcp/22", "NFT_TABLE", "other"), "test.conf")));
    assertFiltered(net.connect(CLIENT_B4, SERVER4, 80));
  }

  @Test
  void aReKnockThatMovesAnEntranceToAnotherTargetReplacesTheMapElement() throws Exception {
    NftablesBackend fw = started("NFT_PROTECTED_PORTS", "tcp/22", "ENABLE_IPT_FORWARDING", "Y");
    Nat plain = new Nat(Nat.Kind.FORWARD, InetAddress.getByName(INNER4), 22, Nat.Snat.NONE, null, true);
    fw.open(grant(CLIENT_B4, "tcp/55001", plain, Duration.ofSeconds(60)));
    assertReached("ssh-inner", net.connect(CLIENT_B4, SERVER4, 55001));
    Nat moved = new Nat(Nat.Kind.FORWARD, InetAddress.getByName(INNER4), 2222, Nat.Snat.NONE, null, true);
    fw.open(grant(CLIENT_B4, "tcp/55001", moved, Duration.ofSeconds(60)));
    String dnat = nft("list", "map", "inet", "spa", "dnat4");
    assertEquals(1, count(dnat, "198.18.0.3 . tcp . 55001 "), dnat);
    assertTrue(dnat.contains(": 198.18.1.2 . 2222"), dnat);
    assertReached("alt-inner", net.connect(CLIENT_B4, SERVER4, 55001));
    // closing the old grant removes what is there under its keys
    fw.close(grant(CLIENT_B4, "tcp/55001", plain, Duration.ofSeconds(60)));
    assertFalse(nft("list", "map", "inet", "spa", "dnat4").contains("198.18.0.3"));
  }
  @Test
  void aGhostServiceIsALocalNatMapElementAndOpensTheTranslatedPortOnlyThroughIt() throws Exception {
    NftablesBackend fw = started("NFT_PROTECTED_PORTS", "tcp/22", "ENABLE_IPT_LOCAL_NAT", "Y");
    Nat ghost = new Nat(Nat.Kind.LOCAL, null, 22, Nat.Snat.NONE, null, true);
    fw.open(grant(CLIENT_A4, "tcp/80", ghost, Duration.ofSeconds(60)));
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 80));
    assertFiltered(net.connect(CLIENT_A4, SERVER4, 22));
    String map = nft("list", "map", "inet", "spa", "lnat4");
    assertTrue(map.contains("198.18.0.2 . tcp . 80 timeout 1m"), map);
    assertTrue(map.contains(": 22"), map);
  }
  @Test
  void ipv6ElementsAndForwarding() throws Exception {
    NftablesBackend fw = started("NFT_PROTECTED_PORTS", "tcp/22", "ENABLE_IPT_FORWARDING", "Y");
    fw.open(grant(CLIENT_A6, "tcp/22", null, Duration.ofSeconds(60)));
    assertTrue(nft("list", "set", "inet", "spa", "access6").contains("fd00::2 . tcp . 22 timeout"));
    Nat nat = new Nat(Nat.Kind.FORWARD, InetAddress.getByName(INNER6), 22, Nat.Snat.NONE, null, true);
    fw.open(grant(CLIENT_B6, "tcp/2222", nat, Duration.ofSeconds(60)));
    Probe p = net.connect(CLIENT_B6, SERVER6, 2222);
    assertReached("ssh-inner", p);
    assertTrue(p.peerIs(CLIENT_B6), p.toString());
    assertEquals(2, fw.list().size());
  }
  @Test
  void embeddedModeFillsChainsTheAdminJumpsTo() throws Exception {
    load(Docs.ruleset("embedded-admin"));
    String adminChain = nft("list", "chain", "inet", "filter", "input");
    NftablesBackend fw = started("NFT_MODE", "embedded", "NFT_TABLE", "filter", "NFT_PROTECTED_PORTS", "tcp/22");
    assertFiltered(net.connect(CLIENT_A4, SERVER4, 22));
    assertReached("http-server", net.connect(CLIENT_B4, SERVER4, 80));
    fw.open(grant(CLIENT_A4, "tcp/22", null, Duration.ofSeconds(60)));
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 22));
    assertEquals(1, fw.list().size());

    fw.flush();
    assertEquals(adminChain, nft("list", "chain", "inet", "filter", "input"));
    assertEquals(List.of(), fw.list());
    String spaChain = nft("list", "chain", "inet", "filter", "spa_input");
    assertFalse(spaChain.contains("drop") || spaChain.contains("accept"), spaChain);
    assertFiltered(net.connect(CLIENT_A4, SERVER4, 22));
  }

  @Test
  void setsModeOnlyFillsSetsTheAdminsRulesUse() throws Exception {
    load(Docs.ruleset("sets-admin"));
    String rules = nft("list", "table", "inet", "filter").replaceAll("(?s)\\s*(set|map) [^}]*}", "");
    NftablesBackend fw = started("NFT_MODE", "sets", "NFT_TABLE", "filter", "ENABLE_IPT_FORWARDING", "Y");
    assertEquals(rules, nft("list", "table", "inet", "filter").replaceAll("(?s)\\s*(set|map) [^}]*}", ""));
    assertTrue(nft("list", "table", "inet", "filter").contains("map spa_snat4"));
    fw.open(grant(CLIENT_A4, "tcp/22", null, Duration.ofSeconds(60)));
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 22));
    assertFiltered(net.connect(CLIENT_B4, SERVER4, 22));
    Nat masq = new Nat(Nat.Kind.FORWARD, InetAddress.getByName(INNER4), 22, Nat.Snat.MASQUERADE, null, true);
    fw.open(grant(CLIENT_B4, "tcp/55000", masq, Duration.ofSeconds(60)));
    Probe p = net.connect(CLIENT_B4, SERVER4, 55000);
    assertReached("ssh-inner", p);
    assertTrue(p.peerIs(SERVER_INNER4), p.toString());
    fw.flush();
    assertEquals(List.of(), fw.list());
    assertTrue(nft("list", "table", "inet", "filter").contains("set spa_access4"));
    assertFiltered(net.connect(CLIENT_A4, SERVER4, 22));
  }

  @Test
  void ownModeCreatesExactlyTheDocumentedTables() throws Exception {
    started("NFT_PROTECTED_PORTS", "tcp/22");
    assertEquals(Docs.ruleset("own-default"), Docs.asDocumented(nft("list", "table", "inet", "spa")));
    nft("flush", "ruleset");
    started("NFT_PROTECTED_PORTS", "tcp/22", "ENABLE_IPT_FORWARDING", "Y", "ENABLE_IPT_LOCAL_NAT", "Y",
        "NFT_FORWARD_DROP", "Y");
    assertEquals(Docs.ruleset("own-nat"), Docs.asDocumented(nft("list", "table", "inet", "spa")));
    // starting again with forwarding off removes the NAT and forward chains
    started("NFT_PROTECTED_PORTS", "tcp/22");
    String t = nft("list", "table", "inet", "spa");
    assertFalse(t.contains("chain forward") || t.contains("chain prerouting") || t.contains("chain postrouting"), t);
  }

  @Test
  void problemsAreReportedInOneLine() throws Exception {
    FirewallException missing = assertThrows(FirewallException.class,
        () -> started("NFT_MODE", "embedded", "NFT_TABLE", "nosuch"));
    assertTrue(missing.getMessage().contains("needs the existing table inet nosuch"), missing.getMessage());
    // nft's own error text, in one line, whichever way it came
    assertTrue(missing.getMessage().contains("Error: No such file or directory"), missing.getMessage());
    assertFalse(missing.getMessage().contains("\n"), missing.getMessage());
    NftablesBackend fw = started("NFT_PROTECTED_PORTS", "tcp/22");
    Nat nat = new Nat(Nat.Kind.FORWARD, InetAddress.getByName(INNER4), 22, Nat.Snat.NONE, null, true);
    FirewallException off = assertThrows(FirewallException.class,
        () -> fw.open(grant(CLIENT_A4, "tcp/55000", nat, Duration.ofSeconds(60))));
    assertTrue(off.getMessage().contains("ENABLE_IPT_FORWARDING is off"), off.getMessage());
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
