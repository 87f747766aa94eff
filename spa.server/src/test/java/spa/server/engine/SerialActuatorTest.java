package spa.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.cmd.exec.CommandRunner;
import spa.cmd.exec.ExecRunner;
import spa.core.Decision;
import spa.core.Grant;
import spa.core.Packet;
import spa.core.ProtoPort;
import spa.core.SpaMessage;
import spa.server.event.EventFormat;
import spa.server.event.EventOutput;
import spa.server.grant.GrantJournal;
import spa.server.policy.Stanza;
import spa.server.testkit.TestKit;

class SerialActuatorTest {
  @TempDir
  Path dir;

  @Test
  void commandCycleRunsOpenNowAndCloseAtExpiryWithSubstitutions() throws Exception {
    Stanza stanza = stanza("CMD_CYCLE_OPEN touch " + dir + "/open_$IP_$PORT_$PROTO\n"
        + "CMD_CYCLE_CLOSE touch " + dir + "/close_$SRC_$PKT_SRC\nCMD_CYCLE_TIMER 1\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventOutput events = new EventOutput(out, EventFormat.JSON);
    ExecRunner exec = new ExecRunner();
    AtomicLong closedAt = new AtomicLong();
    CommandRunner timed = c -> {
      if (c.argv().get(1).contains("/close_")) {
        closedAt.set(System.currentTimeMillis());
      }
      return exec.run(c);
    };
    Path close = dir.resolve("close_198.18.0.2_198.18.0.9");
    Action a = action(stanza, 1000);
    long expires = ((Decision.Open) a.decision()).grant().expires().toEpochMilli();
    try (SerialActuator act = new SerialActuator(null, "none", timed, null, events, System::currentTimeMillis, 10)) {
      act.submit(a);
      TestKit.await(() -> Files.exists(close), "the close command ran");
    }
    assertTrue(Files.exists(dir.resolve("open_198.18.0.2_22_6")));
    assertTrue(closedAt.get() >= expires, "the close ran " + (expires - closedAt.get()) + " ms before the expiry");
    events.close();
    List<Config> ev = TestKit.jsonLines(out);
    assertEquals(List.of("grant", "expire"), ev.stream().map(c -> c.getString("event")).toList());
    assertTrue(ev.get(0).getString("command").startsWith("touch "), ev.get(0).toString());
  }

  @Test
  void failingCommandIsAnErrorEventAndNoCloseIsScheduled() throws Exception {
    Stanza stanza = stanza("CMD_CYCLE_OPEN /bin/false\nCMD_CYCLE_CLOSE touch " + dir + "/never\nCMD_CYCLE_TIMER 1\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventOutput events = new EventOutput(out, EventFormat.JSON);
    GrantJournal journal = new GrantJournal(dir.resolve("grants.journal"));
    try (SerialActuator act = new SerialActuator(null, "none", new ExecRunner(), null, journal, events,
        System::currentTimeMillis, 10)) {
      act.submit(action(stanza, 200));
    } // closing runs what was queued to its end
    events.close();
    List<Config> ev = TestKit.jsonLines(out);
    assertEquals(1, ev.size(), ev.toString());
    assertEquals("error", ev.get(0).getString("event"));
    assertEquals("command-failed", ev.get(0).getString("reason"));
    assertEquals(0, journaledCloses(journal), "no close is scheduled");
    assertFalse(Files.exists(dir.resolve("never")));
  }

  @Test
  void anOpenCommandWhoseBackgroundChildHoldsItsOutputReportsItsOwnExitAndSchedulesTheClose() throws Exception {
    Path script = dir.resolve("open.sh");
    Path child = dir.resolve("child.pid");
    Files.writeString(script, "#!/bin/sh\necho opening\nsleep 300 &\necho $! > " + child + "\nexit 0\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    Stanza stanza = stanza("CMD_CYCLE_OPEN " + script + " $IP\nCMD_CYCLE_CLOSE touch " + dir + "/closed\n"
        + "CMD_CYCLE_TIMER 1\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventOutput events = new EventOutput(out, EventFormat.JSON);
    GrantJournal journal = new GrantJournal(dir.resolve("grants.journal"));
    try (SerialActuator act = new SerialActuator(null, "none", new ExecRunner(), null, journal, events,
        System::currentTimeMillis, 10)) {
      act.submit(action(stanza, 60_000));
      TestKit.await(() -> journaledCloses(journal) == 1, "the close was scheduled");
    } finally {
      if (Files.exists(child)) {
        ProcessHandle.of(Long.parseLong(Files.readString(child).strip())).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    events.close();
    List<Config> ev = TestKit.jsonLines(out);
    assertEquals(1, ev.size(), ev.toString());
    assertEquals("grant", ev.get(0).getString("event"));
    assertEquals("exit 0", ev.get(0).getString("detail"));
  }

  @Test
  void aCommandPastItsStanzasTimeLimitIsKilledWithItsChildren() throws Exception {
    Path script = dir.resolve("hang.sh");
    Path child = dir.resolve("child.pid");
    Files.writeString(script, "#!/bin/sh\nsleep 300 &\necho $! > " + child + "\nwait\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    Stanza stanza = stanza("ENABLE_CMD_EXEC Y\nCMD_EXEC_TIMEOUT 1\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventOutput events = new EventOutput(out, EventFormat.JSON);
    try (SerialActuator act = new SerialActuator(null, "none", new ExecRunner(), null, events,
        System::currentTimeMillis, 10)) {
      SpaMessage m = TestKit.access("alice", "198.18.0.2", "tcp/22", TestKit.now()).build();
      act.submit(new Action(new Decision.RunCommand(script.toString(), null, stanza.name()), stanza,
          TestKit.udp("198.18.0.9", "198.18.0.1", "x"), m, 0, System.currentTimeMillis()));
    }
    events.close();
    List<Config> ev = TestKit.jsonLines(out);
    assertEquals(1, ev.size(), ev.toString());
    assertEquals("command-failed", ev.get(0).getString("reason"));
    assertTrue(ev.get(0).getString("detail").endsWith("killed after 1000 ms"), ev.get(0).toString());
    long pid = Long.parseLong(Files.readString(child).strip());
    TestKit.await(() -> !running(pid), "the child " + pid + " was killed");
  }

  /** True while {@code pid} runs: a zombie (killed, not yet reaped by whoever adopted it) does not. */
  private static boolean running(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void commandsAreSplitOnWhitespaceAndRunAsTheConfiguredUser() {
    assertEquals(List.of("touch", "/tmp/a;", "rm", "-rf", "/"), CommandActuator.argv(" touch /tmp/a; rm -rf / ", null, null, null));
    assertEquals(List.of("id"), CommandActuator.argv("id", "root", "wheel", null));
    assertEquals(List.of("runuser", "-u", "nobody", "--", "id", "-u"), CommandActuator.argv("id -u", "nobody", null, null));
    assertEquals(List.of("runuser", "-u", "nobody", "-g", "nogroup", "--", "id"),
        CommandActuator.argv("id", "nobody", "nogroup", null));
  }

  @Test
  void sudoComesAfterRunuserAndEndsItsOptionsBeforeTheCommand() {
    SudoExec sudo = new SudoExec("/usr/bin/sudo", "www-data", "adm");
    assertEquals(List.of("/usr/bin/sudo", "-u", "www-data", "-g", "adm", "--", "-s", "id"),
        CommandActuator.argv("-s id", null, null, sudo));
    assertEquals(List.of("runuser", "-u", "nobody", "--", "/usr/bin/sudo", "--", "id"),
        CommandActuator.argv("id", "nobody", null, new SudoExec("/usr/bin/sudo", null, null)));
  }

  @Test
  void aCommandMessageOfASudoStanzaRunsThroughSudoExe() throws Exception {
    // a stand-in for sudo that records the argv it was given, then runs the command
    Path sudo = dir.resolve("sudo");
    Files.writeString(sudo, "#!/bin/sh\necho \"$@\" > " + dir.resolve("argv") + "\nshift 5\nexec \"$@\"\n");
    Files.setPosixFilePermissions(sudo, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Stanza stanza = TestKit.policy(TestKit.config(dir, "SUDO_EXE " + sudo + "\n", "SOURCE ANY\nKEY " + TestKit.KEY
        + "\nHMAC_KEY " + TestKit.HMAC + "\nENABLE_CMD_EXEC Y\nENABLE_CMD_SUDO_EXEC Y\nCMD_SUDO_EXEC_USER nobody\n"
        + "CMD_SUDO_EXEC_GROUP daemon\n")).stanzas().get(0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventOutput events = new EventOutput(out, EventFormat.JSON);
    Path made = dir.resolve("made");
    try (SerialActuator act = new SerialActuator(null, "none", new ExecRunner(), null,
        new GrantJournal(dir.resolve("grants.journal")), events,
        System::currentTimeMillis, 10)) {
      SpaMessage m = TestKit.access("alice", "198.18.0.2", "tcp/22", TestKit.now()).build();
      act.submit(new Action(new Decision.RunCommand("touch " + made, null, stanza.name()), stanza,
          TestKit.udp("198.18.0.9", "198.18.0.1", "x"), m, 0, System.currentTimeMillis()));
      TestKit.await(() -> Files.exists(made), "the command ran");
    }
    events.close();
    assertEquals("-u nobody -g daemon -- touch " + made + "\n", Files.readString(dir.resolve("argv")));
    assertEquals(List.of("command"), TestKit.jsonLines(out).stream().map(c -> c.getString("event")).toList());
  }

  private static int journaledCloses(GrantJournal journal) {
    try {
      return journal.loadCloses(new ArrayList<>()).size();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private Stanza stanza(String extra) throws Exception {
    return TestKit.policy(TestKit.config(dir, "",
        "SOURCE ANY\nKEY " + TestKit.KEY + "\nHMAC_KEY " + TestKit.HMAC + "\n" + extra)).stanzas().get(0);
  }

  private static Action action(Stanza stanza, long millis) {
    Packet p = TestKit.udp("198.18.0.9", "198.18.0.1", "x");
    SpaMessage m = TestKit.access("alice", "198.18.0.2", "tcp/22", TestKit.now()).build();
    Grant g = new Grant(TestKit.addr("198.18.0.2"), null, List.of(new ProtoPort("tcp", 22)), null,
        java.time.Instant.now().plusMillis(millis), stanza.name());
    return new Action(new Decision.Open(g), stanza, p, m, 0, System.currentTimeMillis());
  }
}
