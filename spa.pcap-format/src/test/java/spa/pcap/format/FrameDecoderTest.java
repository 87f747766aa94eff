package spa.pcap.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import spa.core.Packet;
import spa.pcap.format.testkit.Frames;

class FrameDecoderTest {

  static final Instant T = Instant.ofEpochSecond(1_700_000_000L, 42);
  static final byte[] PAYLOAD = "8hQ4g+M1Zz2Fy7yJkVbN0qmw/QjEHa9Rz4kYt5S2XfJmCk0r1QH8n".getBytes(StandardCharsets.US_ASCII);

  static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static Stream<Arguments> everyLinkTypeFamilyAndProtocol() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (LinkType t : LinkType.values()) {
      for (String[] pair : new String[][] {{"198.18.0.1", "198.18.0.2"}, {"fd00::1", "fd00::2"}}) {
        boolean v4 = pair[0].contains(".");
        if ((t == LinkType.IPV4 && !v4) || (t == LinkType.IPV6 && v4)) {
          continue;
        }
        for (int proto : new int[] {Packet.UDP, Packet.TCP, v4 ? Packet.ICMP : Packet.ICMPV6}) {
          b.add(Arguments.of(t, pair[0], pair[1], proto));
        }
      }
    }
    return b.build();
  }

  @ParameterizedTest(name = "{0} {1} proto {3}")
  @MethodSource("everyLinkTypeFamilyAndProtocol")
  void decodesEveryLinkTypeFamilyAndProtocol(LinkType type, String src, String dst, int proto) {
    byte[] frame = Frames.link(type, Frames.ip(ip(src), 40001, ip(dst), 62201, proto, PAYLOAD));
    FrameDecoder d = new FrameDecoder(type);
    Packet p = d.decode(frame, T);
    assertNotNull(p);
    assertEquals(ip(src), p.src());
    assertEquals(ip(dst), p.dst());
    assertEquals(proto, p.protocol());
    boolean ports = proto == Packet.UDP || proto == Packet.TCP;
    assertEquals(ports ? 40001 : 0, p.srcPort());
    assertEquals(ports ? 62201 : 0, p.dstPort());
    assertArrayEquals(PAYLOAD, p.payload());
    assertSame(T, p.arrival());
    assertEquals(1, d.decoded());
    assertEquals(0, d.ignored() + d.malformed());
  }

  @Test
  void decodesAtAnOffsetInsideALargerBuffer() {
    byte[] frame = Frames.link(LinkType.EN10MB, Frames.ip(ip("198.18.0.1"), 1, ip("198.18.0.2"), 2, Packet.UDP,
        PAYLOAD));
    byte[] buf = new byte[frame.length + 100];
    Arrays.fill(buf, (byte) 0x55);
    System.arraycopy(frame, 0, buf, 37, frame.length);
    Packet p = new FrameDecoder(LinkType.EN10MB).decode(buf, 37, frame.length, T);
    assertArrayEquals(PAYLOAD, p.payload());
  }

  @Test
  void followsVlanTagsIncludingQinQ() {
    byte[] eth = Frames.link(LinkType.EN10MB, Frames.ip(ip("198.18.0.1"), 5, ip("198.18.0.2"), 62201, Packet.UDP,
        PAYLOAD));
    byte[] dot1q = Frames.vlan(eth, 0x8100, 100);
    byte[] qinq = Frames.vlan(dot1q, 0x88a8, 200);
    byte[] old = Frames.vlan(dot1q, 0x9100, 300);
    assertEquals(0x88, qinq[12] & 0xff);
    assertEquals(0x81, qinq[16] & 0xff);
    FrameDecoder d = new FrameDecoder(LinkType.EN10MB);
    for (byte[] f : new byte[][] {dot1q, qinq, old}) {
      Packet p = d.decode(f, T);
      assertNotNull(p);
      assertEquals(62201, p.dstPort());
      assertArrayEquals(PAYLOAD, p.payload());
    }
    byte[] tooMany = eth;
    for (int i = 0; i < 9; i++) {
      tooMany = Frames.vlan(tooMany, 0x8100, i);
    }
    assertNull(d.decode(tooMany, T));
    assertEquals(1, d.malformed());
  }

  @Test
  void dropsEthernetPaddingAfterTheIpPacket() {
    byte[] eth = Frames.link(LinkType.EN10MB, Frames.ip(ip("198.18.0.1"), 5, ip("198.18.0.2"), 6, Packet.UDP,
        new byte[] {'a', 'b'}));
    assertEquals(44, eth.length);
    byte[] padded = Arrays.copyOf(eth, 64); // minimum frame plus FCS
    Arrays.fill(padded, 44, 64, (byte) 0xee);
    assertArrayEquals(new byte[] {'a', 'b'}, new FrameDecoder(LinkType.EN10MB).decode(padded, T).payload());
  }

  @Test
  void deliversPayloadCutBySnaplenAsCaptured() {
    byte[] ip = Frames.ip(ip("198.18.0.1"), 5, ip("198.18.0.2"), 6, Packet.UDP, PAYLOAD);
    byte[] cut = Arrays.copyOf(ip, ip.length - 10);
    Packet p = new FrameDecoder(LinkType.RAW).decode(cut, T);
    assertArrayEquals(Arrays.copyOf(PAYLOAD, PAYLOAD.length - 10), p.payload());
  }

  @Test
  void readsLoopbackFamilyInEitherByteOrder() {
    byte[] ip4 = Frames.ip(ip("127.0.0.1"), 5, ip("127.0.0.1"), 6, Packet.UDP, PAYLOAD);
    byte[] ip6 = Frames.ip(ip("::1"), 5, ip("::1"), 6, Packet.UDP, PAYLOAD);
    FrameDecoder d = new FrameDecoder(LinkType.NULL);
    for (byte[] fam : new byte[][] {{2, 0, 0, 0}, {0, 0, 0, 2}}) {
      assertNotNull(d.decode(concat(fam, ip4), T));
    }
    for (int af6 : new int[] {10, 24, 28, 30}) {
      assertNotNull(d.decode(concat(new byte[] {(byte) af6, 0, 0, 0}, ip6), T));
      assertNotNull(d.decode(concat(new byte[] {0, 0, 0, (byte) af6}, ip6), T));
    }
    assertNull(d.decode(concat(new byte[] {7, 0, 0, 0}, ip4), T));
    assertEquals(1, d.ignored());
    FrameDecoder loop = new FrameDecoder(LinkType.LOOP);
    assertNotNull(loop.decode(concat(new byte[] {0, 0, 0, 24}, ip6), T));
    assertNull(loop.decode(concat(new byte[] {2, 0, 0, 0}, ip4), T)); // LOOP is always network order
  }

  @Test
  void skipsIpv6ExtensionHeaders() {
    byte[] ip = Frames.ip(ip("fd00::1"), 5, ip("fd00::2"), 62201, Packet.UDP, PAYLOAD);
    // hop-by-hop (8 bytes) then destination options (16 bytes) between the fixed header and UDP
    byte[] ext = new byte[24];
    ext[0] = 60;
    ext[8] = 17;
    ext[9] = 1;
    byte[] f = new byte[ip.length + ext.length];
    System.arraycopy(ip, 0, f, 0, 40);
    System.arraycopy(ext, 0, f, 40, ext.length);
    System.arraycopy(ip, 40, f, 64, ip.length - 40);
    f[6] = 0;
    int plen = ((ip[4] & 0xff) << 8 | (ip[5] & 0xff)) + 24;
    f[4] = (byte) (plen >> 8);
    f[5] = (byte) plen;
    Packet p = new FrameDecoder(LinkType.IPV6).decode(f, T);
    assertEquals(62201, p.dstPort());
    assertArrayEquals(PAYLOAD, p.payload());
  }

  @Test
  void ignoresFragmentsOtherProtocolsAndNonIpFrames() {
    FrameDecoder d = new FrameDecoder(LinkType.EN10MB);
    byte[] ip4 = Frames.ip(ip("198.18.0.1"), 5, ip("198.18.0.2"), 6, Packet.UDP, PAYLOAD);
    byte[] moreFragments = ip4.clone();
    moreFragments[6] = 0x20;
    byte[] laterFragment = ip4.clone();
    laterFragment[6] = 0;
    laterFragment[7] = 10;
    byte[] gre = ip4.clone();
    gre[9] = 47;
    byte[] arp = Frames.link(LinkType.EN10MB, ip4);
    arp[12] = 0x08;
    arp[13] = 0x06;
    byte[] ip6 = Frames.ip(ip("fd00::1"), 5, ip("fd00::2"), 6, Packet.UDP, PAYLOAD);
    byte[] frag6 = new byte[ip6.length + 8];
    System.arraycopy(ip6, 0, frag6, 0, 40);
    System.arraycopy(ip6, 40, frag6, 48, ip6.length - 40);
    frag6[5] = (byte) (ip6[5] + 8);
    frag6[6] = 44;
    frag6[40] = 17;
    frag6[43] = 1; // more fragments
    assertNull(d.decode(Frames.link(LinkType.EN10MB, moreFragments), T));
    assertNull(d.decode(Frames.link(LinkType.EN10MB, laterFragment), T));
    assertNull(d.decode(Frames.link(LinkType.EN10MB, gre), T));
    assertNull(d.decode(arp, T));
    assertNull(d.decode(Frames.link(LinkType.EN10MB, frag6), T));
    assertEquals(5, d.ignored());
    assertEquals(0, d.malformed());
    assertEquals(0, d.decoded());
    // an unfragmented packet carried in a fragment header (offset 0, M clear) is still read
    frag6[43] = 0;
    assertArrayEquals(PAYLOAD, d.decode(Frames.link(LinkType.EN10MB, frag6), T).payload());
  }

  @Test
  void countsMalformedHeaders() {
    FrameDecoder d = new FrameDecoder(LinkType.RAW);
    byte[] ip4 = Frames.ip(ip("198.18.0.1"), 5, ip("198.18.0.2"), 6, Packet.TCP, PAYLOAD);
    byte[] badIhl = ip4.clone();
    badIhl[0] = 0x44;
    byte[] badTotal = ip4.clone();
    badTotal[2] = 0;
    badTotal[3] = 10;
    byte[] badTcpOffset = ip4.clone();
    badTcpOffset[20 + 12] = 0x40;
    byte[] badVersion = ip4.clone();
    badVersion[0] = 0x55;
    byte[] badUdpLength = Frames.ip(ip("198.18.0.1"), 5, ip("198.18.0.2"), 6, Packet.UDP, PAYLOAD);
    badUdpLength[25] = 3;
    for (byte[] f : new byte[][] {badIhl, badTotal, badTcpOffset, badVersion, badUdpLength, new byte[0]}) {
      assertNull(d.decode(f, T));
    }
    assertEquals(6, d.malformed());
    assertNull(new FrameDecoder(LinkType.IPV6).decode(ip4, T)); // IPv4 in an IPv6-only link type
    assertNull(d.decode(ip4, 10, ip4.length, T)); // range beyond the array
    assertEquals(7, d.malformed());
  }

  @Test
  void neverThrowsOnTruncatedOrCorruptedFrames() {
    Random r = new Random(11);
    for (LinkType t : LinkType.values()) {
      String[] pair = t == LinkType.IPV6 ? new String[] {"fd00::1", "fd00::2"} : new String[] {"198.18.0.1", "198.18.0.2"};
      byte[] frame = Frames.link(t, Frames.ip(ip(pair[0]), 1, ip(pair[1]), 2, Packet.TCP, PAYLOAD));
      if (t == LinkType.EN10MB) {
        frame = Frames.vlan(frame, 0x8100, 1);
      }
      FrameDecoder d = new FrameDecoder(t);
      for (int len = 0; len <= frame.length; len++) {
        d.decode(frame, 0, len, T);
      }
      for (int i = 0; i < 5000; i++) {
        byte[] f = frame.clone();
        for (int k = 1 + r.nextInt(4); k > 0; k--) {
          f[r.nextInt(f.length)] = (byte) r.nextInt(256);
        }
        d.decode(f, 0, r.nextInt(f.length + 1), T);
      }
      assertEquals(frame.length + 1 + 5000, d.decoded() + d.ignored() + d.malformed(), t.name());
    }
  }

  @Test
  void framesCarryValidChecksums() {
    byte[] ip4 = Frames.ip(ip("198.18.0.1"), 40001, ip("198.18.0.2"), 62201, Packet.UDP, PAYLOAD);
    assertEquals(0xffff, fold(ip4, 0, 20, 0)); // header checksum verifies
    int pseudo4 = fold(ip4, 12, 8, 0) + 17 + (ip4.length - 20);
    assertEquals(0xffff, fold(ip4, 20, ip4.length - 20, pseudo4));
    byte[] ip6 = Frames.ip(ip("fd00::1"), 1, ip("fd00::2"), 2, Packet.TCP, new byte[] {1, 2, 3});
    int pseudo6 = fold(ip6, 8, 32, 0) + 6 + (ip6.length - 40);
    assertEquals(0xffff, fold(ip6, 40, ip6.length - 40, pseudo6));
    byte[] icmp = Frames.ip(ip("198.18.0.1"), 0, ip("198.18.0.2"), 0, Packet.ICMP, new byte[] {9});
    assertEquals(0xffff, fold(icmp, 20, icmp.length - 20, 0));
  }

  @Test
  void mapsPlatformRawCodesToRaw() {
    assertEquals(LinkType.RAW, LinkType.of(12));
    assertEquals(LinkType.RAW, LinkType.of(14));
    assertEquals(LinkType.RAW, LinkType.of(101));
    assertEquals(LinkType.LINUX_SLL2, LinkType.of(276));
    assertNull(LinkType.of(105));
    for (LinkType t : LinkType.values()) {
      assertEquals(t, LinkType.of(t.code()));
    }
  }

  private static int fold(byte[] f, int off, int len, int initial) {
    long s = initial;
    for (int i = 0; i < len; i += 2) {
      s += (f[off + i] & 0xff) << 8 | (i + 1 < len ? f[off + i + 1] & 0xff : 0);
    }
    while ((s >>> 16) != 0) {
      s = (s & 0xffff) + (s >>> 16);
    }
    return (int) s;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
