package spa.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.Decision;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.Packet;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.core.SpaMessage;
import spa.core.spi.FirewallBackend;
import spa.server.event.EventFormat;
import spa.server.event.EventOutput;
import spa.server.grant.GrantJournal;
import spa.server.grant.GrantManager;
import spa.server.policy.Stanza;
import spa.server.testkit.TestKit;

/** Grants reach the firewall in fair batches, and one too late to apply is an error, never a grant. */
class GrantBatchingTest {
  @TempDir
  Path dir;

  @Test
  void aFloodOfReknocksFromOneSourceDoesNotDelayAnotherSource() throws Exception {
    SlowBackend fw = new SlowBackend();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Harness h = new Harness(fw, out)) {
      fw.gate = true;
      h.act.submit(h.action("198.18.0.2", 22, 60_000));
      TestKit.await(() -> fw.calls.size() == 1, "the first batch reached the firewall");
      for (int i = 1; i < 2000; i++) {
        h.act.submit(h.action("198.18.0.2", 22, 60_000));
      }
      h.act.submit(h.action("198.18.0.3", 22, 60_000));
      fw.gate = false;
      waitHeld(fw, "198.18.0.3");
    }
    // the 1999 re-knocks waiting behind the first batch coalesce into one opening: the other source is in the
    // very next firewall operation, not behind them
    assertEquals(1, firstCallWith(fw, "198.18.0.3"), fw.calls.toString());
    assertEquals(2, fw.calls.size(), fw.calls.size() + " firewall operations for two openings");
    List<Config> ev = TestKit.jsonLines(out);
    assertEquals(2001, ev.stream().filter(c -> c.getString("event").equals("grant")).count(), "each knock is reported");
  }

  @Test
  void manyDistinctOpeningsOfOneSourceDoNotFillABatch() throws Exception {
    SlowBackend fw = new SlowBackend();
    try (Harness h = new Harness(fw, new ByteArrayOutputStream())) {
      fw.gate = true;
      h.act.submit(h.action("198.18.0.9", 1, 60_000));
      // the first batch is held at the gate; everything below is queued before it opens and waits for the next one
      TestKit.await(() -> fw.calls.size() == 1, "the first batch reached the firewall");
      for (int port = 2; port < 500; port++) {
        h.act.submit(h.action("198.18.0.2", port, 60_000));
      }
      h.act.submit(h.action("198.18.0.3", 22, 60_000));
      fw.gate = false;
      waitHeld(fw, "198.18.0.3");
    }
    List<Grant> second = fw.calls.get(1);
    assertTrue(second.stream().anyMatch(g -> g.source().getHostAddress().equals("198.18.0.3")), second.toString());
    assertTrue(second.size() <= 16, "at most a few of one source's openings per batch: " + second.size());
  }

  @Test
  void aGrantWhoseTimeRanOutIsReportedLateAndNotOpened() throws Exception {
    SlowBackend fw = new SlowBackend();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Harness h = new Harness(fw, out)) {
      // a 10 s grant whose packet was decided 9.7 s ago, as behind a long queue
      h.act.submit(h.action("198.18.0.2", 22, 300, 9_700));
    }
    List<Config> ev = TestKit.jsonLines(out);
    assertEquals(1, ev.size(), ev.toString());
    assertEquals("error", ev.get(0).getString("event"));
    assertEquals("late", ev.get(0).getString("reason"));
    assertTrue(fw.held.isEmpty(), fw.held.toString());
  }

  @Test
  void aOneSecondGrantAppliedAtOnceIsNotLate() throws Exception {
    SlowBackend fw = new SlowBackend();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Harness h = new Harness(fw, out)) {
      h.act.submit(h.action("198.18.0.2", 22, 1000));
      waitHeld(fw, "198.18.0.2");
    }
    assertEquals("grant", TestKit.jsonLines(out).get(0).getString("event"));
  }

  @Test
  void oneRefusedGrantDoesNotBlockTheRestOfItsBatch() throws Exception {
    SlowBackend fw = new SlowBackend();
    fw.refuse = "198.18.0.7";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (Harness h = new Harness(fw, out)) {
      fw.gate = true;
      h.act.submit(h.action("198.18.0.100", 22, 60_000));
      TestKit.await(() -> fw.calls.size() == 1, "the first batch reached the firewall");
      for (int i = 1; i <= 16; i++) {
        h.act.submit(h.action("198.18.0." + i, 22, 60_000));
      }
      fw.gate = false;
      waitHeld(fw, "198.18.0.16");
    }
    assertEquals(16, fw.held.size(), fw.held.toString());
    List<Config> ev = TestKit.jsonLines(out);
    List<Config> errors = ev.stream().filter(c -> c.getString("event").equals("error")).toList();
    assertEquals(1, errors.size(), errors.toString());
    assertEquals("198.18.0.7", errors.get(0).getString("allow"));
    assertTrue(fw.calls.size() <= 12, fw.calls.size() + " operations to find one bad grant among 16");
  }

  private static void waitHeld(SlowBackend fw, String source) {
    TestKit.await(() -> fw.held.stream().anyMatch(g -> g.source().getHostAddress().equals(source)), source + " opened");
  }

  private static int firstCallWith(SlowBackend fw, String source) {
    for (int i = 0; i < fw.calls.size(); i++) {
      if (fw.calls.get(i).stream().anyMatch(g -> g.source().getHostAddress().equals(source))) {
        return i;
      }
    }
    throw new AssertionError(source + " was never in a firewall operation");
  }

  private final class Harness implements AutoCloseable {
    final SerialActuator act;
    final GrantManager grants;
    final EventOutput events;
    final Stanza stanza;

    Harness(FirewallBackend fw, ByteArrayOutputStream out) throws Exception {
      stanza = TestKit.policy(TestKit.config(dir, "",
          "SOURCE ANY\nKEY " + TestKit.KEY + "\nHMAC_KEY " + TestKit.HMAC + "\n")).stanzas().get(0);
      grants = new GrantManager(fw, new GrantJournal(dir.resolve("grants")), Clock.systemUTC(), new GrantManager.Listener() {
        @Override
        public void expired(Grant grant) {}

        @Override
        public void failed(String operation, Grant grant, Exception cause) {}
      });
      events = new EventOutput(out, EventFormat.JSON);
      act = new SerialActuator(grants, "slow", null, null, events, System::currentTimeMillis, 4096);
    }

    Action action(String allow, int port, long millis) {
      return action(allow, port, millis, 0);
    }

    Action action(String allow, int port, long millis, long age) {
      Packet p = TestKit.udp("198.18.0.9", "198.18.0.1", "x");
      SpaMessage m = TestKit.access("alice", allow, "tcp/" + port, TestKit.now()).build();
      Grant g = new Grant(TestKit.addr(allow), null, List.of(new ProtoPort("tcp", port)), null,
          Instant.now().plusMillis(millis), stanza.name());
      return new Action(new Decision.Open(g), stanza, p, m, 0, System.currentTimeMillis() - age);
    }

    @Override
    public void close() {
      act.close();
      grants.close();
      events.close();
    }
  }

  /** A firewall that takes a few milliseconds per operation, as one nft process does. */
  static class SlowBackend implements FirewallBackend {
    final List<Grant> held = new CopyOnWriteArrayList<>();
    final List<List<Grant>> calls = new CopyOnWriteArrayList<>();
    volatile boolean gate;
    volatile String refuse;

    @Override
    public String name() {
      return "slow";
    }

    @Override
    public boolean kernelExpiry() {
      return true;
    }

    @Override
    public void start(Settings settings) {}

    @Override
    public void open(Grant grant) throws FirewallException {
      openAll(List.of(grant));
    }

    @Override
    public void openAll(List<Grant> grants) throws FirewallException {
      calls.add(List.copyOf(grants));
      try {
        Thread.sleep(5);
        while (gate) {
          Thread.sleep(5);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (Grant g : grants) {
        if (g.source().getHostAddress().equals(refuse)) {
          throw new FirewallException("Error: Could not process rule: refused");
        }
      }
      for (Grant g : grants) {
        held.removeIf(g::sameOpening);
        held.add(g);
      }
    }

    @Override
    public void close(Grant grant) {
      held.removeIf(grant::sameOpening);
    }

    @Override
    public List<Grant> list() {
      return new ArrayList<>(held);
    }

    @Override
    public void flush() {
      held.clear();
    }
  }

}
