package spa.distribution.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static spa.distribution.e2e.Site.A4;
import static spa.distribution.e2e.Site.B4;
import static spa.distribution.e2e.Site.SERVER4;
import static spa.distribution.e2e.Site.SSH;
import static spa.distribution.e2e.Site.tcp;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import spa.cmd.exec.Command;
import spa.fw.testkit.Probe;

/**
 * The image's spad failing closed when an admin wipes the firewall under it: after {@code nft flush ruleset} or
 * {@code nft delete table inet spa} (spa's own table, which holds the drop rule) the protected port is closed
 * to non-knockers again within a second while the knocker still gets in; after {@code iptables -F} spa's
 * chains, jumps and the knocker's grant are back. Each wipe is reported as an {@code error} event with reason
 * {@code firewall-lost}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FirewallWatchIT extends OnSite {
  private static final Duration EVENT_WAIT = Duration.ofSeconds(10);
  /** How soon after a wipe spad must have set the firewall up again (the requirement: within one second). */
  private static final Duration NOTICE = Duration.ofSeconds(1);

  private final ServerFiles.StanzaKeys keys = ServerFiles.StanzaKeys.random();
  private Spad spad;

  @AfterEach
  void stopSpad() {
    if (spad != null) {
      spad.close();
      spad = null;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"nft flush ruleset", "nft delete table inet spa"})
  void nftablesOwnTableWipedIsClosedAgainWithinASecondAndTheKnockerKeepsItsGrant(String wipe, @TempDir Path dir)
      throws Exception {
    Backend backend = Backend.NFTABLES;
    knocked(backend, dir);

    Instant wiped = wipe(wipe);
    sleepUntil(wiped.plus(NOTICE));
    List<Probe> after = site.connectAll(tcp(B4, SERVER4, SSH), tcp(A4, SERVER4, SSH));
    assertTrue(after.get(0).outcome() != Probe.Outcome.REACHED,
        () -> "B, who did not knock, reached tcp/22 a second after `" + wipe + "`: " + after.get(0) + "\n"
            + backend.snapshot(site) + spad.output());
    assertTrue(after.get(1).reached("ssh") && after.get(1).peerIs(A4),
        () -> "the knocker after `" + wipe + "`: " + after.get(1) + "\n" + backend.snapshot(site) + spad.output());
    assertFirewallLost(wiped);

    assertTrue(nftMonitors() > 0, "spad watches with nft monitor");
    spad.kill();
    awaitUntil(() -> nftMonitors() == 0, Instant.now().plusSeconds(5), "nft monitor gone after spad's SIGKILL",
        backend);
  }

  @Test
  void iptablesFlushedGetsSpasChainsAndTheKnockersGrantBack(@TempDir Path dir) throws Exception {
    Backend backend = Backend.IPTABLES;
    knocked(backend, dir);

    Instant wiped = wipe("iptables -F");
    // iptables has no change reports: the once-a-second check (a few dozen iptables calls) notices
    awaitUntil(() -> backend.holds(site, A4) && site.runInServer(Command.of(
        "iptables", "-C", "INPUT", "-j", "FWKNOP_INPUT")).ok(), wiped.plus(NOTICE).plus(Duration.ofSeconds(2)),
        "spa's jump and the knocker's rule back after `iptables -F`", backend);
    assertFirewallLost(wiped);
    // the admin's drop went with the flush; once the admin puts it back, spa's jump comes first again
    site.server("iptables", "-A", "INPUT", "-p", "tcp", "--dport", "22", "-j", "DROP");
    List<Probe> after = site.connectAll(tcp(B4, SERVER4, SSH), tcp(A4, SERVER4, SSH));
    assertEquals(Probe.Outcome.FILTERED, after.get(0).outcome(), () -> after.get(0) + "\n" + backend.snapshot(site));
    assertTrue(after.get(1).reached("ssh") && after.get(1).peerIs(A4),
        () -> "the knocker after `iptables -F`: " + after.get(1) + "\n" + backend.snapshot(site) + spad.output());
  }

  /** spad guards tcp/22 with {@code backend} and A has knocked: A gets in, B does not. */
  private void knocked(Backend backend, Path dir) throws Exception {
    // what another backend's test left (spad is killed, so it cleans nothing up) goes first
    site.server("nft", "flush", "ruleset");
    backend.reset(site);
    // a timeout long enough to outlast the test: a grant lost to the wipe cannot pass for one that expired
    ServerFiles files = ServerFiles.write(dir, keys, backend.conf());
    Files.writeString(files.accessConf(), Files.readString(files.accessConf())
        .replace("FW_ACCESS_TIMEOUT " + ServerFiles.TIMEOUT + "\n", "FW_ACCESS_TIMEOUT 60\n"));
    spad = Spad.start(site, image, files, backend, "spad");
    Knocker.SPA.knock(site, image, dir, keys.access(), "-A", "tcp/22", "-a", A4, "-D", SERVER4);
    spad.await("grant for " + A4, e -> e.is("grant", A4), EVENT_WAIT);
    List<Probe> before = site.connectAll(tcp(B4, SERVER4, SSH), tcp(A4, SERVER4, SSH));
    assertEquals(Probe.Outcome.FILTERED, before.get(0).outcome(), () -> before.get(0) + "\n" + backend.snapshot(site));
    assertTrue(before.get(1).reached("ssh"), () -> before.get(1) + "\n" + backend.snapshot(site) + spad.output());
  }

  /** Runs the admin's {@code command} in the server namespace; returns when it was run. */
  private Instant wipe(String command) {
    Instant at = Instant.now();
    site.server(command.split(" "));
    return at;
  }

  /** spad's {@code error} event, reason {@code firewall-lost}, saying the knocker's grant was re-opened. */
  private void assertFirewallLost(Instant wiped) throws InterruptedException {
    Json lost = spad.await("firewall-lost", e -> "error".equals(e.event()) && "firewall-lost".equals(e.get("reason")),
        EVENT_WAIT);
    assertTrue(lost.get("detail").contains("set up again, 1 valid grants re-opened"), lost.line());
    assertTrue(!lost.ts().isBefore(wiped.minusMillis(50)), lost.line());
  }

  /** How many {@code nft monitor} processes run in the server namespace. */
  private long nftMonitors() {
    return site.server("ip", "netns", "pids", site.serverNs()).lines().filter(pid -> {
      try {
        return Files.readString(Path.of("/proc", pid.strip(), "cmdline")).replace('\0', ' ').contains("nft monitor");
      } catch (java.io.IOException e) {
        return false; // gone meanwhile
      }
    }).count();
  }

  private void awaitUntil(BooleanSupplier done, Instant deadline, String what, Backend backend)
      throws InterruptedException {
    while (!done.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        fail("not " + what + " by " + deadline + ":\n" + backend.snapshot(site) + spad.output());
      }
      Thread.sleep(50);
    }
  }

  private static void sleepUntil(Instant t) throws InterruptedException {
    long ms = Duration.between(Instant.now(), t).toMillis();
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }
}
