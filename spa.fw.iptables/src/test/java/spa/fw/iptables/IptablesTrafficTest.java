package spa.fw.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.fw.testkit.NetnsTopology.CLIENT_A4;
import static spa.fw.testkit.NetnsTopology.CLIENT_A6;
import static spa.fw.testkit.NetnsTopology.CLIENT_B4;
import static spa.fw.testkit.NetnsTopology.SERVER4;
import static spa.fw.testkit.NetnsTopology.SERVER6;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.cmd.exec.CommandRunner;
import spa.fw.testkit.FirewallContract;
import spa.core.Grant;
import spa.core.Nat;
import spa.core.ProtoPort;
import spa.core.spi.FirewallBackend;

/**
 * The iptables backend against the real iptables and ip6tables, with real TCP traffic between namespaces: the
 * scenarios every backend passes (inherited), and what only iptables does (fwknop's exact rules and chains,
 * fwknopd's own tools, iptables-legacy).
 */
class IptablesTrafficTest extends FirewallContract {
  private final List<String> commands = new ArrayList<>();

  IptablesTrafficTest() {
    super("spaipt");
  }

  /** A backend whose commands are also recorded in {@link #commands}. */
  @Override
  protected FirewallBackend backend(CommandRunner server) {
    return new IptablesBackend(cmd -> {
      commands.add(cmd.display());
      return server.run(cmd);
    });
  }

  @Override
  protected java.util.Set<Nat.Kind> natKinds() {
    return java.util.EnumSet.allOf(Nat.Kind.class);
  }

  @Override
  protected boolean expectsKernelExpiry() {
    return false;
  }

  @Override
  protected Map<String, String> settings(boolean forwarding) {
    return forwarding ? pairs("FIREWALL_EXE", "iptables", "ENABLE_IPT_FORWARDING", "Y", "ENABLE_IPT_SNAT", "Y")
        : pairs("FIREWALL_EXE", "iptables");
  }

