package spa.capture.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import spa.core.Packet;

class DatagramRingTest {
  private static final int MAX = 1500;
  private final InetAddress dst = ip("0.0.0.0");

  /** An address literal: no lookup. */
  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] payload(int n, int seed) {
    byte[] b = new byte[n];
    Arrays.fill(b, (byte) seed);
    b[0] = (byte) (seed >> 8);
    return b;
  }

  private static boolean offer(DatagramRing ring, byte[] p, InetSocketAddress from, Instant t) {
    ByteBuffer into = ring.claim();
    if (into == null) {
      return false;
    }
    assertTrue(into.remaining() >= MAX, "claim leaves room for the largest datagram");
    into.put(p);
    ring.commit(from, t);
    return true;
  }

  @Test
  void keepsPayloadSourceAndArrivalOfEachDatagramInOrder() {
    DatagramRing ring = new DatagramRing(64 * 1024, MAX);
    InetSocketAddress v4 = new InetSocketAddress(ip("198.18.0.7"), 40000);
    InetSocketAddress v6 = new InetSocketAddress(ip("fd00::9"), 65535);
    Instant t1 = Instant.ofEpochSecond(1_800_000_000L, 123_456_789);
    Instant t2 = t1.plusNanos(1);
    assertTrue(offer(ring, payload(140, 1), v4, t1));
    assertTrue(offer(ring, payload(1500, 2), v6, t2));
    Packet a = ring.poll(dst, 62201);
    assertEquals(v4.getAddress(), a.src());
    assertEquals(40000, a.srcPort());
    assertEquals(dst, a.dst());
    assertEquals(62201, a.dstPort());
    assertEquals(Packet.UDP, a.protocol());
    assertArrayEquals(payload(140, 1), a.payload());
    assertEquals(t1, a.arrival());
    Packet b = ring.poll(dst, 62201);
    assertEquals(v6.getAddress(), b.src());
    assertEquals(65535, b.srcPort());
    assertArrayEquals(payload(1500, 2), b.payload());
    assertEquals(t2, b.arrival());
    assertNull(ring.poll(dst, 62201));
    assertTrue(ring.isEmpty());
  }

  @Test
  void refusesWhenFullAndTakesAgainOnceRead() {
    DatagramRing ring = new DatagramRing(16 * 1024, MAX);
    InetSocketAddress from = new InetSocketAddress(ip("127.0.0.1"), 5);
    int kept = 0;
    while (offer(ring, payload(200, kept), from, Instant.EPOCH)) {
      kept++;
    }
    assertTrue(kept > 50, "16 KiB holds many 200-byte records: " + kept);
    assertNull(ring.claim(), "still full");
    assertArrayEquals(payload(200, 0), ring.poll(dst, 1).payload());
    for (int i = 1; i < kept; i++) {
      assertArrayEquals(payload(200, i), ring.poll(dst, 1).payload());
    }
    assertTrue(ring.isEmpty());
    assertTrue(offer(ring, payload(300, 7), from, Instant.EPOCH));
    assertArrayEquals(payload(300, 7), ring.poll(dst, 1).payload());
  }

  @Test
  void wrapsAroundManyTimesWithoutLosingOrMixingRecords() {
    DatagramRing ring = new DatagramRing(8 * 1024, MAX);
    InetSocketAddress from = new InetSocketAddress(ip("198.18.0.1"), 9);
    SplittableRandom r = new SplittableRandom(7);
    Deque<byte[]> expected = new ArrayDeque<>();
    int written = 0;
    int read = 0;
    while (read < 20_000) {
      if (r.nextBoolean() && written < 20_000) {
        byte[] p = payload(140 + r.nextInt(MAX - 139), written);
        if (offer(ring, p, from, Instant.EPOCH)) {
          expected.add(p);
          written++;
        }
      } else {
        Packet p = ring.poll(dst, 1);
        if (p == null) {
          assertTrue(expected.isEmpty());
        } else {
          assertArrayEquals(expected.removeFirst(), p.payload(), "record " + read);
          read++;
        }
      }
    }
    assertTrue(ring.isEmpty());
  }

  @Test
  void aClaimNotCommittedIsNotSeenAndIsReusedByTheNext() {
    DatagramRing ring = new DatagramRing(8 * 1024, MAX);
    InetSocketAddress from = new InetSocketAddress(ip("198.18.0.1"), 9);
    ring.claim().put(payload(500, 1)); // a datagram too short to keep: claimed, never committed
    assertNull(ring.poll(dst, 1));
    assertTrue(offer(ring, payload(160, 2), from, Instant.EPOCH));
    assertArrayEquals(payload(160, 2), ring.poll(dst, 1).payload());
  }

  @Test
  void refusesARingTooSmallForTwoDatagrams() {
    assertThrows(IllegalArgumentException.class, () -> new DatagramRing(3000, MAX));
  }
}
