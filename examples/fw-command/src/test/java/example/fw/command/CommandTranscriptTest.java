package example.fw.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.Nat;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.fw.testkit.RecordingRunner;
import spa.fw.testkit.RecordingRunner.Answer;
import spa.fw.testkit.SettableClock;

/** The exact commands of each operation, and one clear line for each failure of the tool. */
class CommandTranscriptTest {
  private static final Instant NOW = Instant.ofEpochSecond(1767225600);
  /** nftables driven by templates: one set per address family, an element comment holds the expiry. */
  private static final Map<String, String> NFT = Map.of(
      "FWCMD_START", "nft -f /etc/spa/fwcmd.nft",
      "FWCMD_OPEN", "nft add element inet fwcmd allow${IPV} { ${SOURCE} . ${PROTO} . ${PORT}"
          + " timeout ${TIMEOUT}s comment exp${EXPIRES} }",
      "FWCMD_CLOSE", "nft delete element inet fwcmd allow${IPV} { ${SOURCE} . ${PROTO} . ${PORT} }",
      "FWCMD_LIST", "nft list table inet fwcmd",
      "FWCMD_LIST_PATTERN", "(?<source>[0-9a-f.:]+) \\. (?<proto>tcp|udp) \\. (?<port>\\d+) .*?comment \"exp(?<expires>\\d+)\"",
      "FWCMD_KERNEL_EXPIRY", "Y");
  private static final String LISTED = """
      table inet fwcmd {
      	set allow6 {
      		type ipv6_addr . inet_proto . inet_service
      		flags timeout
      		elements = { fd00::2 . tcp . 22 timeout 1m expires 40s comment "exp1767225640" }
      	}
      }
      """;

  private final SettableClock clock = new SettableClock(NOW);

  private CommandBackend started(RecordingRunner rec, Map<String, String> settings) throws Exception {
    CommandBackend fw = new CommandBackend(rec, clock);
    fw.start(Settings.of(settings, "fwknopd.conf"));
    rec.clear();
    return fw;
  }

  private static Grant grant(String source, String access, long expires) throws Exception {
    return new Grant(InetAddress.getByName(source), null, ProtoPort.parseList(access, 1), null,
        Instant.ofEpochSecond(expires), "s1");
  }

  @Test
  void startRunsTheStartCommandThenLists() throws Exception {
    RecordingRunner rec = RecordingRunner.answeringOk();
    CommandBackend fw = new CommandBackend(rec, clock);
    fw.start(Settings.of(NFT, "fwknopd.conf"));
    assertEquals("nft -f /etc/spa/fwcmd.nft\nnft list table inet fwcmd\n", rec.transcript());
    assertTrue(fw.kernelExpiry());
  }

  @Test
  void aReKnockClosesTheHeldEntryThenOpensEachPortWithTheNewExpiry() throws Exception {
    RecordingRunner rec = RecordingRunner.answeringOk()
        .on("nft", "list").once(Answer.out("")) // start
        .on("nft", "list").once(Answer.out(LISTED));
    CommandBackend fw = started(rec, NFT);
    fw.open(grant("fd00::2", "tcp/22,udp/53", 1767225660));
    assertEquals("""
        nft list table inet fwcmd
        nft delete element inet fwcmd allow6 { fd00::2 . tcp . 22 }
        nft add element inet fwcmd allow6 { fd00::2 . tcp . 22 timeout 60s comment exp1767225660 }
        nft add element inet fwcmd allow6 { fd00::2 . udp . 53 timeout 60s comment exp1767225660 }
        """, rec.transcript());
  }

  @Test
  void anIpv4GrantUsesTheFamilysSetAndTheProtocolNumber() throws Exception {
    Map<String, String> s = new HashMap<>(NFT);
    s.put("FWCMD_OPEN", "acl ${IPV} ${SOURCE} ${PROTO_NUM} ${PORT} ${EXPIRES} ${TIMEOUT}");
    RecordingRunner rec = RecordingRunner.answeringOk();
    CommandBackend fw = started(rec, s);
    clock.set(NOW.plusMillis(59_400)); // 0.6 s left: never a timeout of 0
    fw.open(grant("198.18.0.2", "udp/53", 1767225660));
    assertEquals("nft list table inet fwcmd\nacl 4 198.18.0.2 17 53 1767225660 1\n", rec.transcript());
  }

  @Test
  void listReadsTheEntriesOfOneSourceAndExpiryAsOneOpening() throws Exception {
    RecordingRunner rec = RecordingRunner.answeringOk().on("acl", "-t", "spa", "list").always(Answer.out("""
        198.18.0.2 tcp/22 1767225700
        198.18.0.2 udp/53 1767225700
        198.18.0.2 tcp/80 1767225800
        fd00::2 tcp/22 1767225700
        """));
    CommandBackend fw = started(rec, CommandContractTest.ACL_TEMPLATES);
    List<Grant> listed = fw.list();
    assertEquals(3, listed.size(), listed.toString());
    assertTrue(listed.get(0).sameOpening(grant("198.18.0.2", "udp/53,tcp/22", 1767225700)), listed.toString());
    assertEquals(Instant.ofEpochSecond(1767225800), listed.get(1).expires());
    assertEquals(InetAddress.getByName("fd00::2"), listed.get(2).source());
  }

