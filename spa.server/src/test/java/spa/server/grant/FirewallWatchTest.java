package spa.server.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.Grant;
import spa.core.ProtoPort;
import spa.server.grant.GrantManagerTest.Events;
import spa.server.grant.GrantManagerTest.TableBackend;
import spa.server.testkit.ManualTime;

class FirewallWatchTest {
  @TempDir
  Path dir;

  /** The clock and timer of the manager and the watch: checks run only when the test moves time on. */
  private final ManualTime clock = new ManualTime();
  private final Events events = new Events();

  @Test
  void aWipedFirewallIsNoticedWithinASecondAndItsValidGrantsComeBack() throws Exception {
    TableBackend fw = new TableBackend(true) {
      @Override
      public AutoCloseable watchChanges(Runnable changed) {
        return NO_CHANGE_REPORTS; // like iptables: only the periodic check
      }
    };
    try (GrantManager m = new GrantManager(fw, new GrantJournal(dir.resolve("grants")), clock, clock, events);
        FirewallWatch w = new FirewallWatch(m, clock, events)) {
      m.start();
      w.start();
      Grant valid = grant("198.18.0.2", 60_000);
      m.open(valid);
      m.open(grant("198.18.0.3", 60_000));
      // what `nft flush ruleset` does: the table and every element gone
      fw.held.clear();
      fw.setUp = false;
      clock.advanceMillis(999);
      assertFalse(fw.setUp, "the check runs once a second");
      clock.advanceMillis(1);
      assertTrue(fw.setUp, "noticed within a second");
      assertEquals(2, fw.held.size(), fw.held.toString());
      assertEquals(valid.expires(), fw.held.get(0).expires(), "re-opened until the grant's own expiry");
      assertEquals(List.of(2), events.lost);
      assertFalse(w.check(), "intact again");
      // spad's exit flush (FLUSH_IPT_AT_EXIT) comes after the watch is closed, and is not undone
      w.close();
      m.flush();
      fw.setUp = false;
      clock.advanceMillis(5000);
      assertFalse(fw.setUp, "a closed watch checks no more");
    }
  }

  @Test
  void aFirewallThatCannotBeRepairedIsReportedOnceAndRetried() throws Exception {
    TableBackend fw = new TableBackend(true);
    try (GrantManager m = new GrantManager(fw, new GrantJournal(dir.resolve("grants")), clock, clock, events)) {
      FirewallWatch w = new FirewallWatch(m, clock, events);
      m.open(grant("198.18.0.2", 60_000));
      fw.setUp = false;
      fw.repairFails = true;
      assertTrue(w.check());
      assertTrue(w.check());
      assertEquals(List.of(-1), events.lost);
      fw.repairFails = false;
      assertTrue(w.check());
      assertEquals(List.of(-1, 1), events.lost);
    }
  }

  @Test
  void aReportedChangeIsCheckedAtOnceAndABurstOfReportsCostsOneCheck() throws Exception {
    TableBackend fw = new TableBackend(true);
    try (GrantManager m = new GrantManager(fw, new GrantJournal(dir.resolve("grants")), clock, clock, events);
        FirewallWatch w = new FirewallWatch(m, clock, events)) {
      m.start();
      w.start();
      Grant valid = grant("198.18.0.2", 60_000);
      m.open(valid);
      fw.held.clear();
      fw.setUp = false;
      int before = fw.checks;
      // what `nft monitor` prints for `nft delete table inet spa`: a line for each chain and set, then the table
      for (int i = 0; i < 5; i++) {
        fw.changed.run();
      }
      clock.advance(Duration.ZERO);
      assertTrue(fw.setUp, "set up again without waiting for the periodic check");
      assertEquals(List.of(valid), fw.held);
      assertEquals(List.of(1), events.lost);
      assertEquals(before + 1, fw.checks, "one check for the burst");
      fw.changed.run();
      clock.advance(Duration.ZERO);
      assertEquals(List.of(1), events.lost, "a report of a change that removed nothing is no loss");
      assertFalse(fw.changesClosed);
    }
    assertTrue(fw.changesClosed, "closing the watch stops the change reports");
  }

  @Test
  void withChangeReportsThePeriodicCheckIsOnlyABackstop() throws Exception {
    TableBackend fw = new TableBackend(true);
    try (GrantManager m = new GrantManager(fw, new GrantJournal(dir.resolve("grants")), clock, clock, events);
        FirewallWatch w = new FirewallWatch(m, clock, events)) {
      m.start();
      w.start();
      int before = fw.checks;
      fw.setUp = false; // removed without a report (a monitor restarting, say)
      clock.advanceMillis(9_999);
      assertEquals(before, fw.checks, "no check of a large table every second while changes are reported");
      clock.advanceMillis(1);
      assertTrue(fw.setUp, "the backstop finds it");
    }
  }

  @Test
  void theBackstopWaitsWhileGrantsAreOpenedButNotForever() throws Exception {
    TableBackend fw = new TableBackend(true);
    try (GrantManager m = new GrantManager(fw, new GrantJournal(dir.resolve("grants")), clock, clock, events);
        FirewallWatch w = new FirewallWatch(m, clock, events)) {
      m.start();
      w.start();
      int before = fw.checks;
      // grants every second: each backstop is put off, up to BACKSTOP_DEFERRALS in a row
      for (int s = 1; s <= FirewallWatch.BACKSTOP.toSeconds() * FirewallWatch.BACKSTOP_DEFERRALS; s++) {
        m.open(grant("198.18.1." + s, 600_000));
        clock.advanceMillis(1000);
      }
      assertEquals(before, fw.checks, "no listing of the table while grants flow");
      m.open(grant("198.18.0.9", 600_000));
      clock.advance(FirewallWatch.BACKSTOP);
      assertEquals(before + 1, fw.checks, "but it runs after the most deferrals");
      // once grants stop, the next backstop runs on time
      clock.advance(FirewallWatch.BACKSTOP);
      assertEquals(before + 2, fw.checks, "quiet: the backstop runs");
    }
  }

  @Test
  void withoutChangeReportsThePeriodicCheckStillRuns() throws Exception {
    TableBackend fw = new TableBackend(true) {
      @Override
      public AutoCloseable watchChanges(Runnable changed) {
        throw new IllegalStateException("no event source");
      }
    };
    try (GrantManager m = new GrantManager(fw, new GrantJournal(dir.resolve("grants")), clock, clock, events);
        FirewallWatch w = new FirewallWatch(m, clock, events)) {
      m.start();
      w.start();
      fw.setUp = false;
      clock.advanceMillis(1000);
      assertTrue(fw.setUp);
      assertEquals(List.of(0), events.lost);
    }
  }

  private Grant grant(String src, long millisFromNow) throws Exception {
    return new Grant(InetAddress.getByName(src), null, List.of(new ProtoPort("tcp", 22)), null,
        clock.instant().plusMillis(millisFromNow), "test");
  }
}