  /**
   * A fwknop-style host: sshd dropped after the jump to FWKNOP_INPUT, forwarding only for established flows, and
   * an admin chain of its own.
   */
  @Override
  protected void loadAdminRuleset() {
    commands.clear();
    for (String ipt : List.of("iptables", "ip6tables")) {
      in(ipt, "-A", "INPUT", "-p", "tcp", "--dport", "22", "-j", "DROP");
      in(ipt, "-P", "FORWARD", "DROP");
      in(ipt, "-A", "FORWARD", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT");
    }
    in("iptables", "-N", "ADMIN");
    in("iptables", "-A", "ADMIN", "-s", "198.18.0.99", "-j", "DROP");
    in("iptables", "-I", "INPUT", "1", "-j", "ADMIN");
  }

  /** The last one puts the admin's drop of tcp/22 back, as an admin who rebuilds INPUT would. */
  @Override
  protected List<List<String>> wipes() {
    return List.of(List.of("iptables", "-D", "INPUT", "-j", "FWKNOP_INPUT"), List.of("ip6tables", "-F"),
        List.of("sh", "-c", "iptables -F INPUT && iptables -F FWKNOP_INPUT && iptables -X FWKNOP_INPUT"
            + " && iptables -A INPUT -p tcp --dport 22 -j DROP"));
  }

  @Override
  protected String adminRuleset() {
    return in("iptables", "-S") + in("iptables", "-t", "nat", "-S") + in("ip6tables", "-S")
        + in("ip6tables", "-t", "nat", "-S");
  }

  private IptablesBackend started(String... keyValues) throws Exception {
    return (IptablesBackend) started(pairs(keyValues));
  }

  private static Grant grant(String source, String access, Nat nat, long exp) throws Exception {
    return FirewallContract.grant(source, access, nat, Instant.ofEpochSecond(exp), "");
  }

  private List<String> adds() {
    return commands.stream().filter(c -> c.matches("^ip6?tables -[AI] FWKNOP_.*")).toList();
  }

  private static long soon() {
    return Instant.now().getEpochSecond() + 120;
  }

  @Test
  void startCreatesFwknopsChainsWithJumpsAtPositionOneForBothFamilies() throws Exception {
    started("ENABLE_IPT_FORWARDING", "Y", "ENABLE_IPT_LOCAL_NAT", "Y", "ENABLE_IPT_SNAT", "Y", "ENABLE_IPT_OUTPUT", "Y");
    started("ENABLE_IPT_FORWARDING", "Y", "ENABLE_IPT_LOCAL_NAT", "Y", "ENABLE_IPT_SNAT", "Y", "ENABLE_IPT_OUTPUT", "Y");
    for (String ipt : List.of("iptables", "ip6tables")) {
      List<String> filter = in(ipt, "-S").lines().toList();
      for (String chain : List.of("INPUT", "OUTPUT", "FORWARD")) {
        assertTrue(filter.contains("-N FWKNOP_" + chain), filter.toString());
        List<String> rules = filter.stream().filter(l -> l.startsWith("-A " + chain + " ")).toList();
        assertEquals("-A " + chain + " -j FWKNOP_" + chain, rules.get(0), ipt + " " + rules);
        assertEquals(1, rules.stream().filter(l -> l.endsWith("-j FWKNOP_" + chain)).count());
      }
      List<String> nat = in(ipt, "-t", "nat", "-S").lines().toList();
      assertTrue(nat.contains("-A PREROUTING -j FWKNOP_PREROUTING"), nat.toString());
      assertTrue(nat.contains("-A POSTROUTING -j FWKNOP_POSTROUTING"), nat.toString());
      assertTrue(nat.contains("-A POSTROUTING -j FWKNOP_MASQUERADE"), nat.toString());
    }
  }

  @Test
  void rulesAreWrittenExactlyAsFwknopWritesThem() throws Exception {
    IptablesBackend fw = started("ENABLE_IPT_FORWARDING", "Y", "ENABLE_IPT_LOCAL_NAT", "Y", "ENABLE_IPT_SNAT", "Y",
        "ENABLE_IPT_OUTPUT", "Y");
    long t = 1795249960L;
    commands.clear();
    fw.open(grant("10.0.0.5", "tcp/22,udp/53", null, t));
    fw.open(grant("10.0.0.5", "tcp/55000",
        new Nat(Nat.Kind.FORWARD, InetAddress.getByName("192.168.1.2"), 22, Nat.Snat.MASQUERADE, null, true), t));
    fw.open(grant("10.0.0.6", "tcp/55001",
        new Nat(Nat.Kind.LOCAL, InetAddress.getByName("127.0.0.1"), 22, Nat.Snat.MASQUERADE, null, true), t));
    fw.open(grant("10.0.0.7", "tcp/22", new Nat(Nat.Kind.FORWARD, InetAddress.getByName("192.168.1.123"), 2222,
        Nat.Snat.SNAT, InetAddress.getByName("33.3.3.3"), true), t));
    fw.open(grant("10.0.0.8", "tcp/22", new Nat(Nat.Kind.FORWARD_ALL, null, 0, Nat.Snat.MASQUERADE, null, false), t));
    String e = " -m comment --comment _exp_1795249960 ";
    assertEquals(List.of(
        "iptables -A FWKNOP_INPUT -t filter -p 6 -s 10.0.0.5 -d 0.0.0.0/0 --dport 22" + e + "-j ACCEPT",
        "iptables -A FWKNOP_OUTPUT -t filter -p 6 -d 10.0.0.5 -s 0.0.0.0/0 --sport 22" + e + "-j ACCEPT",
        "iptables -A FWKNOP_INPUT -t filter -p 17 -s 10.0.0.5 -d 0.0.0.0/0 --dport 53" + e + "-j ACCEPT",
        "iptables -A FWKNOP_OUTPUT -t filter -p 17 -d 10.0.0.5 -s 0.0.0.0/0 --sport 53" + e + "-j ACCEPT",
        "iptables -A FWKNOP_FORWARD -t filter -p 6 -s 10.0.0.5 --dport 22" + e + "-j ACCEPT",
        "iptables -A FWKNOP_PREROUTING -t nat -p 6 -s 10.0.0.5 -d 0.0.0.0/0 --dport 55000" + e
            + "-j DNAT --to-destination 192.168.1.2:22",
        "iptables -A FWKNOP_MASQUERADE -t nat -p 6 -d 192.168.1.2 --dport 22" + e + "-j MASQUERADE --to-ports 55000",
        "iptables -A FWKNOP_INPUT -t filter -p 6 -s 10.0.0.6 -d 0.0.0.0/0 --dport 22" + e + "-j ACCEPT",
        "iptables -A FWKNOP_PREROUTING -t nat -p 6 -s 10.0.0.6 -d 0.0.0.0/0 --dport 55001" + e
            + "-j DNAT --to-destination 127.0.0.1:22",
        "iptables -A FWKNOP_MASQUERADE -t nat -p 6 -d 127.0.0.1 --dport 22" + e + "-j MASQUERADE --to-ports 55001",
        "iptables -A FWKNOP_FORWARD -t filter -p 6 -s 10.0.0.7 --dport 2222" + e + "-j ACCEPT",
        "iptables -A FWKNOP_PREROUTING -t nat -p 6 -s 10.0.0.7 -d 0.0.0.0/0 --dport 22" + e
            + "-j DNAT --to-destination 192.168.1.123:2222",
        "iptables -A FWKNOP_POSTROUTING -t nat -p 6 -d 192.168.1.123 --dport 2222" + e + "-j SNAT --to-source 33.3.3.3",
        "iptables -A FWKNOP_FORWARD -t filter -s 10.0.0.8" + e + "-j ACCEPT",
        "iptables -A FWKNOP_MASQUERADE -t nat -s 10.0.0.8" + e + "-j MASQUERADE"), adds());

    // and they read back as the grants they came from
    List<Grant> listed = fw.list();
    assertEquals(5, listed.size(), listed.toString());
    assertTrue(listed.contains(grant("10.0.0.5", "tcp/22,udp/53", null, t)), listed.toString());
    Grant local = listed.stream().filter(g -> g.source().getHostAddress().equals("10.0.0.6")).findFirst().orElseThrow();
    assertEquals(new Nat(Nat.Kind.LOCAL, InetAddress.getByName("127.0.0.1"), 22, Nat.Snat.MASQUERADE, null, true),
        local.nat());
    assertEquals(List.of(new ProtoPort("tcp", 55001)), local.access());
    Grant fwd = listed.stream().filter(g -> g.source().getHostAddress().equals("10.0.0.7")).findFirst().orElseThrow();
    assertEquals(new Nat(Nat.Kind.FORWARD, InetAddress.getByName("192.168.1.123"), 2222, Nat.Snat.SNAT,
        InetAddress.getByName("33.3.3.3"), true), fwd.nat());
    assertEquals(Instant.ofEpochSecond(t), fwd.expires());
  }

  @Test
  void policyIsEveryRuleOfTheTablesSpaUsesForBothFamilies() throws Exception {
    IptablesBackend fw = started("ENABLE_IPT_FORWARDING", "Y", "ENABLE_IPT_SNAT", "Y");
    fw.open(grant(CLIENT_A4, "tcp/22", null, soon()));
    List<String> lines = fw.policy().lines().toList();
    for (String heading : List.of("# iptables -t filter -S", "# iptables -t nat -S", "# ip6tables -t filter -S",
        "# ip6tables -t nat -S")) {
      assertTrue(lines.contains(heading), heading + " in " + lines);
    }
    // the admin's rules as well as spa's chains and the opening
    assertTrue(lines.contains("-A ADMIN -s 198.18.0.99/32 -j DROP"), lines.toString());
    assertTrue(lines.contains("-A INPUT -p tcp -m tcp --dport 22 -j DROP"), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("-A FWKNOP_INPUT -s " + CLIENT_A4 + "/32 -p tcp")),
        lines.toString());
    assertTrue(lines.contains("-A PREROUTING -j FWKNOP_PREROUTING"), lines.toString());
  }

