package spa.server.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import spa.core.Packet;
import spa.core.Settings;
import spa.core.replay.ReplayStore;

class SharedReplaysTest {
  /** A shared store that two gateways reach, which can be taken down. */
  static final class Switchable implements ReplayStore {
    final LocalReplayStore fleet = new LocalReplayStore();
    volatile boolean down;

    @Override public String name() {
      return "test";
    }

    @Override public void start(Settings settings) {}

    @Override public Answer firstSeen(byte[] digest, long epochSecond, long ttlMillis) {
      return down ? Answer.UNAVAILABLE : fleet.firstSeen(digest, epochSecond, ttlMillis);
    }
  }

  private final Switchable store = new Switchable();
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final List<String> errors = new ArrayList<>();
  private final List<String> infos = new ArrayList<>();

  private SharedReplays gateway(SharedReplays.Fault fault) {
    return new SharedReplays(store, new Replays(new ReplayCache(), null), 150_000, fault, errors::add, infos::add,
        clock::get, 10_000);
  }

  private static byte[] sha(String s) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static Packet packet() throws Exception {
    return new Packet(InetAddress.getByName("198.18.0.1"), 40000, InetAddress.getByName("198.18.0.2"), 62201,
        Packet.UDP, new byte[] {1}, java.time.Instant.EPOCH);
  }

  @Test
  void aPacketAcceptedByOneGatewayIsAReplayOnTheOther() throws Exception {
    SharedReplays a = gateway(SharedReplays.Fault.CLOSED);
    SharedReplays b = gateway(SharedReplays.Fault.CLOSED);
    assertInstanceOf(ReplayGuard.First.class, a.firstSeen(sha("p"), packet(), 100));
    assertInstanceOf(ReplayGuard.Again.class, b.firstSeen(sha("p"), packet(), 101));
    assertInstanceOf(ReplayGuard.Again.class, a.firstSeen(sha("p"), packet(), 101));
    assertEquals(1, a.size());
    assertEquals(0, b.size());
  }

  @Test
  void failClosedRefusesAndReportsOncePerInterval() throws Exception {
    SharedReplays b = gateway(SharedReplays.Fault.CLOSED);
    store.down = true;
    assertInstanceOf(ReplayGuard.Unavailable.class, b.firstSeen(sha("1"), packet(), 100));
    assertInstanceOf(ReplayGuard.Unavailable.class, b.firstSeen(sha("2"), packet(), 100));
    assertEquals(1, errors.size());
    clock.addAndGet(10_000);
    b.firstSeen(sha("3"), packet(), 110);
    assertEquals(2, errors.size());
    store.down = false;
    assertInstanceOf(ReplayGuard.First.class, b.firstSeen(sha("1"), packet(), 111));
    assertEquals(1, infos.size());
    assertTrue(infos.get(0).contains("answers again after 10000 ms"), infos.get(0));
  }

  @Test
  void localFallbackStillRefusesWhatThisGatewaySawAndLogsTheGap() throws Exception {
    SharedReplays b = gateway(SharedReplays.Fault.LOCAL);
    assertInstanceOf(ReplayGuard.First.class, b.firstSeen(sha("before"), packet(), 100));
    store.down = true;
    assertInstanceOf(ReplayGuard.Again.class, b.firstSeen(sha("before"), packet(), 101));
    assertInstanceOf(ReplayGuard.First.class, b.firstSeen(sha("during"), packet(), 101));
    assertInstanceOf(ReplayGuard.Again.class, b.firstSeen(sha("during"), packet(), 102));
    assertEquals(1, errors.size());
    assertTrue(errors.get(0).contains("REDIS_FAULT local"), errors.get(0));
    store.down = false;
    b.firstSeen(sha("after"), packet(), 103);
    assertTrue(infos.get(0).contains("this gateway's cache only"), infos.get(0));
  }
}
