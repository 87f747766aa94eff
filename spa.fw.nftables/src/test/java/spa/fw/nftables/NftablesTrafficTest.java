package spa.fw.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.fw.testkit.NetnsTopology.CLIENT_A4;
import static spa.fw.testkit.NetnsTopology.CLIENT_A6;
import static spa.fw.testkit.NetnsTopology.CLIENT_B4;
import static spa.fw.testkit.NetnsTopology.CLIENT_B6;
import static spa.fw.testkit.NetnsTopology.INNER4;
import static spa.fw.testkit.NetnsTopology.INNER6;
import static spa.fw.testkit.NetnsTopology.SERVER4;
import static spa.fw.testkit.NetnsTopology.SERVER_INNER4;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import spa.core.Grant;
import spa.core.Nat;
import spa.core.Settings;

/** The nftables scenarios through libnftables, in-process (the default), and its fallback. */
class NftablesTrafficTest extends NftablesTrafficScenarios {
  NftablesTrafficTest() {
    super("spanft");
  }

  @Override
  protected Map<String, String> channelSettings() {
    return Map.of();
  }

  @Override
  protected String expectedChannel() {
    return "nftables in-process through libnftables.so.1";
  }

  /** Without the nft command, the library still sets the table up, opens, lists, closes and flushes. */
  @Test
  void theLibraryNeedsNoNftCommand() throws Exception {
    NftablesBackend fw = started("NFT_PROTECTED_PORTS", "tcp/22", "NFT_EXE", "/nonexistent/nft");
    Grant g = grant(CLIENT_A4, "tcp/22", null, Duration.ofSeconds(30));
    fw.open(g);
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 22));
    assertEquals(1, fw.list().size());
    assertTrue(fw.intact());
    fw.close(g);
    assertFiltered(net.connect(CLIENT_A4, SERVER4, 22));
    fw.flush();
    assertEquals(List.of(), fw.list());
  }

  /**
   * The elements read over netlink are those of nft's own JSON listing, in every set and map that holds some
   * ({@link #everyKindOfGrant}).
   */
  @Test
  void netlinkReadsEverySetAndMapAsNftListsThem() throws Exception {
    NftablesBackend fw = started("NFT_PROTECTED_PORTS", "tcp/22", "ENABLE_IPT_FORWARDING", "Y",
        "ENABLE_IPT_LOCAL_NAT", "Y");
    fw.openAll(everyKindOfGrant());
    int compared = 0;
    for (SetKind kind : SetKind.values()) {
      for (boolean v6 : List.of(false, true)) {
        String name = kind.name("", v6);
        List<Listing.Entry> byNetlink;
        try {
          byNetlink = NftNetlink.elements(net.server(), "inet", "spa", name, kind, v6);
        } catch (NftNetlink.Missing m) {
          continue;
        }
        List<Listing.Entry> byNft = Listing.entries(in("nft", "-j", "-p", "list", kind.isMap() ? "map" : "set",
            "inet", "spa", name), "");
        assertEquals(byNft.size(), byNetlink.size(), name);
        Comparator<Listing.Entry> order = Comparator.comparing(e -> e.key().toString());
        byNft = byNft.stream().sorted(order).toList();
        byNetlink = byNetlink.stream().sorted(order).toList();
        for (int i = 0; i < byNft.size(); i++) {
          Listing.Entry a = byNft.get(i);
          Listing.Entry b = byNetlink.get(i);
          assertEquals(List.of(a.kind(), a.v6(), a.key(), a.data(), a.comment()),
              List.of(b.kind(), b.v6(), b.key(), b.data(), b.comment()), name);
          assertTrue(Math.abs(a.expiresSeconds() - b.expiresSeconds()) <= 1, a + " / " + b); // read a moment apart
        }
        compared += byNft.isEmpty() ? 0 : 1;
      }
    }
    assertTrue(compared >= 10, "sets and maps with elements compared: " + compared);
    assertEquals(everyKindOfGrant().size(), fw.list().size());
    assertTrue(fw.listsOverNetlink(), "the backend fell back to libnftables' listing");
  }

  /**
   * A rehearsal goes through opening, re-opening and closing every kind of grant, making the netlink batches, and
   * the firewall is untouched: nothing listed, the port still filtered.
   */
  @Test
  void aRehearsalMakesTheBatchesAndChangesNothing() throws Exception {
    NftablesBackend fw = started("NFT_PROTECTED_PORTS", "tcp/22", "ENABLE_IPT_FORWARDING", "Y",
        "ENABLE_IPT_LOCAL_NAT", "Y");
    String before = in("nft", "list", "table", "inet", "spa");
    NftablesBackend r = (NftablesBackend) fw.rehearsal();
    List<Grant> grants = everyKindOfGrant();
    r.openAll(grants);
    r.openAll(grants);
    Grant g = grant(CLIENT_A4, "tcp/22", null, Duration.ofSeconds(30));
    r.open(g);
    long made = r.rehearsed();
    r.close(g);
    assertTrue(made > 1000 && r.rehearsed() > made, "bytes made: " + made + ", " + r.rehearsed());
    assertEquals(before, in("nft", "list", "table", "inet", "spa"));
    assertEquals(List.of(), fw.list());
    assertFiltered(net.connect(CLIENT_A4, SERVER4, 22));
    assertEquals(0, fw.rehearsed(), "the backend itself rehearses nothing");
  }

  /**
   * Elements written over netlink are those the same grants give through an nft script, in every set and map: a
   * second backend, through the nft command, writes the same grants after the first's are flushed, and nft lists
   * both alike (key, data, comment, timeout).
   */
  @Test
  void netlinkWritesEverySetAndMapAsAnNftScriptDoes() throws Exception {
    NftablesBackend fw = started("NFT_PROTECTED_PORTS", "tcp/22", "ENABLE_IPT_FORWARDING", "Y",
        "ENABLE_IPT_LOCAL_NAT", "Y");
    List<Grant> grants = everyKindOfGrant();
    fw.openAll(grants);
    assertTrue(fw.writesOverNetlink(), "the backend fell back to libnftables for element changes");
    List<Listing.Entry> byNetlink = nftListing();
    fw.flush();
    NftablesBackend script = NftablesBackend.inNamespace(net.server(), net.runnerIn(net.server()), Clock.systemUTC());
    script.start(Settings.of(pairs("NFT_PROTECTED_PORTS", "tcp/22", "ENABLE_IPT_FORWARDING", "Y",
        "ENABLE_IPT_LOCAL_NAT", "Y", "NFT_USE_LIBRARY", "N"), "test.conf"));
    script.openAll(grants);
    List<Listing.Entry> byScript = nftListing();
    assertEquals(byScript.size(), byNetlink.size());
    assertTrue(byScript.stream().map(Listing.Entry::kind).distinct().count() >= 8, byScript.toString());
    for (int i = 0; i < byScript.size(); i++) {
      Listing.Entry a = byScript.get(i);
      Listing.Entry b = byNetlink.get(i);
      assertEquals(List.of(a.kind(), a.v6(), a.key(), a.data(), a.comment()),
          List.of(b.kind(), b.v6(), b.key(), b.data(), b.comment()));
      assertTrue(Math.abs(a.expiresSeconds() - b.expiresSeconds()) <= 2, a + " / " + b); // written a moment apart
    }
  }

  /**
   * A change the kernel refuses over netlink (its table is gone) is applied through libnftables, whose error is
   * the one reported; netlink stays in use, and once the table is repaired the grant opens.
   */
  @Test
  void aRefusedNetlinkChangeReportsLibnftablesErrorAndKeepsNetlink() throws Exception {
    NftablesBackend fw = started("NFT_PROTECTED_PORTS", "tcp/22");
    in("nft", "delete", "table", "inet", "spa");
    Grant g = grant(CLIENT_A4, "tcp/22", null, Duration.ofSeconds(30));
    spa.core.FirewallException e = org.junit.jupiter.api.Assertions.assertThrows(spa.core.FirewallException.class,
        () -> fw.open(g));
    assertTrue(e.getMessage().startsWith("open 198.18.0.2 tcp/22: libnftables: Error: "), e.getMessage());
    assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
    assertTrue(fw.writesOverNetlink());
    fw.repair();
    fw.open(g);
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 22));
    assertFiltered(net.connect(CLIENT_B4, SERVER4, 22));
    assertTrue(fw.writesOverNetlink());
  }

  /** Grants that fill every set and map: plain, IPv6, several ports, forwarded with and without NAT, ghost. */
  private static List<Grant> everyKindOfGrant() throws Exception {
    InetAddress inner4 = InetAddress.getByName(INNER4);
    InetAddress inner6 = InetAddress.getByName(INNER6);
    return List.of(grant(CLIENT_A4, "tcp/22,udp/53", null, Duration.ofSeconds(60)),
        grant(CLIENT_A6, "tcp/22", null, Duration.ofSeconds(90)),
        grant(CLIENT_B4, "tcp/55001", new Nat(Nat.Kind.FORWARD, inner4, 22, Nat.Snat.NONE, null, true),
            Duration.ofSeconds(70)),
        grant(CLIENT_B4, "tcp/55002", new Nat(Nat.Kind.FORWARD, inner4, 2222, Nat.Snat.MASQUERADE, null, true),
            Duration.ofSeconds(70)),
        grant(CLIENT_A4, "tcp/55003", new Nat(Nat.Kind.FORWARD, inner4, 22, Nat.Snat.SNAT,
            InetAddress.getByName(SERVER_INNER4), true), Duration.ofSeconds(70)),
        grant(CLIENT_B6, "tcp/2222", new Nat(Nat.Kind.FORWARD, inner6, 22, Nat.Snat.NONE, null, true),
            Duration.ofSeconds(80)),
        grant(CLIENT_A4, "tcp/80", new Nat(Nat.Kind.LOCAL, null, 22, Nat.Snat.NONE, null, true),
            Duration.ofSeconds(100)),
        grant(CLIENT_B4, "tcp/22", new Nat(Nat.Kind.FORWARD_ALL, null, 0, Nat.Snat.MASQUERADE, null, false),
            Duration.ofSeconds(75)),
        grant(CLIENT_B6, "tcp/22", new Nat(Nat.Kind.FORWARD_ALL, null, 0, Nat.Snat.SNAT,
            InetAddress.getByName(INNER6), false), Duration.ofSeconds(75)));
  }

  /** Every element of spa's sets and maps as nft lists them, in one order. */
  private List<Listing.Entry> nftListing() throws Exception {
    return Listing.entries(in("nft", "-j", "-p", "list", "table", "inet", "spa"), "").stream().sorted(Comparator.comparing((Listing.Entry e) -> e.kind().name() + e.v6() + e.key()))
        .toList();
  }

  /** A library that does not load leaves the nft command, which then does the work, and says why. */
  @Test
  void aMissingLibraryFallsBackToTheNftCommand() throws Exception {
    NftablesBackend fw = NftablesBackend.inNamespace(net.server(), net.runnerIn(net.server()), Clock.systemUTC());
    Map<String, String> m = new java.util.HashMap<>(pairs("NFT_PROTECTED_PORTS", "tcp/22"));
    m.put("NFT_LIBRARY", "/nonexistent/libnftables.so.1");
    fw.start(Settings.of(m, "test.conf"));
    assertTrue(fw.channel().startsWith("nftables through the nft command /usr/sbin/nft (/nonexistent/libnftables.so.1 not loaded: "),
        fw.channel());
    Grant g = grant(CLIENT_A4, "tcp/22", null, Duration.ofSeconds(30));
    fw.open(g);
    assertReached("ssh-server", net.connect(CLIENT_A4, SERVER4, 22));
    assertEquals(1, fw.list().size());
  }}