  @Test
  void closeRemovesTheExactRules() throws Exception {
    IptablesBackend fw = started();
    Grant g = grant(CLIENT_A4, "tcp/22", null, soon());
    fw.open(g);
    assertEquals(List.of(g), fw.list());
    fw.close(g);
    assertEquals(List.of("-N FWKNOP_INPUT"), in("iptables", "-S", "FWKNOP_INPUT").lines().toList());
  }
  @Test
  void aBatchIsOneIptablesRestorePerFamilyAndReplacesReknockedRules() throws Exception {
    IptablesBackend fw = started();
    Grant a = grant(CLIENT_A4, "tcp/22", null, soon());
    fw.open(a);
    commands.clear();
    Grant a2 = a.withExpiry(a.expires().plusSeconds(60));
    List<Grant> batch = new ArrayList<>(List.of(a2, grant(CLIENT_A6, "tcp/22", null, soon()),
        grant(CLIENT_A4, "tcp/80", null, soon())));
    for (int i = 10; i < 60; i++) {
      batch.add(grant("198.18.7." + i, "tcp/22", null, soon()));
    }
    fw.openAll(batch);
    assertEquals(2, commands.stream().filter(c -> c.contains("tables-restore -w --noflush")).count(), commands.toString());
    assertTrue(commands.size() <= 8, commands.size() + " processes for 53 grants: " + commands);
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 22));
    assertReached("ssh-server", net.connect(CLIENT_A6, SERVER6, 22));
    assertFiltered(net.connect(CLIENT_B4, SERVER4, 22));
    List<String> rules = in("iptables", "-S", "FWKNOP_INPUT").lines().filter(l -> l.contains(CLIENT_A4 + "/32 -p tcp -m tcp --dport 22 ")).toList();
    assertEquals(List.of("-A FWKNOP_INPUT -s 198.18.0.2/32 -p tcp -m tcp --dport 22 -m comment --comment _exp_"
        + a2.expires().getEpochSecond() + " -j ACCEPT"), rules);
    assertEquals(53, fw.list().size());
  }

  @Test
  void reKnockReplacesTheRuleInsteadOfStacking() throws Exception {
    IptablesBackend fw = started("ENABLE_RULE_PREPEND", "Y");
    Grant g = grant(CLIENT_A4, "tcp/22", null, soon());
    fw.open(g);
    fw.open(g);
    Grant later = g.withExpiry(g.expires().plusSeconds(60));
    fw.open(later);
    List<String> rules = in("iptables", "-S", "FWKNOP_INPUT").lines().filter(l -> l.startsWith("-A")).toList();
    assertEquals(List.of("-A FWKNOP_INPUT -s 198.18.0.2/32 -p tcp -m tcp --dport 22 -m comment --comment _exp_"
        + later.expires().getEpochSecond() + " -j ACCEPT"), rules);
    assertTrue(adds().stream().allMatch(c -> c.startsWith("iptables -I FWKNOP_INPUT ")), adds().toString());
    assertEquals(2, adds().size());
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 22));
  }

  @Test
  void aGhostServiceMayNameTheServersOwnAddress() throws Exception {
    IptablesBackend fw = started("ENABLE_IPT_LOCAL_NAT", "Y");
    Nat toServer = new Nat(Nat.Kind.LOCAL, InetAddress.getByName(SERVER4), 22, Nat.Snat.NONE, null, true);
    Grant dnat = grant(CLIENT_A4, "tcp/80", toServer, soon());
    fw.open(dnat);
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 80));
    assertReached("http-server", net.connect(CLIENT_B4, SERVER4, 80));
    fw.close(dnat);
    assertReached("http-server", net.connect(CLIENT_A4, SERVER4, 80));
  }
  @Test
  void ipv6GrantsGoToIp6tables() throws Exception {
    IptablesBackend fw = started();
    fw.open(grant(CLIENT_A6, "tcp/22", null, soon()));
    assertTrue(adds().get(0).startsWith("ip6tables -A FWKNOP_INPUT -t filter -p 6 -s fd00:0:0:0:0:0:0:2 -d ::/0 --dport 22"),
        adds().toString());
    assertTrue(in("ip6tables", "-S", "FWKNOP_INPUT").contains("-A FWKNOP_INPUT -s fd00::2/128 -p tcp"));
  }
  @Test
  void fwknopdsOwnToolsSeeAndFlushSpasRules(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("fwknopd.conf");
    Path access = dir.resolve("access.conf");
    Files.writeString(conf, "FIREWALL_EXE /usr/sbin/iptables;\nFWKNOP_RUN_DIR " + dir + ";\n");
    Files.writeString(access, "SOURCE ANY\nKEY_BASE64 " + Base64.getEncoder().encodeToString(new byte[32])
        + "\nHMAC_KEY_BASE64 " + Base64.getEncoder().encodeToString(new byte[64]).replace('A', 'B') + "\n");
    for (Path p : List.of(conf, access)) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    }
    IptablesBackend fw = started();
    Grant g = grant(CLIENT_A4, "tcp/22", null, soon());
    fw.open(g);
    String listing = in("fwknopd", "--fw-list", "-c", conf.toString(), "-a", access.toString());
    assertTrue(listing.contains("Chain FWKNOP_INPUT"), listing);
    assertTrue(listing.matches("(?s).*ACCEPT +6 +-- +198\\.18\\.0\\.2 +0\\.0\\.0\\.0/0 +tcp dpt:22 /\\* _exp_"
        + g.expires().getEpochSecond() + " \\*/.*"), listing);
    in("fwknopd", "--fw-flush", "-c", conf.toString(), "-a", access.toString());
    assertEquals(List.of(), fw.list());
    assertFalse(in("iptables", "-S").contains("FWKNOP"));
  }

  @Test
  void worksWithIptablesLegacy() throws Exception {
    in("iptables-legacy", "-A", "INPUT", "-p", "tcp", "--dport", "22", "-j", "DROP");
    in("nft", "flush", "ruleset");
    try {
      IptablesBackend fw = started("FIREWALL_EXE", "iptables-legacy");
      assertFiltered(net.connect(CLIENT_A4, SERVER4, 22));
      Grant g = grant(CLIENT_A4, "tcp/22", null, soon());
      fw.open(g);
      assertTrue(in("iptables-legacy", "-S", "INPUT").contains("-A INPUT -j FWKNOP_INPUT"));
      assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 22));
      assertEquals(List.of(g), fw.list());
      fw.flush();
      assertEquals(List.of("-P INPUT ACCEPT", "-A INPUT -p tcp -m tcp --dport 22 -j DROP"),
          in("iptables-legacy", "-S", "INPUT").lines().toList());
    } finally {
      for (String t : List.of("filter", "nat")) {
        in("iptables-legacy", "-t", t, "-F");
        in("iptables-legacy", "-t", t, "-X");
        in("ip6tables-legacy", "-t", t, "-F");
        in("ip6tables-legacy", "-t", t, "-X");
      }
    }
  }
}