  @Test
  void withoutFwcmdFlushEachListedEntryIsClosed() throws Exception {
    RecordingRunner rec = RecordingRunner.answeringOk().on("acl", "-t", "spa", "list").always(Answer.out(
        "198.18.0.2 tcp/22 1767225700\nfd00::2 udp/53 1767225700\n"));
    CommandBackend fw = started(rec, CommandContractTest.ACL_TEMPLATES);
    fw.flush();
    assertEquals("""
        acl -t spa list
        acl -t spa del 198.18.0.2 tcp/22
        acl -t spa del fd00::2 udp/53
        """, rec.transcript());
  }

  @Test
  void fwcmdFlushRemovesEverythingInOneCommand() throws Exception {
    Map<String, String> s = new HashMap<>(CommandContractTest.ACL_TEMPLATES);
    s.put("FWCMD_FLUSH", "acl -t spa flush");
    RecordingRunner rec = RecordingRunner.answeringOk();
    started(rec, s).flush();
    assertEquals("acl -t spa flush\n", rec.transcript());
  }

  @Test
  void natIsRefusedBeforeAnyCommand() throws Exception {
    RecordingRunner rec = RecordingRunner.answeringOk();
    CommandBackend fw = started(rec, CommandContractTest.ACL_TEMPLATES);
    Grant g = new Grant(InetAddress.getByName("198.18.0.2"), null, List.of(new ProtoPort("tcp", 55000)),
        new Nat(Nat.Kind.FORWARD, InetAddress.getByName("198.18.2.2"), 22, Nat.Snat.NONE, null, true),
        NOW.plusSeconds(60), "s1");
    FirewallException e = assertThrows(FirewallException.class, () -> fw.open(g));
    assertEquals("the command firewall opens access only: FORWARD is not supported", e.getMessage());
    assertEquals("", rec.transcript());
  }

  @Test
  void aFailingCommandIsOneLineNamingTheSettingTheCommandAndWhatItPrinted() throws Exception {
    RecordingRunner rec = RecordingRunner.answeringOk()
        .on("acl", "-t", "spa", "add").always(Answer.exit(3, "acl: table spa is read-only\nmore detail"));
    CommandBackend fw = started(rec, CommandContractTest.ACL_TEMPLATES);
    FirewallException e = assertThrows(FirewallException.class, () -> fw.open(grant("198.18.0.2", "tcp/22", 1)));
    assertEquals("FWCMD_OPEN: `acl -t spa add 198.18.0.2 tcp/22 1` exited 3: acl: table spa is read-only ...",
        e.getMessage());
    RecordingRunner held = RecordingRunner.answeringOk().on("acl", "-t", "spa", "list").always(Answer.out(
        "198.18.0.2 tcp/22 1\n")).on("acl", "-t", "spa", "del").always(Answer.timedOut());
    CommandBackend fw2 = started(held, CommandContractTest.ACL_TEMPLATES);
    e = assertThrows(FirewallException.class, () -> fw2.close(grant("198.18.0.2", "tcp/22", 1)));
    assertEquals("FWCMD_CLOSE: `acl -t spa del 198.18.0.2 tcp/22` killed after 10000 ms", e.getMessage());
  }

  @Test
  void anEntryThatIsNotOneIsAnErrorNotASilentOmission() throws Exception {
    for (String garbage : List.of("999.1.1.1 tcp/22 1767225700\n", "198.18.0.2 tcp/70000 1767225700\n")) {
      RecordingRunner rec = RecordingRunner.answeringOk().on("acl").always(Answer.out(garbage));
      CommandBackend fw = new CommandBackend(rec, clock);
      fw.configure(Settings.of(CommandContractTest.ACL_TEMPLATES, "fwknopd.conf"));
      FirewallException e = assertThrows(FirewallException.class, fw::list, garbage);
      assertTrue(e.getMessage().startsWith("FWCMD_LIST printed an entry") && !e.getMessage().contains("\n"),
          e.getMessage());
    }
  }

  @Test
  void theCheckCommandSaysWhetherTheFirewallIsIntactAndRepairRunsStartAgain() throws Exception {
    Map<String, String> s = new HashMap<>(NFT);
    s.put("FWCMD_CHECK", "nft list chain inet fwcmd input");
    RecordingRunner rec = RecordingRunner.answeringOk()
        .on("nft", "list", "chain").once(Answer.out("table inet fwcmd {}"))
        .on("nft", "list", "chain").once(Answer.exit(1, "Error: No such file or directory"))
        .on("nft", "list", "chain").once(Answer.notStarted("no nft"));
    CommandBackend fw = started(rec, s);
    assertTrue(fw.intact());
    assertFalse(fw.intact());
    assertThrows(FirewallException.class, fw::intact);
    fw.repair();
    assertEquals("""
        nft list chain inet fwcmd input
        nft list chain inet fwcmd input
        nft list chain inet fwcmd input
        nft -f /etc/spa/fwcmd.nft
        """, rec.transcript());
  }

  @Test
  void anUnconfiguredBackendSaysSo() {
    CommandBackend fw = new CommandBackend(RecordingRunner.answeringOk(), clock);
    assertFalse(fw.kernelExpiry());
    assertEquals("command", fw.name());
    FirewallException e = assertThrows(FirewallException.class, fw::list);
    assertEquals("the command backend used before start() or configure()", e.getMessage());
  }
}
