package spa.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.cmd.exec.CommandRunner;
import spa.core.Decision;
import spa.core.Grant;
import spa.core.Packet;
import spa.core.ProtoPort;
import spa.core.SpaMessage;
import spa.server.event.EventFormat;
import spa.server.event.EventOutput;
import spa.server.grant.GrantJournal;
import spa.server.grant.GrantManager;
import spa.server.policy.Policy;
import spa.server.policy.Stanza;
import spa.server.testkit.TestKit;

/** Commands run beside the firewall work, never in its way, and one stanza's commands cannot crowd out another's. */
class CommandActuatorTest {
  private static final String KEYS = "KEY " + TestKit.KEY + "\nHMAC_KEY " + TestKit.HMAC + "\n";

  @TempDir
  Path dir;

  /** Commands starting with {@code hang} block until released; every other command succeeds at once. */
  private final class Hanging implements CommandRunner {
    final CountDownLatch release = new CountDownLatch(1);
    final List<Command> started = Collections.synchronizedList(new ArrayList<>());
    final List<Command> finished = Collections.synchronizedList(new ArrayList<>());

    @Override
    public CommandResult run(Command c) {
      started.add(c);
      if (c.argv().get(0).equals("hang")) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      finished.add(c);
      return new CommandResult(c, CommandResult.Status.EXITED, 0, "", "", Duration.ZERO);
    }

    long startedNamed(String arg) {
      return List.copyOf(started).stream().filter(c -> c.argv().contains(arg)).count();
    }
  }

  @Test
  void aHangingCommandAndAHangingCycleOpenDoNotDelayAnotherStanzasGrant() throws Exception {
    Policy p = policy("", "NAME a\nENABLE_CMD_EXEC Y\n", "NAME c\nCMD_CYCLE_OPEN hang open $IP\nCMD_CYCLE_CLOSE NONE\n",
        "NAME b\n");
    Hanging runner = new Hanging();
    GrantBatchingTest.SlowBackend fw = new GrantBatchingTest.SlowBackend();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventOutput events = new EventOutput(out, EventFormat.JSON);
    try (GrantManager grants = grants(fw);
        SerialActuator act = new SerialActuator(grants, "slow", runner, null, events, System::currentTimeMillis, 100)) {
      act.submit(command(p.stanzas().get(0), "hang cmd", "198.18.0.9"));
      act.submit(open(p.stanzas().get(1), "198.18.0.3"));
      TestKit.await(() -> runner.started.size() == 2, "both commands started");
      act.submit(open(p.stanzas().get(2), "198.18.0.4"));
      TestKit.await(() -> fw.held.stream().anyMatch(g -> g.source().getHostAddress().equals("198.18.0.4")),
          "stanza b's grant applied");
      assertEquals(List.of(), runner.finished, "the grant was applied while both commands still hung");
      runner.release.countDown();
    }
    events.close();
    List<String> order = TestKit.jsonLines(out).stream().map(c -> c.getString("event") + " " + c.getString("stanza")).toList();
    assertEquals("grant b", order.get(0), order.toString());
    assertEquals(List.of("command a", "grant b", "grant c"), order.stream().sorted().toList());
  }

