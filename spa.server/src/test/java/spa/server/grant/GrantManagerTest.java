package spa.server.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.Nat;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.core.spi.FirewallBackend;
import spa.server.testkit.ManualTime;

class GrantManagerTest {
  @TempDir
  Path dir;

  /** The manager's clock and timer: expiry and the watch run only when the test moves time on. */
  private final ManualTime clock = new ManualTime();
  private final Events events = new Events();

  @Test
  void opensJournalsAndClosesAtExpiry() throws Exception {
    TableBackend fw = new TableBackend(false);
    GrantJournal journal = new GrantJournal(dir.resolve("grants"));
    try (GrantManager m = new GrantManager(fw, journal, clock, clock, events)) {
      m.start();
      Grant g = grant("198.18.0.2", 400);
      m.open(g);
      assertEquals(List.of(g), fw.held);
      assertEquals(List.of(g), journal.load(new ArrayList<>()));
      clock.advanceMillis(399);
      assertEquals(List.of(g), fw.held, "open until its expiry");
      clock.advanceMillis(1);
      assertTrue(fw.held.isEmpty(), "closed by the scheduler");
      assertEquals(List.of(), journal.load(new ArrayList<>()));
      assertEquals(List.of(g), events.expired);
    }
  }

  @Test
  void reKnockExtendsInsteadOfStacking() throws Exception {
    TableBackend fw = new TableBackend(false);
    try (GrantManager m = new GrantManager(fw, new GrantJournal(dir.resolve("grants")), clock, clock, events)) {
      m.start();
      assertFalse(m.open(grant("198.18.0.2", 300)));
      Grant later = grant("198.18.0.2", 1500);
      assertTrue(m.open(later));
      assertEquals(1, fw.held.size());
      assertEquals(later.expires(), fw.held.get(0).expires());
      clock.advanceMillis(700);
      assertEquals(1, fw.held.size(), "the first expiry no longer closes the extended opening");
      // a shorter re-knock never shortens an opening
      m.open(grant("198.18.0.2", 100));
      assertEquals(later.expires(), m.active().get(0).expires());
      clock.advanceMillis(800);
      assertTrue(fw.held.isEmpty(), "closed at the extended expiry");
    }
  }

  /**
   * Hundreds of grants in no order of expiry, some extended, one revoked: each closes exactly at its own expiry
   * (the timer looks at the earliest only, a bounded number at a time), and a close the firewall refuses is
   * tried again until it succeeds. One timer task is pending however many grants are held.
   */
  @Test
  void manyGrantsEachCloseAtTheirOwnExpiry() throws Exception {
    TableBackend fw = new TableBackend(false);
    try (GrantManager m = new GrantManager(fw, new GrantJournal(dir.resolve("grants")), clock, clock, events)) {
      m.start();
      java.util.Random random = new java.util.Random(7);
      java.util.Map<String, Long> closesAt = new java.util.HashMap<>();
      for (int i = 0; i < 300; i++) {
        String src = "198.18." + (i / 250) + "." + (i % 250 + 1);
        long ms = 1000 + random.nextInt(50) * 100L; // many share an expiry: more than one turn's worth at once
        m.open(grant(src, ms));
        closesAt.put(src, ms);
      }
      for (int i = 0; i < 300; i += 7) { // a re-knock extends: the earlier expiry must not close it
        String src = "198.18." + (i / 250) + "." + (i % 250 + 1);
        m.open(grant(src, 6000 + i));
        closesAt.put(src, 6000L + i);
      }
      m.revoke(List.of(grant("198.18.0.2", 1)));
      closesAt.remove("198.18.0.2");
      assertEquals(1, clock.pending(), "one timer task for all the grants");
      for (long t = 100; t <= 7000; t += 100) {
        clock.advanceMillis(100);
        final long now = t;
        java.util.Set<String> open = new java.util.TreeSet<>();
        fw.held.forEach(g -> open.add(g.source().getHostAddress()));
        java.util.Set<String> expected = new java.util.TreeSet<>();
        closesAt.forEach((src, at) -> {
          if (at > now) {
            expected.add(src);
          }
        });
        assertEquals(expected, open, "at " + t + " ms");
      }
      // a close the firewall refuses stays open and is tried again
      fw.failClose = true;
      m.open(grant("198.18.9.9", 500));
      clock.advanceMillis(500);
      assertEquals(1, fw.held.size());
      fw.failClose = false;
      clock.advanceMillis(5000);
      assertTrue(fw.held.isEmpty());
      assertEquals(299 + 1, events.expired.size());
    }
  }

