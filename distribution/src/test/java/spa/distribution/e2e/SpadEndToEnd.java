package spa.distribution.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static spa.distribution.e2e.ServerFiles.NAT_PORT;
import static spa.distribution.e2e.ServerFiles.TIMEOUT;
import static spa.distribution.e2e.ServerFiles.UDP_PORT;
import static spa.distribution.e2e.Site.A4;
import static spa.distribution.e2e.Site.A6;
import static spa.distribution.e2e.Site.B4;
import static spa.distribution.e2e.Site.B6;
import static spa.distribution.e2e.Site.INNER4;
import static spa.distribution.e2e.Site.SERVER4;
import static spa.distribution.e2e.Site.SERVER6;
import static spa.distribution.e2e.Site.SSH;
import static spa.distribution.e2e.Site.WEB;
import static spa.distribution.e2e.Site.tcp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import spa.cmd.exec.CommandResult;
import spa.fw.testkit.Probe;

/**
 * The image's spad guarding real services in network namespaces ({@link Site}) with one firewall backend:
 * knocks by {@code bin/spa} and by Debian's {@code fwknop} open the protected port for the knocker only and
 * until the timeout; established sessions outlive it; replayed packets and packets under other keys open nothing;
 * NAT to an inner host, the ghost service and IPv6; a re-knock extends rather than stacks; a killed or restarted
 * spad leaves no stale opening, keeps valid ones and adopts those its journal lost; {@code --fw-list} shows the
 * opening and {@code --fw-flush} leaves the admin's rules as they were. Each test starts its own spad on a
 * firewall reset to the admin's rules.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class SpadEndToEnd extends OnSite {
  private static final Duration EVENT_WAIT = Duration.ofSeconds(10);
  /** How late after its expiry an opening may still be seen (scheduling, listing, iptables' whole seconds). */
  private static final Duration CLOSE_SLACK = Duration.ofMillis(2500);

  private final Backend backend;
  private final ServerFiles.StanzaKeys keys = ServerFiles.StanzaKeys.random();
  private final List<Spad> spads = new ArrayList<>();
  private Path dir;

  SpadEndToEnd(Backend backend) {
    this.backend = backend;
  }

  @BeforeEach
  void resetFirewall(@TempDir Path dir) {
    this.dir = dir;
    backend.reset(site);
  }

  @AfterEach
  void stopSpad() {
    spads.forEach(Spad::close);
    spads.clear();
  }

  @ParameterizedTest
  @EnumSource(Knocker.class)
  void knockOpensTcp22ForTheKnockerOnlyUntilTheTimeoutAndTheSessionOutlivesIt(Knocker knocker) throws Exception {
    Spad spad = start(files());
    assertFiltered(site.connectAll(tcp(A4, SERVER4, SSH), tcp(B4, SERVER4, SSH)), "before the knock");

    knock(knocker, keys.access(), "-A", "tcp/22", "-a", A4, "-D", SERVER4);
    Json grant = spad.await("grant for " + A4, e -> e.is("grant", A4), EVENT_WAIT);
    assertEquals(A4, grant.get("allow"), grant.line());
    assertEquals("[\"tcp/22\"]", grant.get("access"), grant.line());
    assertEquals(String.valueOf(TIMEOUT), grant.get("timeout"), grant.line());
    List<Probe> open = site.connectAll(tcp(A4, SERVER4, SSH), tcp(B4, SERVER4, SSH));
    assertReached(open.get(0), "ssh", A4, spad);
    assertFiltered(List.of(open.get(1)), "for B, who did not knock");

    try (Session session = site.session(A4, SERVER4, SSH)) {
      assertEquals("ssh " + A4, session.greeting(), "the session opened during the grant");
      awaitClosedOnTime(spad, A4, grant.ts().plusSeconds(TIMEOUT));
      assertFiltered(List.of(site.connect(A4, SERVER4, SSH)), "for a new connection after the expiry");
      assertEquals("still open", session.echo("still open", 2000), "the established session after the expiry");
    }
    spad.await("expire for " + A4, e -> e.is("expire", A4), Duration.ofSeconds(3));
  }

  @ParameterizedTest
  @EnumSource(Knocker.class)
  void replayedPacketOpensNothing(Knocker knocker) throws Exception {
    Spad spad = start(files());
    Path packet = dir.resolve("packet.txt");
    knock(knocker, keys.access(), "-A", "tcp/22", "-a", A4, "-D", SERVER4, "-f", "2", "-B", packet.toString());
    Json grant = spad.await("grant for " + A4, e -> e.is("grant", A4), EVENT_WAIT);
    awaitClosed(spad, A4, grant.ts().plusSeconds(2));

    site.sendUdp(Files.readString(packet).strip(), SERVER4, UDP_PORT);
    spad.await("replay from " + A4, e -> e.is("replay", A4), EVENT_WAIT);
    assertFiltered(List.of(site.connect(A4, SERVER4, SSH)), "after the replayed packet");
    assertEquals(1, spad.all(e -> e.is("grant", A4)).size(), spad::output);
  }

  @ParameterizedTest
  @EnumSource(Knocker.class)
  void packetUnderOtherKeysOpensNothing(Knocker knocker) throws Exception {
    Spad spad = start(files());
    knock(knocker, Keys.random(), "-A", "tcp/22", "-a", A4, "-D", SERVER4);
    Json deny = spad.await("deny for " + A4, e -> e.is("deny", A4), EVENT_WAIT);
    assertEquals("auth", deny.get("reason"), deny.line());
    assertFiltered(List.of(site.connect(A4, SERVER4, SSH)), "after a packet under other keys");
    assertTrue(spad.all(e -> "grant".equals(e.event())).isEmpty(), spad::output);
    assertFalse(backend.holds(site, A4), "an opening for " + A4);
  }

  @ParameterizedTest
  @EnumSource(Knocker.class)
  void natForwardsTheKnockerToTheInnerHost(Knocker knocker) throws Exception {
    Spad spad = start(files());
    List<Probe> before = site.connectAll(tcp(A4, SERVER4, NAT_PORT), tcp(A4, INNER4, SSH));
    assertNotReached(before, "before the knock");

    knock(knocker, keys.nat(), "-A", "tcp/" + NAT_PORT, "-a", A4, "-D", SERVER4, "-N", INNER4 + ":22");
    Json grant = spad.await("grant for " + A4, e -> e.is("grant", A4), EVENT_WAIT);
    Json nat = new Json(grant.get("nat"));
    assertEquals(INNER4, nat.get("to"), grant.line());
    assertEquals("22", nat.get("port"), grant.line());
    List<Probe> after = site.connectAll(tcp(A4, SERVER4, NAT_PORT), tcp(B4, SERVER4, NAT_PORT));
    assertReached(after.get(0), "inner-ssh", A4, spad);
    assertNotReached(List.of(after.get(1)), "for B, who did not knock");
  }

  @ParameterizedTest
  @EnumSource(Knocker.class)
  void ghostServiceSendsTheKnockersWebConnectionsToSshWhileOthersKeepTheWebServer(Knocker knocker) throws Exception {
    Spad spad = start(files(backend.ghostConf()));
    List<Probe> before = site.connectAll(tcp(A4, SERVER4, WEB), tcp(B4, SERVER4, WEB), tcp(A4, SERVER4, SSH));
    assertReached(before.get(0), "web", A4, spad);
    assertReached(before.get(1), "web", B4, spad);
    assertFiltered(List.of(before.get(2)), "tcp/22 before the knock");

    knock(knocker, keys.ghost(), "-A", "tcp/22", "--nat-local", "--nat-port", "80", "-a", A4, "-D", SERVER4);
    Json grant = spad.await("grant for " + A4, e -> e.is("grant", A4), EVENT_WAIT);
    assertEquals("[\"tcp/80\"]", grant.get("access"), grant.line());
    List<Probe> after = site.connectAll(tcp(A4, SERVER4, WEB), tcp(B4, SERVER4, WEB), tcp(A4, SERVER4, SSH));
    assertReached(after.get(0), "ssh", A4, spad);
    assertReached(after.get(1), "web", B4, spad);
    if (backend == Backend.NFTABLES) {
      // only translated connections reach tcp/22 (iptables keeps fwknop's rule that opens tcp/22 itself)
      assertNotReached(List.of(after.get(2)), "tcp/22 directly, with the ghost grant");
    }
  }

  @Test
  void ipv6KnockOpensForThePacketsSourceAddress() throws Exception {
    Spad spad = start(files());
    assertFiltered(site.connectAll(tcp(A6, SERVER6, SSH), tcp(B6, SERVER6, SSH)), "before the knock");

    // allow IP 0.0.0.0: the server opens for the packet's source, here fd00::2 (fwknop itself sends IPv4 only)
    knock(Knocker.SPA, keys.access(), "-A", "tcp/22", "-s", "-D", SERVER6);
    Json grant = spad.await("grant for " + A6, e -> "grant".equals(e.event()) && sameAddress(e.get("src"), A6),
        EVENT_WAIT);
    assertTrue(backend.holds(site, A6), "no opening for " + A6 + " after " + grant.line());
    List<Probe> after = site.connectAll(tcp(A6, SERVER6, SSH), tcp(B6, SERVER6, SSH), tcp(A4, SERVER4, SSH));
    assertReached(after.get(0), "ssh", A6, spad);
    assertFiltered(after.subList(1, 3), "for B and for A's IPv4 address");
  }

  @Test
  void killedSpadsOpeningIsGoneOnTimeAndARestartedSpadGrantsAgain() throws Exception {
    ServerFiles files = files();
    Spad first = start(files);
    knock(Knocker.SPA, keys.access(), "-A", "tcp/22", "-a", A4, "-D", SERVER4);
    Json grant = first.await("grant for " + A4, e -> e.is("grant", A4), EVENT_WAIT);
    assertReached(site.connect(A4, SERVER4, SSH), "ssh", A4, first);
    first.kill();

    Instant expiry = grant.ts().plusSeconds(TIMEOUT);
    sleepUntil(expiry.plus(Duration.ofMillis(1200)));
    if (backend.kernelExpiry()) {
      assertFalse(backend.holds(site, A4), "the kernel kept the element past its timeout");
      assertFiltered(List.of(site.connect(A4, SERVER4, SSH)), "after the expiry, with spad dead");
    } else {
      assertTrue(backend.holds(site, A4), "with spad dead nothing should have removed the rule yet");
    }

    Spad second = start(files);
    assertFalse(backend.holds(site, A4), "the restarted spad kept an expired opening:\n" + second.output());
    assertFiltered(List.of(site.connect(A4, SERVER4, SSH)), "after the restart");

    knock(Knocker.SPA, keys.access(), "-A", "tcp/22", "-a", A4, "-D", SERVER4);
    second.await("grant for " + A4, e -> e.is("grant", A4), EVENT_WAIT);
    assertReached(site.connect(A4, SERVER4, SSH), "ssh", A4, second);
  }

  @Test
  void restartWithinTheTimeoutKeepsTheOpeningUntilItExpiresAndTheReplayCache() throws Exception {
    ServerFiles files = files();
    Spad first = start(files);
    Path packet = dir.resolve("packet.txt");
    knock(Knocker.SPA, keys.access(), "-A", "tcp/22", "-a", A4, "-D", SERVER4, "-f", "4", "-B", packet.toString());
    Json grant = first.await("grant for " + A4, e -> e.is("grant", A4), EVENT_WAIT);
    int status = first.stop();
    assertTrue(status == 0 || status == 143, () -> "exit status " + status + " on SIGTERM\n" + first.output());

    Spad second = start(files);
    assertReached(site.connect(A4, SERVER4, SSH), "ssh", A4, second);
    site.sendUdp(Files.readString(packet).strip(), SERVER4, UDP_PORT);
    second.await("replay from " + A4 + " (the replay cache survives a restart)", e -> e.is("replay", A4), EVENT_WAIT);

    awaitClosedOnTime(second, A4, grant.ts().plusSeconds(4));
    assertFiltered(List.of(site.connect(A4, SERVER4, SSH)), "after the expiry");
    second.await("expire for " + A4, e -> e.is("expire", A4), Duration.ofSeconds(3));
  }

  @Test
  void reKnockExtendsTheOpeningInsteadOfStackingASecondOne() throws Exception {
    Spad spad = start(files());
    knock(Knocker.SPA, keys.access(), "-A", "tcp/22", "-a", A4, "-D", SERVER4);
    Json first = spad.await("grant for " + A4, e -> e.is("grant", A4), EVENT_WAIT);
    long single = backend.openings(site, A4);
    sleepUntil(first.ts().plusMillis(1500));
    // the re-knock asks for 5 s: the opening must then last until 5 s after it
    knock(Knocker.FWKNOP, keys.access(), "-A", "tcp/22", "-a", A4, "-D", SERVER4, "-f", "5");
    spad.await("second grant for " + A4, e -> e.is("grant", A4) && !e.ts().equals(first.ts()), EVENT_WAIT);
    Json second = spad.all(e -> e.is("grant", A4)).get(1);
    assertEquals(single, backend.openings(site, A4), "openings for " + A4 + " after the re-knock\n"
        + backend.snapshot(site));

    sleepUntil(first.ts().plusSeconds(TIMEOUT).plusMillis(700).plus(backend.expiryResolution()));
    assertTrue(backend.holds(site, A4), "the opening closed at the first knock's expiry\n" + spad.output());
    assertReached(site.connect(A4, SERVER4, SSH), "ssh", A4, spad);
    awaitClosedOnTime(spad, A4, second.ts().plusSeconds(5));
    assertEquals(1, spad.all(e -> e.is("expire", A4)).size(), spad::output);
  }

  @Test
  void openingMissingFromTheJournalIsAdoptedAndClosedOnTime() throws Exception {
    ServerFiles files = files();
    Spad first = start(files);
    knock(Knocker.SPA, keys.access(), "-A", "tcp/22", "-a", A4, "-D", SERVER4, "-f", "4");
    Json grant = first.await("grant for " + A4, e -> e.is("grant", A4), EVENT_WAIT);
    first.kill();
    Path journal = files.runDir().resolve("grants.journal");
    assertTrue(Files.exists(journal), "no grant journal at " + journal);
    Files.delete(journal);

    Spad second = start(files);
    assertReached(site.connect(A4, SERVER4, SSH), "ssh", A4, second);
    awaitClosedOnTime(second, A4, grant.ts().plusSeconds(4));
    second.await("expire for " + A4, e -> e.is("expire", A4), Duration.ofSeconds(3));
  }

  @Test
  void fwListShowsTheOpeningAndFwFlushRemovesItLeavingTheAdminsRules() throws Exception {
    String admin = backend.snapshot(site);
    ServerFiles files = files();
    Spad spad = start(files);
    knock(Knocker.SPA, keys.access(), "-A", "tcp/22", "-a", A4, "-D", SERVER4);
    spad.await("grant for " + A4, e -> e.is("grant", A4), EVENT_WAIT);

    CommandResult list = Spad.tool(site, image, files, backend, "--fw-list");
    assertTrue(list.ok() && list.stdout().contains(A4), () -> "--fw-list: " + list.failure() + "\n" + list.stdout());
    CommandResult all = Spad.tool(site, image, files, backend, "--fw-list-all");
    assertTrue(all.ok() && all.stdout().contains(A4) && all.stdout().lines().count() > 3,
        () -> "--fw-list-all: " + all.failure() + "\n" + all.stdout());
    spad.kill();
    assertTrue(backend.holds(site, A4), "the opening before --fw-flush");

    CommandResult flush = Spad.tool(site, image, files, backend, "--fw-flush");
    assertTrue(flush.ok(), () -> "--fw-flush: " + flush.failure());
    assertFalse(backend.holds(site, A4), "an opening after --fw-flush");
    assertEquals(admin, backend.snapshot(site), "the firewall after --fw-flush, against the admin's rules alone");
  }

  /** A stanza a reload adds has its OPEN_PORTS protected from then on: closed to those who did not knock. */
  @Test
  void aStanzaAddedByAReloadHasItsPortClosedToNonKnockers() throws Exception {
    assumeTrue(backend == Backend.NFTABLES, "iptables leaves the protection of ports to the admin's rules");
    ServerFiles files = files();
    String all = Files.readString(files.accessConf());
    String first = all.substring(0, all.indexOf("\n\n") + 1); // the tcp/22 stanza alone: tcp/80 is public
    Files.writeString(files.accessConf(), first);
    Spad spad = start(files);
    assertReached(site.connect(B4, SERVER4, WEB), "web", B4, spad);

    Files.writeString(files.accessConf(), first + "\nSOURCE ANY\n" + keys.ghost().stanzaLines() + "OPEN_PORTS tcp/80\n"
        + "FW_ACCESS_TIMEOUT " + TIMEOUT + "\n");
    CommandResult reload = Spad.tool(site, image, files, backend, "-R");
    assertTrue(reload.ok() && reload.stdout().contains("ok: reloaded configuration: 2 access stanzas"),
        () -> "-R: " + reload.failure() + "\n" + reload.stdout() + spad.output());
    assertFiltered(List.of(site.connect(B4, SERVER4, WEB)), "to the new stanza's port after the reload");

    knock(Knocker.SPA, keys.ghost(), "-A", "tcp/80", "-a", A4, "-D", SERVER4);
    spad.await("grant for " + A4, e -> e.is("grant", A4), EVENT_WAIT);
    assertReached(site.connect(A4, SERVER4, WEB), "web", A4, spad);
    assertFiltered(List.of(site.connect(B4, SERVER4, WEB)), "from one who did not knock");
  }

  // ---------------------------------------------------------------------------------------------------------

  private ServerFiles files() throws Exception {
    return files(List.of());
  }

  private ServerFiles files(List<String> extra) throws Exception {
    List<String> globals = new ArrayList<>(backend.conf());
    globals.addAll(extra);
    return ServerFiles.write(dir, keys, globals);
  }

  private Spad start(ServerFiles files) throws Exception {
    Spad spad = Spad.start(site, image, files, backend, "spad" + spads.size());
    spads.add(spad);
    return spad;
  }

  private void knock(Knocker knocker, Keys with, String... request) throws Exception {
    knocker.knock(site, image, dir, with, request);
  }

  /**
   * Waits until the firewall no longer holds an opening for {@code source}, at the latest {@link #CLOSE_SLACK}
   * after {@code expiry}; returns when it saw it closed.
   */
  private Instant awaitClosed(Spad spad, String source, Instant expiry) throws Exception {
    Instant deadline = expiry.plus(CLOSE_SLACK);
    while (backend.holds(site, source)) {
      if (Instant.now().isAfter(deadline)) {
        fail("the opening for " + source + " was still there " + CLOSE_SLACK.toMillis() + " ms after its expiry "
            + expiry + ":\n" + backend.snapshot(site) + "\n" + spad.output());
      }
      Thread.sleep(100);
    }
    return Instant.now();
  }

  /**
   * {@link #awaitClosed}, and fails if it closed earlier than {@code expiry} allows: half a second (the grant event
   * follows the packet's arrival by some milliseconds) plus the backend's {@link Backend#expiryResolution}.
   */
  private void awaitClosedOnTime(Spad spad, String source, Instant expiry) throws Exception {
    Instant closed = awaitClosed(spad, source, expiry);
    Instant earliest = expiry.minusMillis(500).minus(backend.expiryResolution());
    assertFalse(closed.isBefore(earliest), "closed at " + closed + ", before its expiry " + expiry);
  }

  private static void sleepUntil(Instant t) throws InterruptedException {
    long ms = Duration.between(Instant.now(), t).toMillis();
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }

  private void assertReached(Probe p, String banner, String peer, Spad spad) {
    assertTrue(p.reached(banner) && p.peerIs(peer), () -> "expected " + banner + " seeing " + peer + ", got " + p
        + "\n" + backend.snapshot(site) + "\n" + spad.output());
  }

  private void assertFiltered(List<Probe> probes, String when) {
    for (Probe p : probes) {
      assertEquals(Probe.Outcome.FILTERED, p.outcome(), () -> "a connection " + when + ": " + p + "\n"
          + backend.snapshot(site));
    }
  }

  private void assertNotReached(List<Probe> probes, String when) {
    for (Probe p : probes) {
      assertTrue(p.outcome() != Probe.Outcome.REACHED, () -> "a connection " + when + " got through: " + p + "\n"
          + backend.snapshot(site));
    }
  }

  private static boolean sameAddress(String a, String b) {
    try {
      return a != null && InetAddress.getByName(a).equals(InetAddress.getByName(b));
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
