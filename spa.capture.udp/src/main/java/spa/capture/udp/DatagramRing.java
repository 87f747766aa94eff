package spa.capture.udp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import spa.core.Packet;

/**
 * A preallocated ring of received datagrams between one receiving thread (the producer) and one thread that
 * hands them on (the consumer). The producer receives straight into the ring ({@link #claim}, then
 * {@link #commit}); nothing is allocated for a datagram until the consumer turns it into a {@link Packet}
 * ({@link #poll}). Records are packed: a header (length, source, arrival) then the payload, 8-byte aligned;
 * a record never wraps, a marker sends the reader back to the start instead.
 */
final class DatagramRing {
  /** int length (-1: wrap marker), short port, byte address length, byte pad, 16 address bytes, long seconds, int nanos. */
  static final int HEADER = 40;
  private static final int WRAP = -1;

  private final ByteBuffer ring;
  private final ByteBuffer writer;
  private final int capacity;
  private final int maxPayload;
  /** Bytes written and read since the start; only the producer moves tail, only the consumer head. */
  private final AtomicLong tail = new AtomicLong();
  private final AtomicLong head = new AtomicLong();
  private int claimed = -1;
  private final byte[] addr4 = new byte[4];
  private final byte[] addr16 = new byte[16];

  /**
   * @param capacity bytes for records, at least two of the largest
   * @param maxPayload the largest payload kept per datagram
   */
  DatagramRing(int capacity, int maxPayload) {
    int cap = capacity & ~7;
    if (cap < 2 * recordSize(maxPayload)) {
      throw new IllegalArgumentException("ring of " + capacity + " bytes cannot hold two datagrams of " + maxPayload);
    }
    this.capacity = cap;
    this.maxPayload = maxPayload;
    this.ring = ByteBuffer.allocateDirect(cap);
    this.writer = ring.duplicate();
  }

  private static int recordSize(int payload) {
    return (HEADER + payload + 7) & ~7;
  }

  /**
   * Producer: a buffer positioned where the next payload goes, with room for {@code maxPayload} bytes; null when
   * the ring has no room for one (the datagram must then be received elsewhere and counted as dropped).
   */
  ByteBuffer claim() {
    long t = tail.get();
    int pos = (int) (t % capacity);
    long free = capacity - (t - head.get());
    int need = recordSize(maxPayload);
    if (capacity - pos < need) {
      // the largest record would not fit before the end: mark the rest as skipped and start again at 0
      long skip = capacity - pos;
      if (free < skip + need) {
        return null;
      }
      ring.putInt(pos, WRAP);
      tail.set(t + skip);
      pos = 0;
    } else if (free < need) {
      return null;
    }
    claimed = pos;
    writer.limit(pos + HEADER + maxPayload).position(pos + HEADER);
    return writer;
  }

  /**
   * Producer: keeps what was received into the claimed buffer (its position marks the end), from {@code from},
   * and publishes it to the consumer.
   */
  void commit(InetSocketAddress from, Instant arrival) {
    int pos = claimed;
    int n = writer.position() - pos - HEADER;
    byte[] a = from.getAddress().getAddress();
    ring.putInt(pos, n);
    ring.putShort(pos + 4, (short) from.getPort());
    ring.put(pos + 6, (byte) a.length);
    ring.put(pos + 8, a);
    ring.putLong(pos + 24, arrival.getEpochSecond());
    ring.putInt(pos + 32, arrival.getNano());
    claimed = -1;
    tail.set(tail.get() + recordSize(n)); // a volatile write: the record's bytes are visible before it
  }

  /** Consumer: true when no record waits. */
  boolean isEmpty() {
    return head.get() == tail.get();
  }

  /**
   * Consumer: the oldest record as a packet to {@code dst}:{@code dstPort}, its space given back; null when the
   * ring is empty.
   */
  Packet poll(InetAddress dst, int dstPort) {
    long h = head.get();
    if (h == tail.get()) {
      return null;
    }
    int pos = (int) (h % capacity);
    int n = ring.getInt(pos);
    if (n == WRAP) {
      h += capacity - pos;
      head.set(h);
      if (h == tail.get()) {
        return null; // the record after the marker is not committed yet
      }
      pos = 0;
      n = ring.getInt(0);
    }
    int port = ring.getShort(pos + 4) & 0xffff;
    byte[] a = ring.get(pos + 6) == 4 ? addr4 : addr16;
    ring.get(pos + 8, a);
    long seconds = ring.getLong(pos + 24);
    int nanos = ring.getInt(pos + 32);
    byte[] payload = new byte[n];
    ring.get(pos + HEADER, payload);
    head.set(h + recordSize(n));
    InetAddress src;
    try {
      src = InetAddress.getByAddress(a); // a literal: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalStateException("address of " + a.length + " bytes", e);
    }
    return new Packet(src, port, dst, dstPort, Packet.UDP, payload, Instant.ofEpochSecond(seconds, nanos));
  }

  /** Bytes of records waiting. */
  long used() {
    return tail.get() - head.get();
  }

  int capacity() {
    return capacity;
  }
}
