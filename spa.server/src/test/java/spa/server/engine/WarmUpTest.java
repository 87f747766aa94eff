package spa.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.spi.Decryptor;
import spa.server.event.EventFormat;
import spa.server.testkit.TestKit;

/**
 * The start-up warm-up decides the ciphers' own samples through the intake, a queue and a worker, each accepted
 * (two samples: two stanzas, the second's packets tried against both), and says in one line what it did or why
 * it stopped.
 */
class WarmUpTest {
  private static final EventFormat FORMAT = EventFormat.values()[0];

  private static WarmUp.Cipher aes() {
    Decryptor d = TestKit.decryptors().stream().filter(c -> c.name().equals("aes")).findFirst().orElseThrow();
    return new WarmUp.Cipher(d, d.sample());
  }

  private static WarmUp.Bench bench(WarmUp.Cipher c) throws Exception {
    return WarmUp.Bench.of(List.of(c), FORMAT);
  }

  @Test
  void samplesAreDecidedAndTheCountIsReported() throws Exception {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    WarmUp.start(() -> List.of(aes(), aes()), 300, FORMAT, lines::add, lines::add);
    String line = lines.poll(20, TimeUnit.SECONDS);
    assertTrue(line != null && line.matches("warm-up: 300 sample packets decided in \\d+ ms"), line);
  }

  @Test
  void aSampleThatIsNotAcceptedStopsTheWarmUpWithOneLine() throws Exception {
    WarmUp.Cipher a = aes();
    // packets of one sample, keys of another: not one opens
    WarmUp.Cipher wrong = new WarmUp.Cipher(a.decryptor(),
        new Decryptor.Sample(aes().sample().keys(), a.sample().source(), a.sample().packets()));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> WarmUp.run(bench(wrong), 1));
    assertTrue(e.getMessage().startsWith("0 of 1 sample packets were accepted (refused: {auth=1}"), e.getMessage());
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    WarmUp.start(() -> List.of(wrong), 10, FORMAT, lines::add, lines::add);
    String line = lines.poll(20, TimeUnit.SECONDS);
    assertTrue(line != null && line.startsWith("warm-up stopped (knocks are decided all the same, more slowly at "
        + "first): 0 of 10 sample packets were accepted"), line);
  }

  /**
   * The act path's rehearsal: each knock is granted through the stand-in before the next is sent, three in four
   * are revoked (new openings, and some extended), and its replay file and journal are gone afterwards.
   */
  @Test
  void knocksAreRehearsedThroughTheActPathOneAtATime(@TempDir Path scratch) throws Exception {
    GrantBatchingTest.SlowBackend standIn = new GrantBatchingTest.SlowBackend();
    WarmUp.Rehearsed made = WarmUp.rehearse(bench(aes()), new WarmUp.Rehearsal(standIn, "slow", null, scratch, 40));
    assertEquals(new WarmUp.Rehearsed(40, false, null), made);
    assertEquals(40, standIn.calls.size(), "one firewall operation per knock: " + standIn.calls);
    assertTrue(standIn.calls.stream().allMatch(c -> c.size() == 1), standIn.calls.toString());
    try (var left = Files.list(scratch)) {
      assertEquals(List.of(), left.toList());
    }
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    WarmUp.start(() -> List.of(aes()), 100, () -> new WarmUp.Rehearsal(new GrantBatchingTest.SlowBackend(), "slow",
        null, scratch, 10), FORMAT, lines::add, lines::add);
    String line = lines.poll(20, TimeUnit.SECONDS);
    assertTrue(line != null && line.matches("warm-up: 100 sample packets decided in \\d+ ms; 10 knocks rehearsed "
        + "through the act path \\(slow sends nothing\\) in \\d+ ms"), line);
  }

  /** With the UDP capture's rehearsal, each knock reaches the intake as a datagram to a loopback socket of its own. */
  @Test
  void knocksReachTheRehearsalThroughTheCapturesLoopbackSocket(@TempDir Path scratch) throws Exception {
    GrantBatchingTest.SlowBackend standIn = new GrantBatchingTest.SlowBackend();
    List<Integer> ports = new java.util.ArrayList<>();
    WarmUp.LoopbackCapture udp = (port, sink) -> {
      ports.add(port);
      return java.util.ServiceLoader.load(spa.core.spi.CaptureSource.class).stream()
          .map(java.util.ServiceLoader.Provider::get).filter(c -> c.name().equals("udp")).findFirst().orElseThrow()
          .rehearsal(spa.core.Settings.empty(), port, sink);
    };
    assertEquals(new WarmUp.Rehearsed(20, true, null),
        WarmUp.rehearse(bench(aes()), new WarmUp.Rehearsal(standIn, "slow", udp, scratch, 20)));
    assertEquals(20, standIn.calls.size());
    assertEquals(1, ports.size());
    // the socket is closed again: its port can be bound
    try (java.nio.channels.DatagramChannel again = java.nio.channels.DatagramChannel.open()) {
      again.bind(new java.net.InetSocketAddress("127.0.0.1", ports.get(0)));
    }
  }

  /**
   * A capture rehearsal that cannot start, or captures nothing, leaves the knocks to go straight to the intake, and
   * the result says why.
   */
  @Test
  void aCaptureThatFailsOrSeesNothingLeavesTheKnocksToTheIntake(@TempDir Path scratch) throws Exception {
    WarmUp.LoopbackCapture broken = (port, sink) -> {
      throw new java.io.IOException("no such interface");
    };
    WarmUp.Rehearsed r = WarmUp.rehearse(bench(aes()),
        new WarmUp.Rehearsal(new GrantBatchingTest.SlowBackend(), "slow", broken, scratch, 8));
    assertEquals(8, r.knocks());
    assertTrue(!r.captured() && r.captureNote().matches("127\\.0\\.0\\.1 port \\d+: no such interface"), r.toString());
    WarmUp.LoopbackCapture deaf = (port, sink) -> () -> { };
    r = WarmUp.rehearse(bench(aes()),
        new WarmUp.Rehearsal(new GrantBatchingTest.SlowBackend(), "slow", deaf, scratch, 8));
    assertEquals(8, r.knocks());
    assertTrue(!r.captured() && r.captureNote().matches("nothing sent to .* was captured within a second"),
        r.toString());
  }

  /** A stand-in that refuses stops the rehearsal at the first knock, with one line saying what was counted. */
  @Test
  void aRefusedRehearsalSaysWhichKnockWasNotGranted(@TempDir Path scratch) throws Exception {
    GrantBatchingTest.SlowBackend standIn = new GrantBatchingTest.SlowBackend();
    standIn.refuse = aes().sample().source().getHostAddress();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> WarmUp.rehearse(bench(aes()), new WarmUp.Rehearsal(standIn, "slow", null, scratch, 5)));
    assertEquals("rehearsal: knock 1 of 5 was not granted within a second (accepted: 1, refused: {}, not queued: {})",
        e.getMessage());
    try (var left = Files.list(scratch)) {
      assertEquals(List.of(), left.toList());
    }
  }

  @Test
  void noPacketsOrNoCiphersIsNoWarmUp() throws Exception {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    WarmUp.start(() -> { throw new AssertionError("samples made for 0 packets"); }, 0, FORMAT, lines::add, lines::add);
    WarmUp.start(List::of, 100, FORMAT, lines::add, lines::add);
    assertEquals(null, lines.poll(300, TimeUnit.MILLISECONDS));
  }
}