  @Test
  void restartReconcilesJournalWithFirewall() throws Exception {
    TableBackend fw = new TableBackend(false);
    GrantJournal journal = new GrantJournal(dir.resolve("grants"));
    Grant valid = grant("198.18.0.2", 60_000);
    Grant expired = grant("198.18.0.3", -1000);
    Grant orphan = grant("198.18.0.4", 60_000);
    Grant lost = grant("198.18.0.5", 60_000);
    journal.store(List.of(valid, expired, lost));
    fw.held.addAll(List.of(valid, expired, orphan)); // "lost" vanished from the firewall (e.g. reboot)
    try (GrantManager m = new GrantManager(fw, journal, clock, clock, events)) {
      GrantManager.Reconciliation r = m.start();
      assertEquals(1, r.kept());
      assertEquals(1, r.restored());
      assertEquals(1, r.adopted());
      assertEquals(1, r.removed());
      assertFalse(fw.held.contains(expired));
      assertTrue(fw.held.containsAll(List.of(valid, orphan, lost)));
      assertEquals(3, journal.load(new ArrayList<>()).size());
    }
  }

  @Test
  void reconciliationKeepsTheJournalsExactExpiryOverTheFirewallsWholeSeconds() throws Exception {
    TableBackend fw = new TableBackend(false);
    GrantJournal journal = new GrantJournal(dir.resolve("grants"));
    Grant exact = new Grant(InetAddress.getByName("198.18.0.2"), null, List.of(new ProtoPort("tcp", 22)), null,
        Instant.parse("2099-01-01T00:00:00.900Z"), "office");
    journal.store(List.of(exact));
    fw.held.add(new Grant(exact.source(), null, exact.access(), null, Instant.parse("2099-01-01T00:00:00Z"), ""));
    try (GrantManager m = new GrantManager(fw, journal, clock, clock, events)) {
      m.start();
      assertEquals(List.of(exact), m.active());
    }
  }

  @Test
  void kernelExpiryIsNotDoubledByTheScheduler() throws Exception {
    TableBackend fw = new TableBackend(true);
    try (GrantManager m = new GrantManager(fw, new GrantJournal(dir.resolve("grants")), clock, clock, events)) {
      m.start();
      m.open(grant("198.18.0.2", 200));
      clock.advanceMillis(199);
      assertEquals(1, m.active().size(), "held until its expiry");
      clock.advanceMillis(1);
      assertEquals(0, fw.closes, "the kernel closes it; spad only forgets it");
      assertTrue(m.active().isEmpty());
      assertEquals(1, events.expired.size());
    }
  }

  @Test
  void failedOpenLeavesJournalUntouched() throws Exception {
    TableBackend fw = new TableBackend(false);
    fw.failOpen = true;
    GrantJournal journal = new GrantJournal(dir.resolve("grants"));
    try (GrantManager m = new GrantManager(fw, journal, clock, clock, events)) {
      m.start();
      assertThrows(FirewallException.class, () -> m.open(grant("198.18.0.2", 5000)));
      assertEquals(List.of(), journal.load(new ArrayList<>()));
      assertTrue(m.active().isEmpty());
    }
  }

  @Test
  void flushForgetsEverything() throws Exception {
    TableBackend fw = new TableBackend(false);
    GrantJournal journal = new GrantJournal(dir.resolve("grants"));
    try (GrantManager m = new GrantManager(fw, journal, clock, clock, events)) {
      m.start();
      m.open(grant("198.18.0.2", 60_000));
      m.flush();
      assertTrue(fw.held.isEmpty());
      assertEquals(List.of(), journal.load(new ArrayList<>()));
    }
  }

