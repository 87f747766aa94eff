package spa.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import spa.core.Packet;
import spa.pcap.format.FrameDecoder;
import spa.pcap.format.LinkType;

/** The raw modes' datagrams, read back by the frame decoder spad's pcap capture uses, checksums verified. */
class RawDatagramTest {
  private static final byte[] WIRE = ("8bHrxhd2wKd7fwS1d2+ITbVgsxQmM+4pXGjqqRcXkhHCz3pLc4lgbuSj6Gi4+6RoNVS0WGngQ31dE6p"
      + "yRMUCKd6UeiXeSCtO8sVlbwDoJaTBl0ZjoC3DZz8/AAHi").getBytes(StandardCharsets.US_ASCII);

  @ParameterizedTest
  @ValueSource(strings = {"udpraw", "tcpraw", "icmp"})
  void decodesToThePayloadFromTheSpoofedSource(String mode) throws Exception {
    Inet4Address src = (Inet4Address) InetAddress.getByName("198.18.0.77");
    Inet4Address dst = (Inet4Address) InetAddress.getByName("198.18.1.1");
    byte[] d = RawDatagram.ipv4(mode, src, 40001, dst, 62201, WIRE, new SplittableRandom(1));

    Packet p = new FrameDecoder(LinkType.IPV4).decode(d, Instant.EPOCH);
    assertEquals(src, p.src());
    assertEquals(dst, p.dst());
    assertEquals(RawDatagram.protocol(mode), p.protocol());
    assertArrayEquals(WIRE, p.payload());
    if (!mode.equals("icmp")) {
      assertEquals(40001, p.srcPort());
      assertEquals(62201, p.dstPort());
    }

    assertEquals(d.length, ((d[2] & 0xff) << 8) | (d[3] & 0xff));
    assertEquals(0, RawDatagram.checksum(d, 0, 20, 0), "IP header checksum");
    int len = d.length - 20;
    long pseudo = mode.equals("icmp") ? 0 : sum(d, 12, 8) + RawDatagram.protocol(mode) + len;
    assertEquals(0, RawDatagram.checksum(d, 20, len, pseudo), mode + " checksum");
  }

  private static long sum(byte[] d, int off, int len) {
    long s = 0;
    for (int i = 0; i < len; i += 2) {
      s += ((d[off + i] & 0xff) << 8) | (d[off + i + 1] & 0xff);
    }
    return s;
  }
}
