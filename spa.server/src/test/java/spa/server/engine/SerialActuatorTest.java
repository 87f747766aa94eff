package spa.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.cmd.exec.ExecRunner;
import spa.core.Decision;
import spa.core.Grant;
import spa.core.Packet;
import spa.core.ProtoPort;
import spa.core.SpaMessage;
import spa.server.event.EventFormat;
import spa.server.event.EventOutput;
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
    try (SerialActuator act = new SerialActuator(null, "none", new ExecRunner(), null, events,
        System::currentTimeMillis, 10)) {
      act.submit(action(stanza, 1000));
      Path open = dir.resolve("open_198.18.0.2_22_6");
      Path close = dir.resolve("close_198.18.0.2_198.18.0.9");
      waitFor(open, 5000);
      assertFalse(Files.exists(close), "close waits for the timer");
      waitFor(close, 5000);
    }
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
    try (SerialActuator act = new SerialActuator(null, "none", new ExecRunner(), null, events,
        System::currentTimeMillis, 10)) {
      act.submit(action(stanza, 200));
      Thread.sleep(1500);
    }
    events.close();
    List<Config> ev = TestKit.jsonLines(out);
    assertEquals(1, ev.size(), ev.toString());
    assertEquals("error", ev.get(0).getString("event"));
    assertEquals("command-failed", ev.get(0).getString("reason"));
    assertFalse(Files.exists(dir.resolve("never")));
  }

  @Test
  void commandsAreSplitOnWhitespaceAndRunAsTheConfiguredUser() {
    assertEquals(List.of("touch", "/tmp/a;", "rm", "-rf", "/"), SerialActuator.argv(" touch /tmp/a; rm -rf / ", null, null, null));
    assertEquals(List.of("id"), SerialActuator.argv("id", "root", "wheel", null));
    assertEquals(List.of("runuser", "-u", "nobody", "--", "id", "-u"), SerialActuator.argv("id -u", "nobody", null, null));
    assertEquals(List.of("runuser", "-u", "nobody", "-g", "nogroup", "--", "id"),
        SerialActuator.argv("id", "nobody", "nogroup", null));
  }

  @Test
  void sudoComesAfterRunuserAndEndsItsOptionsBeforeTheCommand() {
    SudoExec sudo = new SudoExec("/usr/bin/sudo", "www-data", "adm");
    assertEquals(List.of("/usr/bin/sudo", "-u", "www-data", "-g", "adm", "--", "-s", "id"),
        SerialActuator.argv("-s id", null, null, sudo));
    assertEquals(List.of("runuser", "-u", "nobody", "--", "/usr/bin/sudo", "--", "id"),
        SerialActuator.argv("id", "nobody", null, new SudoExec("/usr/bin/sudo", null, null)));
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
    try (SerialActuator act = new SerialActuator(null, "none", new ExecRunner(), null, events,
        System::currentTimeMillis, 10)) {
      SpaMessage m = TestKit.access("alice", "198.18.0.2", "tcp/22", TestKit.now()).build();
      act.submit(new Action(new Decision.RunCommand("touch " + made, null, stanza.name()), stanza,
          TestKit.udp("198.18.0.9", "198.18.0.1", "x"), m, 0, System.currentTimeMillis()));
      waitFor(made, 5000);
    }
    events.close();
    assertEquals("-u nobody -g daemon -- touch " + made + "\n", Files.readString(dir.resolve("argv")));
    assertEquals(List.of("command"), TestKit.jsonLines(out).stream().map(c -> c.getString("event")).toList());
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

  private static void waitFor(Path f, long millis) throws InterruptedException {
    long end = System.currentTimeMillis() + millis;
    while (!Files.exists(f) && System.currentTimeMillis() < end) {
      Thread.sleep(20);
    }
    assertTrue(Files.exists(f), f + " was not created");
  }
}
