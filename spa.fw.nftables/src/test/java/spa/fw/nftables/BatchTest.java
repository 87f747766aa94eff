package spa.fw.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.core.Grant;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.fw.testkit.RecordingRunner;

/** Many grants become one nft process, counted with a recording runner. */
class BatchTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void manyGrantsAreOneNftTransaction() throws Exception {
    List<Command> ran = new ArrayList<>();
    NftablesBackend b = new NftablesBackend(c -> {
      ran.add(c);
      return new CommandResult(c, CommandResult.Status.EXITED, 0, "", "", Duration.ZERO);
    }, Clock.fixed(T, ZoneOffset.UTC));
    b.configure(Settings.of(Map.of("NFT_PROTECTED_PORTS", "tcp/22"), "t"));
    List<Grant> grants = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      grants.add(new Grant(InetAddress.getByName("198.18." + (i / 250) + "." + (i % 250 + 2)), null,
          List.of(new ProtoPort("tcp", 22)), null, T.plusSeconds(30), "office"));
    }
    b.openAll(grants);
    assertEquals(1, ran.size(), "one nft process for 200 grants");
    assertEquals(List.of("-f", "-"), ran.get(0).argv().subList(1, 3));
    String script = new String(ran.get(0).input(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(200, script.lines().count(), "one create per new grant");
    assertTrue(script.lines().allMatch(l -> l.startsWith("create element inet spa access4 { ")), script);
    assertTrue(script.contains("198.18.0.201 . tcp . 22 timeout 30s"), script.lines().limit(3).toList().toString());
  }

  /** A rehearsal of a backend that runs nft makes the scripts and runs nothing; before the settings there is none. */
  @Test
  void aRehearsalRunsNoCommand() throws Exception {
    RecordingRunner ran = RecordingRunner.answeringOk();
    NftablesBackend b = new NftablesBackend(ran, Clock.fixed(T, ZoneOffset.UTC));
    assertEquals(null, b.rehearsal());
    b.configure(Settings.of(Map.of("NFT_PROTECTED_PORTS", "tcp/22"), "t"));
    NftablesBackend r = (NftablesBackend) b.rehearsal();
    Grant g = new Grant(InetAddress.getByName("198.18.0.2"), null, List.of(new ProtoPort("tcp", 22)), null,
        T.plusSeconds(30), "office");
    r.open(g);
    r.openAll(List.of(g, g.withExpiry(T.plusSeconds(40))));
    r.close(g);
    assertEquals(List.of(), ran.calls());
    assertTrue(r.rehearsed() > 100, "script bytes made: " + r.rehearsed());
  }

  /** When an element is there already (a re-knock), the batch is run again as add, delete, add per grant. */
  @Test
  void aBatchWithAPresentElementIsRunAgainReplacingEach() throws Exception {
    List<String> scripts = new ArrayList<>();
    NftablesBackend b = new NftablesBackend(c -> {
      scripts.add(new String(c.input(), java.nio.charset.StandardCharsets.UTF_8));
      boolean first = scripts.size() == 1;
      return new CommandResult(c, CommandResult.Status.EXITED, first ? 1 : 0, "",
          first ? "Error: Could not process rule: File exists" : "", Duration.ZERO);
    }, Clock.fixed(T, ZoneOffset.UTC));
    b.configure(Settings.of(Map.of("NFT_PROTECTED_PORTS", "tcp/22"), "t"));
    List<Grant> grants = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      grants.add(new Grant(InetAddress.getByName("198.18.0." + (i + 2)), null,
          List.of(new ProtoPort("tcp", 22)), null, T.plusSeconds(30), "office"));
    }
    b.openAll(grants);
    assertEquals(2, scripts.size());
    assertEquals(List.of("add element inet spa access4 { 198.18.0.2 . tcp . 22 timeout 30s comment \"spa:tcp/22 office\" }",
        "delete element inet spa access4 { 198.18.0.2 . tcp . 22 }",
        "add element inet spa access4 { 198.18.0.2 . tcp . 22 timeout 30s comment \"spa:tcp/22 office\" }"),
        scripts.get(1).lines().limit(3).toList());
    assertEquals(9, scripts.get(1).lines().count());
  }
}
