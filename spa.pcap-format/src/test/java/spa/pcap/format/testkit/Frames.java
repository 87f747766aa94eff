package spa.pcap.format.testkit;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;
import spa.core.Packet;
import spa.pcap.format.FrameDecoder;
import spa.pcap.format.LinkType;

/**
 * Builds well-formed frames (IP packets with valid checksums, wrapped in a link layer) for pcap files
 * that tests, benchmarks and replays feed to capture sources. The inverse of {@link FrameDecoder}.
 */
public final class Frames {

  private static final byte[] DST_MAC = {2, 0, 0, 0, 0, 2};
  private static final byte[] SRC_MAC = {2, 0, 0, 0, 0, 1};

  private Frames() {}

  /** The IP packet for {@code p}: its addresses, ports, protocol and payload. */
  public static byte[] ip(Packet p) {
    return ip(p.src(), p.srcPort(), p.dst(), p.dstPort(), p.protocol(), p.payload());
  }

  /**
   * An IPv4 or IPv6 packet (by the family of the addresses, which must agree) carrying {@code payload}
   * in UDP, TCP (one PSH/ACK segment) or ICMP/ICMPv6 (an echo reply, payload after the 8-byte header;
   * ports are not used). TTL / hop limit 64, IPv4 with don't-fragment set.
   */
  public static byte[] ip(InetAddress src, int srcPort, InetAddress dst, int dstPort, int protocol,
      byte[] payload) {
    boolean v4 = src instanceof Inet4Address;
    if (v4 != dst instanceof Inet4Address) {
      throw new IllegalArgumentException("source and destination address families differ");
    }
    int thl = switch (protocol) {
      case Packet.UDP, Packet.ICMP, Packet.ICMPV6 -> 8;
      case Packet.TCP -> 20;
      default -> throw new IllegalArgumentException("protocol " + protocol);
    };
    int iphl = v4 ? 20 : 40;
    int tlen = thl + payload.length;
    byte[] f = new byte[iphl + tlen];
    if (v4) {
      if (iphl + tlen > 0xffff) {
        throw new IllegalArgumentException("IPv4 packet too long");
      }
      f[0] = 0x45;
      put16(f, 2, iphl + tlen);
      put16(f, 6, 0x4000);
      f[8] = 64;
      f[9] = (byte) protocol;
      System.arraycopy(src.getAddress(), 0, f, 12, 4);
      System.arraycopy(dst.getAddress(), 0, f, 16, 4);
      put16(f, 10, ~sum(f, 0, 20, 0) & 0xffff);
    } else {
      f[0] = 0x60;
      put16(f, 4, tlen);
      f[6] = (byte) protocol;
      f[7] = 64;
      System.arraycopy(src.getAddress(), 0, f, 8, 16);
      System.arraycopy(dst.getAddress(), 0, f, 24, 16);
    }
    int t = iphl;
    switch (protocol) {
      case Packet.UDP -> {
        put16(f, t, srcPort);
        put16(f, t + 2, dstPort);
        put16(f, t + 4, tlen);
      }
      case Packet.TCP -> {
        put16(f, t, srcPort);
        put16(f, t + 2, dstPort);
        put32(f, t + 4, 1);
        put32(f, t + 8, 1);
        f[t + 12] = 0x50;
        f[t + 13] = 0x18; // PSH, ACK
        put16(f, t + 14, 65535);
      }
      default -> f[t] = (byte) (v4 ? 0 : 129); // echo reply
    }
    System.arraycopy(payload, 0, f, t + thl, payload.length);
    int pseudo = 0;
    if (protocol != Packet.ICMP) { // ICMPv4 alone has no pseudo-header
      pseudo = v4 ? sum(f, 12, 8, 0) : sum(f, 8, 32, 0);
      pseudo += protocol + tlen;
    }
    int checksum = ~sum(f, t, tlen, pseudo) & 0xffff;
    if (protocol == Packet.UDP && checksum == 0) {
      checksum = 0xffff;
    }
    put16(f, t + switch (protocol) {
      case Packet.UDP -> 6;
      case Packet.TCP -> 16;
      default -> 2;
    }, checksum);
    return f;
  }

