package spa.fw.ipfw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
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
import org.junit.jupiter.params.provider.CsvSource;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.Nat;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.fw.testkit.RecordingRunner;
import spa.fw.testkit.RecordingRunner.Answer;
import spa.fw.testkit.SimulatedTool;

/**
 * The exact ipfw commands of every operation, IPv4 and IPv6, as golden transcripts. The commands go to the
 * simulator (in this JVM), which parses them as ipfw(8) documents and refuses what it would refuse, so each
 * transcript is also checked for syntax; failures are injected with scripted answers.
 */
class IpfwTranscriptTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final long EXP = NOW.getEpochSecond() + 120;

  @TempDir
  Path dir;
  private Path state;
  private RecordingRunner rec;

  @BeforeEach
  void simulator() throws Exception {
    state = dir.resolve("ipfw.state");
    rec = RecordingRunner.over(SimulatedTool.inProcess(IpfwSimulator::call, state));
  }

  private IpfwBackend started(String... extra) throws Exception {
    IpfwBackend b = new IpfwBackend(rec, Clock.fixed(NOW, ZoneOffset.UTC));
    Map<String, String> m = new java.util.HashMap<>(Map.of("IPFW_EXE", "/sbin/ipfw"));
    for (int i = 0; i < extra.length; i += 2) {
      m.put(extra[i], extra[i + 1]);
    }
    b.start(Settings.of(m, "fwknopd.conf"));
    return b;
  }

  private static Grant grant(String source, String access) throws Exception {
    return new Grant(InetAddress.getByName(source), null, ProtoPort.parseList(access, 1), null,
        Instant.ofEpochSecond(EXP), "s1");
  }

  private String transcript() {
    String t = rec.transcript();
    rec.clear();
    return t;
  }

  /** Each operation in one family: open, re-knock, list, close (expiry), purge, flush, as exact commands. */
  @ParameterizedTest
  @CsvSource({"198.18.0.2, me", "fd00::2, me6"})
  void everyOperationInBothFamilies(String source, String me) throws Exception {
    IpfwBackend fw = started();
    transcript();
    Grant g = grant(source, "tcp/22,udp/53");
    fw.open(g);
    fw.open(g.withExpiry(g.expires().plusSeconds(60)));
    List<Grant> listed = fw.list();
    fw.close(g);
    fw.purge();
    fw.open(g);
    fw.flush();
    assertEquals("""
        /sbin/ipfw -S list
        /sbin/ipfw -q add 10000 set 1 pass tcp from %1$s to %2$s dst-port 22 setup keep-state // _exp_%3$d
        /sbin/ipfw -q add 10000 set 1 pass udp from %1$s to %2$s dst-port 53 keep-state // _exp_%3$d
        /sbin/ipfw -S list
        /sbin/ipfw -q add 10001 set 1 pass tcp from %1$s to %2$s dst-port 22 setup keep-state // _exp_%4$d
        /sbin/ipfw -q add 10001 set 1 pass udp from %1$s to %2$s dst-port 53 keep-state // _exp_%4$d
        /sbin/ipfw -q set move rule 10000 to 2
        /sbin/ipfw -S list
        /sbin/ipfw -S list
        /sbin/ipfw -q set move rule 10001 to 2
        /sbin/ipfw -d -S set 2 list
        /sbin/ipfw -q set 2 delete 10000 10001
        /sbin/ipfw -S list
        /sbin/ipfw -q add 10000 set 1 pass tcp from %1$s to %2$s dst-port 22 setup keep-state // _exp_%3$d
        /sbin/ipfw -q add 10000 set 1 pass udp from %1$s to %2$s dst-port 53 keep-state // _exp_%3$d
        /sbin/ipfw -S list
        /sbin/ipfw -q set 1 delete 10000
        """.formatted(source, me, EXP, EXP + 60), transcript());
    assertEquals(1, listed.size());
    assertTrue(listed.get(0).sameOpening(g), listed.toString());
    assertEquals(EXP + 60, listed.get(0).expires().getEpochSecond());
    assertEquals(List.of(), fw.list());
  }

  @Test
  void startDisablesTheExpireSetAddsCheckStateAndPurges() throws Exception {
    started("IPFW_ADD_CHECK_STATE", "Y");
    assertEquals("""
        /sbin/ipfw -S list
        /sbin/ipfw set disable 2 enable 1
        /sbin/ipfw -S list
        /sbin/ipfw -S list
        /sbin/ipfw -q add 10000 set 1 check-state
        /sbin/ipfw -d -S set 2 list
        """, transcript());
  }

  @Test
  void openIpv4AndIpv6OneRuleNumberPerGrant() throws Exception {
    IpfwBackend fw = started();
    transcript();
    fw.open(grant("198.18.0.2", "tcp/22,udp/53"));
    fw.open(grant("fd00::2", "tcp/22"));
    assertEquals("""
        /sbin/ipfw -S list
        /sbin/ipfw -q add 10000 set 1 pass tcp from 198.18.0.2 to me dst-port 22 setup keep-state // _exp_%1$d
        /sbin/ipfw -q add 10000 set 1 pass udp from 198.18.0.2 to me dst-port 53 keep-state // _exp_%1$d
        /sbin/ipfw -S list
        /sbin/ipfw -q add 10001 set 1 pass tcp from fd00::2 to me6 dst-port 22 setup keep-state // _exp_%1$d
        """.formatted(EXP), transcript());
    assertEquals(2, fw.list().size());
  }

  @Test
  void aReKnockTakesANewNumberAndRetiresTheOldOneToTheExpireSet() throws Exception {
    IpfwBackend fw = started();
    Grant g = grant("198.18.0.2", "tcp/22");
    fw.open(g);
    transcript();
    fw.open(g);
    fw.open(g.withExpiry(g.expires().plusSeconds(60)));
    assertEquals("""
        /sbin/ipfw -S list
        /sbin/ipfw -S list
        /sbin/ipfw -q add 10001 set 1 pass tcp from 198.18.0.2 to me dst-port 22 setup keep-state // _exp_%d
        /sbin/ipfw -q set move rule 10000 to 2
        """.formatted(EXP + 60), transcript());
    assertEquals(1, fw.list().size());
  }

  @Test
  void closeAtExpiryMovesTheRuleAndThePurgeWaitsForItsDynamicRules() throws Exception {
    IpfwBackend fw = started();
    Grant g = grant("198.18.0.2", "tcp/22");
    fw.open(g);
    transcript();
    fw.close(g);
    fw.close(g);
    assertEquals("""
        /sbin/ipfw -S list
        /sbin/ipfw -q set move rule 10000 to 2
        /sbin/ipfw -S list
        """, transcript());
    assertEquals(List.of(), fw.list());
    // an established session keeps a dynamic rule of 10000: the purge leaves it
    Files.writeString(state, Files.readString(state)
        + "dyn 10000 12 1400 (280s) STATE tcp 198.18.0.2 50122 <-> 198.18.0.1 22 :default\n");
    fw.purge();
    assertTrue(Files.readString(state).contains("rule 10000 2 "));
    Files.writeString(state, Files.readString(state).replaceAll("dyn .*\n", ""));
    fw.purge();
    assertEquals("""
        /sbin/ipfw -S list
        /sbin/ipfw -d -S set 2 list
        /sbin/ipfw -d -S set 2 list
        /sbin/ipfw -q set 2 delete 10000
        """, transcript().replaceFirst("^/sbin/ipfw -S list\n", "/sbin/ipfw -S list\n"));
  }

  @Test
  void theOnceASecondCheckIsIntactAndPurgesEveryInterval() throws Exception {
    spa.fw.testkit.SettableClock clock = new spa.fw.testkit.SettableClock(NOW);
    IpfwBackend fw = new IpfwBackend(rec, clock);
    fw.start(Settings.of(Map.of("IPFW_EXE", "/sbin/ipfw", "IPFW_EXPIRE_PURGE_INTERVAL", "30"), "fwknopd.conf"));
    fw.open(grant("198.18.0.2", "tcp/22"));
    fw.close(grant("198.18.0.2", "tcp/22"));
    transcript();
    clock.advance(java.time.Duration.ofSeconds(29));
    assertTrue(fw.intact());
    assertEquals("/sbin/ipfw set show\n", transcript());
    clock.advance(java.time.Duration.ofSeconds(1));
    assertTrue(fw.intact());
    assertEquals("""
        /sbin/ipfw set show
        /sbin/ipfw -d -S set 2 list
        /sbin/ipfw -q set 2 delete 10000
        """, transcript());
    // an admin who enables the expire set breaks what start set up; repair disables it again
    rec.run(spa.cmd.exec.Command.of("/sbin/ipfw", "set", "enable", "2"));
    assertFalse(fw.intact());
    fw.repair();
    assertTrue(fw.intact());
  }

  @Test
  void listAndFlushTouchOnlySpasRules() throws Exception {
    rec.run(spa.cmd.exec.Command.of("/sbin/ipfw", "-q", "add", "10500", "set", "1", "deny", "tcp", "from", "any",
        "to", "me", "dst-port", "23"));
    IpfwBackend fw = started("IPFW_ADD_CHECK_STATE", "Y");
    fw.open(grant("198.18.0.2", "tcp/22"));
    fw.open(grant("fd00::2", "udp/53"));
    fw.close(grant("fd00::2", "udp/53"));
    transcript();
    assertEquals(1, fw.list().size());
    fw.flush();
    assertEquals("""
        /sbin/ipfw -S list
        /sbin/ipfw -S list
        /sbin/ipfw -q set 1 delete 10000 10001
        /sbin/ipfw -q set 2 delete 10002
        """, transcript());
    assertTrue(Files.readString(state).contains("rule 10500 1 deny tcp from any to me dst-port 23"));
  }

  @Test
  void aRestartRelearnsTheRulesAndTheirNumbers() throws Exception {
    IpfwBackend first = started("FLUSH_IPFW_AT_INIT", "N");
    first.open(grant("198.18.0.2", "tcp/22"));
    first.close(grant("198.18.0.2", "tcp/22"));
    first.open(grant("198.18.0.3", "tcp/22"));
    transcript();
    IpfwBackend again = started("FLUSH_IPFW_AT_INIT", "N");
    assertEquals(List.of(grant("198.18.0.3", "tcp/22").withExpiry(Instant.ofEpochSecond(EXP))).size(),
        again.list().size());
    again.open(grant("fd00::3", "tcp/22"));
    String t = transcript();
    // start purged the expired 10000 (no dynamic rule left), so the new grant takes it again
    assertTrue(t.contains("-q add 10000 set 1 pass tcp from fd00::3"), t);
    // with FLUSH_IPFW_AT_INIT (the default) start deletes the active set's grants and keeps the expire set
    started();
    assertTrue(transcript().contains("/sbin/ipfw -q set 1 delete 10000 10001\n"));
  }

  @Test
  void failuresAreOneLineAndLeaveNothingHalfDone() throws Exception {
    IpfwBackend fw = started();
    rec.on("/sbin/ipfw", "-q", "add", "10000", "set", "1", "pass", "udp").once(Answer.exit(65, "ipfw: bad"));
    FirewallException e = assertThrows(FirewallException.class, () -> fw.open(grant("198.18.0.2", "tcp/22,udp/53")));
    assertTrue(e.getMessage().contains("exited 65: ipfw: bad"), e.getMessage());
    assertEquals(List.of(), fw.list(), "the tcp rule added first is deleted again");
    rec.on("/sbin/ipfw", "-S", "list").once(Answer.out("<html>oops</html>\n"));
    assertThrows(FirewallException.class, fw::list);
    rec.on("/sbin/ipfw", "-S", "list").once(Answer.timedOut());
    FirewallException slow = assertThrows(FirewallException.class, fw::list);
    assertTrue(slow.getMessage().contains("killed after"), slow.getMessage());
    transcript();
    Nat nat = new Nat(Nat.Kind.LOCAL, null, 22, Nat.Snat.NONE, null, true);
    FirewallException refused = assertThrows(FirewallException.class, () -> fw.open(new Grant(
        InetAddress.getByName("198.18.0.2"), null, List.of(new ProtoPort("tcp", 80)), nat, NOW, "s1")));
    assertTrue(refused.getMessage().startsWith("ipfw opens access only"), refused.getMessage());
    assertEquals("", transcript(), "a refused NAT grant runs nothing");
  }

  @Test
  void anExpireSetHoldingTheAdminsRulesIsRefusedAtStart() throws Exception {
    rec.run(spa.cmd.exec.Command.of("/sbin/ipfw", "-q", "add", "300", "set", "2", "deny", "ip", "from", "any",
        "to", "any"));
    FirewallException e = assertThrows(FirewallException.class, () -> started());
    assertTrue(e.getMessage().startsWith("IPFW_EXPIRE_SET_NUM 2 holds rules that are not spa's (300)"),
        e.getMessage());
  }
}
