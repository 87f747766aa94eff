package spa.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
import spa.server.policy.Stanza;
import spa.server.testkit.TestKit;

/** CMD_CYCLE_CLOSE survives a restart: journaled when scheduled, run at its time by the next instance. */
class CycleCloseJournalTest {
  @TempDir
  Path dir;

  private final List<String> ran = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong lastRanNanos = new AtomicLong();
  private final CommandRunner recorder = c -> {
    lastRanNanos.set(System.nanoTime());
    ran.add(String.join(" ", c.argv()));
    return new CommandResult(c, CommandResult.Status.EXITED, 0, "", "", Duration.ZERO);
  };

  @Test
  void aCloseScheduledBeforeARestartRunsAfterItAtItsTimeAndOnlyOnce() throws Exception {
    long start = System.currentTimeMillis();
    AtomicLong clock = new AtomicLong(start);
    GrantJournal journal = new GrantJournal(dir.resolve("grants.journal"));
    try (SerialActuator first = actuator(journal, clock)) {
      first.submit(action(60_000));
      TestKit.await(() -> ran.contains("touch /x/open_198.18.0.2"), "the open command ran");
    }
    assertEquals(List.of("touch /x/open_198.18.0.2"), ran);
    List<GrantJournal.CycleClose> kept = journal.loadCloses(new ArrayList<>());
    assertEquals(1, kept.size());

    // the next instance starts a second before the close is due
    clock.set(start + 59_000);
    long wait = kept.get(0).due().toEpochMilli() - clock.get();
    try (SerialActuator second = actuator(new GrantJournal(dir.resolve("grants.journal")), clock)) {
      long resumed = System.nanoTime();
      assertEquals(List.of(), second.resumeCycleCloses());
      TestKit.await(() -> ran.size() == 2, "the close ran at its time");
      assertTrue(Duration.ofNanos(lastRanNanos.get() - resumed).toMillis() >= wait - 1,
          "the close waited for its time: " + wait + " ms");
    }
    assertEquals("touch /x/close_198.18.0.2", ran.get(1));
    assertEquals(List.of(), journal.loadCloses(new ArrayList<>()));

    // what the next start would run: nothing, since the close that ran was marked done
    assertEquals(List.of(), new GrantJournal(dir.resolve("grants.journal")).loadCloses(new ArrayList<>()));
  }

  @Test
  void withCloseAtExitTheClosesNotYetDueRunWhenSpadStops() throws Exception {
    AtomicLong clock = new AtomicLong(System.currentTimeMillis());
    GrantJournal journal = new GrantJournal(dir.resolve("grants.journal"));
    EventOutput events = new EventOutput(new ByteArrayOutputStream(), EventFormat.JSON);
    try (SerialActuator act = new SerialActuator(null, "none", recorder, null, journal, events, clock::get, 10,
        new CommandActuator.Settings(Duration.ofSeconds(30), true))) {
      act.submit(action(3_600_000));
      TestKit.await(() -> ran.size() == 1, "the open command ran");
    }
    assertEquals(List.of("touch /x/open_198.18.0.2", "touch /x/close_198.18.0.2"), ran);
    assertEquals(List.of(), journal.loadCloses(new ArrayList<>()), "the close ran, nothing is left for the next start");
  }

  @Test
  void aCloseWhoseTimePassedWhileDownRunsAtOnce() throws Exception {
    long start = System.currentTimeMillis();
    AtomicLong clock = new AtomicLong(start);
    GrantJournal journal = new GrantJournal(dir.resolve("grants.journal"));
    try (SerialActuator first = actuator(journal, clock)) {
      first.submit(action(60_000));
      TestKit.await(() -> ran.size() == 1, "the open command ran");
    }
    clock.set(start + 3_600_000);
    try (SerialActuator second = actuator(journal, clock)) {
      second.resumeCycleCloses();
      TestKit.await(() -> ran.size() == 2, "the overdue close ran");
    }
    assertEquals("touch /x/close_198.18.0.2", ran.get(1));
  }

  @Test
  void theGrantsAndTheClosesShareTheJournalWithoutLosingEachOther() throws Exception {
    GrantJournal journal = new GrantJournal(dir.resolve("grants.journal"));
    Grant g = new Grant(TestKit.addr("198.18.0.2"), null, List.of(new ProtoPort("tcp", 22)), null,
        java.time.Instant.parse("2030-01-01T00:00:00Z"), "s");
    journal.addClose(CycleCloses.of(1000, "nobody", null, "s", "touch /x/c"));
    journal.store(List.of(g));
    List<String> problems = new ArrayList<>();
    assertEquals(List.of(g), journal.load(problems));
    assertEquals(List.of(), problems);
    List<GrantJournal.CycleClose> closes = journal.loadCloses(problems);
    assertEquals(1, closes.size());
    assertEquals("nobody", closes.get(0).user());
    journal.closeDone(closes.get(0).id());
    assertEquals(List.of(g), journal.load(problems));
    assertEquals(List.of(), journal.loadCloses(problems));
  }

  private SerialActuator actuator(GrantJournal journal, AtomicLong clock) {
    EventOutput events = new EventOutput(new ByteArrayOutputStream(), EventFormat.JSON);
    return new SerialActuator(null, "none", recorder, null, journal, events, clock::get, 10);
  }

  private Action action(long millis) throws Exception {
    Stanza stanza = TestKit.policy(TestKit.config(dir, "",
        "SOURCE ANY\nKEY " + TestKit.KEY + "\nHMAC_KEY " + TestKit.HMAC + "\n"
            + "CMD_CYCLE_OPEN touch /x/open_$IP\nCMD_CYCLE_CLOSE touch /x/close_$SRC\nCMD_CYCLE_TIMER 60\n"))
        .stanzas().get(0);
    Packet p = TestKit.udp("198.18.0.9", "198.18.0.1", "x");
    SpaMessage m = TestKit.access("alice", "198.18.0.2", "tcp/22", TestKit.now()).build();
    Grant g = new Grant(TestKit.addr("198.18.0.2"), null, List.of(new ProtoPort("tcp", 22)), null,
        java.time.Instant.now().plusMillis(millis), stanza.name());
    return new Action(new Decision.Open(g), stanza, p, m, 0, System.currentTimeMillis());
  }

}