  @Test
  void aStanzaFloodingCommandsIsRefusedBusyWhileAnotherStanzasCommandRuns() throws Exception {
    Policy p = policy("", "NAME a\nENABLE_CMD_EXEC Y\n", "NAME b\nENABLE_CMD_EXEC Y\n");
    Hanging runner = new Hanging();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventOutput events = new EventOutput(out, EventFormat.JSON);
    try (SerialActuator act = new SerialActuator(null, "none", runner, null, events, System::currentTimeMillis, 100)) {
      for (int i = 0; i < 2; i++) {
        act.submit(command(p.stanzas().get(0), "hang a", "198.18.0.9"));
      }
      TestKit.await(() -> runner.started.size() == 2, "stanza a's first two commands run");
      for (int i = 0; i < 10; i++) {
        act.submit(command(p.stanzas().get(0), "hang a", "198.18.0.9")); // 4 wait, then the source's share is full
      }
      for (int i = 0; i < 10; i++) {
        act.submit(command(p.stanzas().get(0), "hang a", "198.18.0.10")); // 4 wait, then the stanza's share is full
      }
      act.submit(command(p.stanzas().get(1), "echo b", "198.18.0.9"));
      TestKit.await(() -> runner.finished.stream().anyMatch(c -> c.argv().contains("b")), "stanza b's command ran");
      assertEquals(2, runner.startedNamed("a"), "stanza a holds two threads, no more");
      runner.release.countDown();
    }
    events.close();
    List<Config> ev = TestKit.jsonLines(out);
    assertEquals(12, count(ev, "error", "a"), "22 commands: 2 running, 4 + 4 waiting, the rest refused");
    assertTrue(ev.stream().filter(c -> c.getString("event").equals("error")).allMatch(c -> c.getString("reason").equals("busy")
        && c.getString("command").equals("hang a")), ev.toString());
    assertEquals(6, ev.stream().filter(c -> c.getString("event").equals("error") && c.getString("src").equals("198.18.0.10"))
        .count(), "the second source still got its share");
    assertEquals(10, count(ev, "command", "a"));
    assertEquals(1, count(ev, "command", "b"));
    assertEquals(10, runner.startedNamed("a"));
  }

  @Test
  void eachCommandGetsItsStanzasTimeLimitElseTheDaemons() throws Exception {
    Policy p = policy("CMD_EXEC_TIMEOUT 7\n", "NAME a\nENABLE_CMD_EXEC Y\nCMD_EXEC_TIMEOUT 3\n",
        "NAME b\nCMD_CYCLE_OPEN touch /x/$IP\nCMD_CYCLE_CLOSE NONE\n");
    Hanging runner = new Hanging();
    EventOutput events = new EventOutput(new ByteArrayOutputStream(), EventFormat.JSON);
    try (SerialActuator act = new SerialActuator(null, "none", runner, null, events, System::currentTimeMillis, 100)) {
      act.submit(command(p.stanzas().get(0), "id", "198.18.0.9"));
      act.submit(open(p.stanzas().get(1), "198.18.0.3"));
    }
    events.close();
    assertEquals(List.of(Duration.ofSeconds(3), Duration.ofSeconds(7)),
        runner.started.stream().sorted((x, y) -> x.argv().get(0).compareTo(y.argv().get(0))).map(Command::timeout).toList());
  }

  private static long count(List<Config> ev, String event, String stanza) {
    return ev.stream().filter(c -> c.getString("event").equals(event) && c.getString("stanza").equals(stanza)).count();
  }

  private Policy policy(String server, String... stanzas) throws Exception {
    StringBuilder access = new StringBuilder();
    for (String s : stanzas) {
      access.append("SOURCE ANY\n").append(KEYS).append(s).append('\n');
    }
    return TestKit.policy(TestKit.config(dir, server, access.toString()));
  }

  private GrantManager grants(GrantBatchingTest.SlowBackend fw) throws Exception {
    return new GrantManager(fw, new GrantJournal(dir.resolve("grants")), Clock.systemUTC(), new GrantManager.Listener() {
      @Override
      public void expired(Grant grant) {}

      @Override
      public void failed(String operation, Grant grant, Exception cause) {}
    });
  }

  private static Action command(Stanza stanza, String command, String src) {
    Packet p = TestKit.udp(src, "198.18.0.1", "x");
    SpaMessage m = TestKit.access("alice", "198.18.0.2", "tcp/22", TestKit.now()).build();
    return new Action(new Decision.RunCommand(command, null, stanza.name()), stanza, p, m, 0, System.currentTimeMillis());
  }

  private static Action open(Stanza stanza, String allow) {
    Packet p = TestKit.udp("198.18.0.9", "198.18.0.1", "x");
    SpaMessage m = TestKit.access("alice", allow, "tcp/22", TestKit.now()).build();
    Grant g = new Grant(TestKit.addr(allow), null, List.of(new ProtoPort("tcp", 22)), null,
        Instant.now().plusSeconds(60), stanza.name());
    return new Action(new Decision.Open(g), stanza, p, m, 0, System.currentTimeMillis());
  }
}
