package spa.client;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.random.RandomGenerator;

/**
 * The whole IPv4 datagram of fwknop's raw modes, header included, so that the source address can be any
 * ({@code -Q}): {@code udpraw} a UDP datagram, {@code tcpraw} one TCP segment (PSH|ACK, no connection),
 * {@code icmp} an echo request; the SPA wire string is the payload. Checksums are filled in.
 */
public final class RawDatagram {
  /** IP protocol numbers. */
  static final int ICMP = 1;
  static final int TCP = 6;
  static final int UDP = 17;

  private static final int IP_HEADER = 20;

  private RawDatagram() {}

  /** The IP protocol of a raw mode name ({@code udpraw}, {@code tcpraw}, {@code icmp}). */
  static int protocol(String mode) {
    return switch (mode) {
      case "udpraw" -> UDP;
      case "tcpraw" -> TCP;
      case "icmp" -> ICMP;
      default -> throw new IllegalArgumentException("not a raw mode: " + mode);
    };
  }

  /** The datagram; the ports are ignored for icmp. */
  public static byte[] ipv4(String mode, Inet4Address src, int srcPort, Inet4Address dst, int dstPort,
      byte[] payload, RandomGenerator random) {
    int proto = protocol(mode);
    int transport = switch (proto) {
      case UDP, ICMP -> 8;
      default -> 20;
    };
    int total = IP_HEADER + transport + payload.length;
    if (total > 65535) {
      throw new IllegalArgumentException("payload of " + payload.length + " bytes does not fit one IPv4 datagram");
    }
    ByteBuffer b = ByteBuffer.allocate(total);
    b.put((byte) 0x45).put((byte) 0).putShort((short) total).putShort((short) random.nextInt(1 << 16))
        .putShort((short) 0).put((byte) 64).put((byte) proto).putShort((short) 0)
        .put(src.getAddress()).put(dst.getAddress());
    b.putShort(10, checksum(b.array(), 0, IP_HEADER, 0));
    int t = IP_HEADER;
    switch (proto) {
      case UDP -> b.putShort((short) srcPort).putShort((short) dstPort).putShort((short) (8 + payload.length))
          .putShort((short) 0);
      case TCP -> b.putShort((short) srcPort).putShort((short) dstPort).putInt(random.nextInt()).putInt(0)
          .put((byte) 0x50).put((byte) 0x18).putShort((short) 65535).putShort((short) 0).putShort((short) 0);
      default -> b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) random.nextInt(1 << 16))
          .putShort((short) random.nextInt(1 << 16));
    }
    b.put(payload);
    byte[] d = b.array();
    int len = transport + payload.length;
    if (proto == ICMP) {
      b.putShort(t + 2, checksum(d, t, len, 0));
    } else {
      long pseudo = sum(d, 12, 8) + proto + len;
      short c = checksum(d, t, len, pseudo);
      b.putShort(t + (proto == UDP ? 6 : 16), proto == UDP && c == 0 ? (short) 0xffff : c);
    }
    return d;
  }

  /** The Internet checksum (RFC 1071) of {@code d[off, off+len)} with {@code start} added. */
  static short checksum(byte[] d, int off, int len, long start) {
    long s = start + sum(d, off, len);
    while ((s >> 16) != 0) {
      s = (s & 0xffff) + (s >> 16);
    }
    return (short) ~s;
  }

  private static long sum(byte[] d, int off, int len) {
    long s = 0;
    for (int i = 0; i + 1 < len; i += 2) {
      s += ((d[off + i] & 0xff) << 8) | (d[off + i + 1] & 0xff);
    }
    if ((len & 1) != 0) {
      s += (d[off + len - 1] & 0xff) << 8;
    }
    return s;
  }
}