  @Test
  void journalRoundTripsNatAndIpv6AndReportsBadLines() throws Exception {
    GrantJournal journal = new GrantJournal(dir.resolve("grants"));
    Grant nat = new Grant(InetAddress.getByName("fd00::2"), null, List.of(new ProtoPort("tcp", 80)),
        new Nat(Nat.Kind.LOCAL, InetAddress.getByName("fd00::1"), 22, Nat.Snat.MASQUERADE, null, true),
        Instant.ofEpochSecond(2_000_000_000L), "access.conf:3");
    Grant fwd = new Grant(InetAddress.getByName("198.18.0.2"), InetAddress.getByName("198.18.0.1"),
        List.of(new ProtoPort("tcp", 55000), new ProtoPort("udp", 53)),
        new Nat(Nat.Kind.FORWARD, InetAddress.getByName("198.18.1.2"), 22, Nat.Snat.SNAT,
            InetAddress.getByName("198.18.1.1"), true),
        Instant.ofEpochSecond(2_000_000_001L), "stanza\twith tab");
    journal.store(List.of(nat, fwd));
    Files.writeString(journal.file(), "garbage line\nevil.example\t-\ttcp/22\t-\t2026-01-01T00:00:00Z\tx\n",
        java.nio.file.StandardOpenOption.APPEND);
    List<String> problems = new ArrayList<>();
    List<Grant> back = journal.load(problems);
    assertEquals(nat, back.get(0));
    assertEquals(fwd.withExpiry(fwd.expires()).access(), back.get(1).access());
    assertEquals("stanza with tab", back.get(1).stanza());
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(1).contains("not an IP address"), problems.toString());
  }

  private Grant grant(String src, long millisFromNow) throws Exception {
    return new Grant(InetAddress.getByName(src), null, List.of(new ProtoPort("tcp", 22)), null,
        clock.instant().plusMillis(millisFromNow), "test");
  }

  /** A firewall that holds openings in a list and honours the SPI contract (open extends, close is idempotent). */
  static class TableBackend implements FirewallBackend {
    final List<Grant> held = new CopyOnWriteArrayList<>();
    final boolean kernel;
    boolean failOpen;
    volatile boolean failClose;
    volatile boolean setUp = true;
    volatile boolean repairFails;
    int closes;
    int checks;
    /** What the watch gave {@link #watchChanges}, and whether it closed the handle. */
    volatile Runnable changed;
    volatile boolean changesClosed;

    @Override
    public boolean intact() {
      checks++;
      return setUp;
    }

    @Override
    public AutoCloseable watchChanges(Runnable changed) {
      this.changed = changed;
      return () -> changesClosed = true;
    }

    @Override
    public void repair() throws FirewallException {
      if (repairFails) {
        throw new FirewallException("nft: No such file or directory");
      }
      setUp = true;
    }

    TableBackend(boolean kernel) {
      this.kernel = kernel;
    }

    @Override
    public String name() {
      return "table";
    }

    @Override
    public boolean kernelExpiry() {
      return kernel;
    }

    @Override
    public void start(Settings settings) {}

    @Override
    public void open(Grant grant) throws FirewallException {
      if (failOpen) {
        throw new FirewallException("nft: Operation not permitted");
      }
      held.removeIf(grant::sameOpening);
      held.add(grant);
    }

    @Override
    public void close(Grant grant) throws FirewallException {
      closes++;
      if (failClose) {
        throw new FirewallException("nft: Device or resource busy");
      }
      held.removeIf(grant::sameOpening);
    }

    @Override
    public List<Grant> list() {
      return List.copyOf(held);
    }

    @Override
    public void flush() {
      held.clear();
    }
  }

  static final class Events implements GrantManager.Listener, FirewallWatch.Listener {
    final List<Grant> expired = new CopyOnWriteArrayList<>();
    final List<Integer> lost = new CopyOnWriteArrayList<>();

    @Override
    public void firewallLost(int reopened, Exception repairFailure) {
      lost.add(repairFailure == null ? reopened : -1);
    }

    @Override
    public void expired(Grant grant) {
      expired.add(grant);
    }

    @Override
    public void failed(String operation, Grant grant, Exception cause) {}
  }
}
