package spa.fw.pf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import spa.cmd.exec.Command;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.Nat;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.fw.testkit.RecordingRunner;
import spa.fw.testkit.RecordingRunner.Answer;
import spa.fw.testkit.SimulatedTool;

/**
 * The exact pfctl commands and anchor contents of every operation, IPv4 and IPv6, as golden transcripts. The
 * commands go to the simulator (in this JVM), which parses them and the loaded rules as pfctl(8) and pf.conf(5)
 * document, so each transcript is also checked for syntax; failures are injected with scripted answers.
 */
class PfTranscriptTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final long EXP = NOW.getEpochSecond() + 120;

  @TempDir
  Path dir;
  private RecordingRunner rec;
  private Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  @BeforeEach
  void simulator() {
    rec = RecordingRunner.over(SimulatedTool.inProcess(PfctlSimulator::call, dir.resolve("pf.state")));
    assertTrue(rec.run(Command.of("/sbin/pfctl", "-f", "-").withInput(PfContractTest.PF_CONF)).ok());
    rec.clear();
  }

  private PfBackend started(String... extra) throws Exception {
    PfBackend b = new PfBackend(rec, clock);
    Map<String, String> m = new java.util.HashMap<>();
    for (int i = 0; i < extra.length; i += 2) {
      m.put(extra[i], extra[i + 1]);
    }
    b.start(Settings.of(m, "fwknopd.conf"));
    return b;
  }

  private static Grant grant(String source, String access, long exp) throws Exception {
    return new Grant(InetAddress.getByName(source), null, ProtoPort.parseList(access, 1), null,
        Instant.ofEpochSecond(exp), "s1");
  }

  private String transcript() {
    String t = rec.transcript();
    rec.clear();
    return t;
  }

  /** Each operation in one family: open, re-knock, list, close, flush, as exact commands and anchor contents. */
  @ParameterizedTest
  @ValueSource(strings = {"198.18.0.2", "fd00::2"})
  void everyOperationInBothFamilies(String source) throws Exception {
    PfBackend fw = started();
    transcript();
    Grant g = grant(source, "tcp/22,udp/53", EXP);
    fw.open(g);
    fw.open(g.withExpiry(Instant.ofEpochSecond(EXP + 60)));
    List<Grant> listed = fw.list();
    fw.close(g);
    fw.open(g);
    fw.flush();
    assertEquals("""
        /sbin/pfctl -a fwknop -s rules
        /sbin/pfctl -a fwknop -f -
        < pass in quick proto tcp from %1$s to any port 22 keep state label _exp_%2$d
        < pass in quick proto udp from %1$s to any port 53 keep state label _exp_%2$d
        /sbin/pfctl -a fwknop -s rules
        /sbin/pfctl -a fwknop -f -
        < pass in quick proto tcp from %1$s to any port 22 keep state label _exp_%3$d
        < pass in quick proto udp from %1$s to any port 53 keep state label _exp_%3$d
        /sbin/pfctl -a fwknop -s rules
        /sbin/pfctl -a fwknop -s rules
        /sbin/pfctl -a fwknop -f -
        /sbin/pfctl -a fwknop -s rules
        /sbin/pfctl -a fwknop -f -
        < pass in quick proto tcp from %1$s to any port 22 keep state label _exp_%2$d
        < pass in quick proto udp from %1$s to any port 53 keep state label _exp_%2$d
        /sbin/pfctl -a fwknop -F rules
        """.formatted(source, EXP, EXP + 60), transcript());
    assertEquals(1, listed.size());
    assertTrue(listed.get(0).sameOpening(g), listed.toString());
    assertEquals(EXP + 60, listed.get(0).expires().getEpochSecond());
    assertEquals(List.of(), fw.list());
  }

  @Test
  void startChecksThatPfConfReferencesTheAnchor() throws Exception {
    started();
    assertEquals("""
        /sbin/pfctl -s rules
        /sbin/pfctl -a fwknop -s rules
        """, transcript());
    FirewallException e = assertThrows(FirewallException.class, () -> started("PF_ANCHOR_NAME", "spa"));
    assertTrue(e.getMessage().startsWith("pf.conf does not reference the anchor \"spa\" (PF_ANCHOR_NAME)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("add the line  anchor \"spa\"  to pf.conf"), e.getMessage());
  }

  @Test
  void openIpv4AndIpv6LoadsTheWholeAnchor() throws Exception {
    PfBackend fw = started();
    transcript();
    fw.open(grant("198.18.0.2", "tcp/22,udp/53", EXP));
    fw.open(grant("fd00::2", "tcp/22", EXP));
    assertEquals("""
        /sbin/pfctl -a fwknop -s rules
        /sbin/pfctl -a fwknop -f -
        < pass in quick proto tcp from 198.18.0.2 to any port 22 keep state label _exp_%1$d
        < pass in quick proto udp from 198.18.0.2 to any port 53 keep state label _exp_%1$d
        /sbin/pfctl -a fwknop -s rules
        /sbin/pfctl -a fwknop -f -
        < pass in quick proto tcp from 198.18.0.2 to any port 22 keep state label _exp_%1$d
        < pass in quick proto udp from 198.18.0.2 to any port 53 keep state label _exp_%1$d
        < pass in quick proto tcp from fd00::2 to any port 22 keep state label _exp_%1$d
        """.formatted(EXP), transcript());
    assertEquals("""
        pass in quick inet proto tcp from 198.18.0.2 to any port = 22 flags S/SA keep state label "_exp_%1$d"
        pass in quick inet proto udp from 198.18.0.2 to any port = 53 keep state label "_exp_%1$d"
        pass in quick inet6 proto tcp from fd00::2 to any port = 22 flags S/SA keep state label "_exp_%1$d"
        """.formatted(EXP), rec.run(Command.of("/sbin/pfctl", "-a", "fwknop", "-s", "rules")).stdout());
    assertEquals(2, fw.list().size());
  }

  @Test
  void aReKnockReplacesTheRuleAndCloseAtExpiryRebuildsWithoutIt() throws Exception {
    PfBackend fw = started();
    fw.open(grant("198.18.0.2", "tcp/22", EXP));
    fw.open(grant("198.18.0.3", "tcp/22", EXP - 60));
    transcript();
    fw.open(grant("198.18.0.2", "tcp/22", EXP + 60));
    assertEquals("""
        /sbin/pfctl -a fwknop -s rules
        /sbin/pfctl -a fwknop -f -
        < pass in quick proto tcp from 198.18.0.3 to any port 22 keep state label _exp_%d
        < pass in quick proto tcp from 198.18.0.2 to any port 22 keep state label _exp_%d
        """.formatted(EXP - 60, EXP + 60), transcript());
    // a second before .3 expires a restarted spad closes it (an admin's -K); .2 stays
    clock = Clock.fixed(Instant.ofEpochSecond(EXP - 61), ZoneOffset.UTC);
    PfBackend later = started("PF_KILL_STATES", "Y");
    transcript();
    later.close(grant("198.18.0.3", "tcp/22", EXP - 60));
    later.close(grant("198.18.0.3", "tcp/22", EXP - 60));
    assertEquals("""
        /sbin/pfctl -a fwknop -s rules
        /sbin/pfctl -a fwknop -f -
        < pass in quick proto tcp from 198.18.0.2 to any port 22 keep state label _exp_%d
        /sbin/pfctl -k 198.18.0.3
        /sbin/pfctl -a fwknop -s rules
        /sbin/pfctl -k 198.18.0.3
        """.formatted(EXP + 60), transcript());
  }

  @Test
  void aRestartListsWhatIsThereAndSweepsWhatExpiredMeanwhile() throws Exception {
    PfBackend fw = started();
    fw.open(grant("198.18.0.2", "tcp/22", EXP));
    fw.open(grant("fd00::3", "udp/53", EXP + 300));
    clock = Clock.fixed(Instant.ofEpochSecond(EXP + 1), ZoneOffset.UTC);
    transcript();
    PfBackend again = started();
    assertEquals("""
        /sbin/pfctl -s rules
        /sbin/pfctl -a fwknop -s rules
        /sbin/pfctl -a fwknop -f -
        < pass in quick proto udp from fd00::3 to any port 53 keep state label _exp_%d
        """.formatted(EXP + 300), transcript());
    List<Grant> listed = again.list();
    assertEquals(List.of(grant("fd00::3", "udp/53", EXP + 300).withExpiry(Instant.ofEpochSecond(EXP + 300))
        .source()), listed.stream().map(Grant::source).toList());
  }

  @Test
  void flushEmptiesOnlyTheAnchor() throws Exception {
    PfBackend fw = started();
    String main = rec.run(Command.of("/sbin/pfctl", "-s", "rules")).stdout();
    fw.open(grant("198.18.0.2", "tcp/22", EXP));
    transcript();
    fw.flush();
    assertEquals("/sbin/pfctl -a fwknop -F rules\n", transcript());
    assertEquals(List.of(), fw.list());
    assertEquals(main, rec.run(Command.of("/sbin/pfctl", "-s", "rules")).stdout());
    assertTrue(main.contains("anchor \"fwknop\" all"), main);
  }

  @Test
  void failuresAreOneLineAndRefusedGrantsRunNothing() throws Exception {
    PfBackend fw = started();
    rec.on("/sbin/pfctl", "-a", "fwknop", "-f", "-").once(Answer.exit(1, "stdin:1: syntax error\n"
        + "pfctl: Syntax error in config file: pf rules not loaded"));
    FirewallException e = assertThrows(FirewallException.class, () -> fw.open(grant("198.18.0.2", "tcp/22", EXP)));
    assertTrue(e.getMessage().contains("exited 1: stdin:1: syntax error ..."), e.getMessage());
    rec.on("/sbin/pfctl", "-a", "fwknop", "-s", "rules").once(Answer.out("No ALTQ support in kernel\n"));
    assertThrows(FirewallException.class, fw::list);
    rec.on("/sbin/pfctl", "-s", "rules").once(Answer.timedOut());
    FirewallException slow = assertThrows(FirewallException.class, fw::intact);
    assertTrue(slow.getMessage().contains("killed after"), slow.getMessage());
    rec.on("/sbin/pfctl").once(Answer.notStarted("/sbin/pfctl: not found"));
    assertThrows(FirewallException.class, fw::list);
    transcript();
    Nat nat = new Nat(Nat.Kind.FORWARD, InetAddress.getByName("198.18.1.2"), 22, Nat.Snat.NONE, null, true);
    FirewallException refused = assertThrows(FirewallException.class, () -> fw.open(new Grant(
        InetAddress.getByName("198.18.0.2"), null, List.of(new ProtoPort("tcp", 55000)), nat, NOW, "s1")));
    assertTrue(refused.getMessage().startsWith("pf opens access only"), refused.getMessage());
    assertEquals("", transcript());
  }

  @Test
  void theOnceASecondCheckSweepsEveryExpireInterval() throws Exception {
    spa.fw.testkit.SettableClock now = new spa.fw.testkit.SettableClock(NOW);
    clock = now;
    PfBackend fw = started("PF_EXPIRE_INTERVAL", "10");
    fw.open(grant("198.18.0.2", "tcp/22", NOW.getEpochSecond() + 5));
    fw.open(grant("198.18.0.3", "tcp/22", NOW.getEpochSecond() + 60));
    transcript();
    now.set(NOW.plusSeconds(6));
    assertTrue(fw.intact());
    assertEquals("/sbin/pfctl -s rules\n", transcript(), "no sweep before the interval");
    now.set(NOW.plusSeconds(10));
    assertTrue(fw.intact());
    assertEquals("""
        /sbin/pfctl -s rules
        /sbin/pfctl -a fwknop -s rules
        /sbin/pfctl -a fwknop -f -
        < pass in quick proto tcp from 198.18.0.3 to any port 22 keep state label _exp_%d
        """.formatted(NOW.getEpochSecond() + 60), transcript());
  }
}