  /** {@code ip} wrapped in the link layer of {@code type} (Ethernet frames are untagged). */
  public static byte[] link(LinkType type, byte[] ip) {
    int version = ip.length == 0 ? 0 : (ip[0] & 0xff) >>> 4;
    if (version != 4 && version != 6) {
      throw new IllegalArgumentException("not an IP packet");
    }
    boolean v4 = version == 4;
    int etherType = v4 ? 0x0800 : 0x86dd;
    return switch (type) {
      case RAW -> ip.clone();
      case IPV4, IPV6 -> {
        if (v4 != (type == LinkType.IPV4)) {
          throw new IllegalArgumentException("IPv" + version + " packet for link type " + type);
        }
        yield ip.clone();
      }
      case EN10MB -> {
        byte[] f = prefix(14, ip);
        System.arraycopy(DST_MAC, 0, f, 0, 6);
        System.arraycopy(SRC_MAC, 0, f, 6, 6);
        put16(f, 12, etherType);
        yield f;
      }
      case LINUX_SLL -> {
        byte[] f = prefix(16, ip);
        put16(f, 2, 1); // ARPHRD_ETHER; packet type 0 = to us
        put16(f, 4, 6);
        System.arraycopy(SRC_MAC, 0, f, 6, 6);
        put16(f, 14, etherType);
        yield f;
      }
      case LINUX_SLL2 -> {
        byte[] f = prefix(20, ip);
        put16(f, 0, etherType);
        put32(f, 4, 1); // interface index
        put16(f, 8, 1);
        f[11] = 6;
        System.arraycopy(SRC_MAC, 0, f, 12, 6);
        yield f;
      }
      case NULL -> {
        byte[] f = prefix(4, ip);
        f[0] = (byte) (v4 ? 2 : 30); // little-endian host, Darwin's AF_INET6
        yield f;
      }
      case LOOP -> {
        byte[] f = prefix(4, ip);
        f[3] = (byte) (v4 ? 2 : 24); // network order, OpenBSD's AF_INET6
        yield f;
      }
    };
  }

  /** {@code ethernet} with a VLAN tag ({@code tpid} 0x8100 for 802.1Q, 0x88a8 for an 802.1ad outer tag) inserted after the MAC addresses. */
  public static byte[] vlan(byte[] ethernet, int tpid, int vlanId) {
    Objects.checkIndex(13, ethernet.length);
    byte[] f = new byte[ethernet.length + 4];
    System.arraycopy(ethernet, 0, f, 0, 12);
    put16(f, 12, tpid);
    put16(f, 14, vlanId & 0x0fff);
    System.arraycopy(ethernet, 12, f, 16, ethernet.length - 12);
    return f;
  }

  private static byte[] prefix(int n, byte[] ip) {
    byte[] f = new byte[n + ip.length];
    System.arraycopy(ip, 0, f, n, ip.length);
    return f;
  }

  /** Ones'-complement sum of 16-bit words, folded to 16 bits. */
  private static int sum(byte[] f, int off, int len, int initial) {
    long s = initial;
    int i = off;
    for (int end = off + (len & ~1); i < end; i += 2) {
      s += (f[i] & 0xff) << 8 | (f[i + 1] & 0xff);
    }
    if ((len & 1) != 0) {
      s += (f[i] & 0xff) << 8;
    }
    while ((s >>> 16) != 0) {
      s = (s & 0xffff) + (s >>> 16);
    }
    return (int) s;
  }

  private static void put16(byte[] f, int at, int v) {
    f[at] = (byte) (v >>> 8);
    f[at + 1] = (byte) v;
  }

  private static void put32(byte[] f, int at, int v) {
    put16(f, at, v >>> 16);
    put16(f, at + 2, v);
  }
}
