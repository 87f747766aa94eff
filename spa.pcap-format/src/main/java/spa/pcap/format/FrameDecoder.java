package spa.pcap.format;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import spa.core.Packet;

/**
 * Turns a captured link-layer frame into a {@link Packet}: link header, then IPv4 or IPv6 (extension
 * headers skipped), then the payload of UDP, TCP (any segment, no reassembly) or ICMP/ICMPv6 (after
 * the 8-byte header; ports are then 0). Never throws on bad input: frames without such a payload are
 * counted as {@linkplain #ignored() ignored} (ARP, other protocols, fragments) or
 * {@linkplain #malformed() malformed} (truncated or inconsistent headers) and yield null. Checksums are not verified (a host
 * capturing its own traffic sees offloaded, unfinished checksums). Payloads cut by the snapshot length
 * are delivered as captured. One instance per capture thread: the counters are not synchronized.
 */
public final class FrameDecoder {

  /** IP protocol number of ICMPv6. */
  private static final int MAX_VLAN_TAGS = 8;
  private static final int MAX_EXTENSION_HEADERS = 8;

  private final LinkType linkType;
  // the previous packet's addresses, reused when the next one repeats them (floods, the server's own address)
  private byte[] lastSrcRaw = new byte[0];
  private byte[] lastDstRaw = new byte[0];
  private InetAddress lastSrc;
  private InetAddress lastDst;
  private long decoded;
  private long ignored;
  private long malformed;

  public FrameDecoder(LinkType linkType) {
    this.linkType = Objects.requireNonNull(linkType, "linkType");
  }

  public LinkType linkType() {
    return linkType;
  }

  /** Decodes {@code frame[off, off+len)} captured at {@code arrival}; null when it carries no payload spa reads. */
  public Packet decode(byte[] frame, int off, int len, Instant arrival) {
    if (off < 0 || len < 0 || off + len > frame.length || off + len < 0) {
      return bad();
    }
    int end = off + len;
    return switch (linkType) {
      case EN10MB -> ethernet(frame, off, end, arrival);
      case LINUX_SLL -> len < 16 ? bad() : etherType(frame, u16(frame, off + 14), off + 16, end, arrival);
      case LINUX_SLL2 -> len < 20 ? bad() : etherType(frame, u16(frame, off), off + 20, end, arrival);
      case RAW -> ip(frame, off, end, arrival, 0);
      case IPV4 -> ip(frame, off, end, arrival, 4);
      case IPV6 -> ip(frame, off, end, arrival, 6);
      case NULL -> len < 4 ? bad() : family(frame, off, end, arrival, false);
      case LOOP -> len < 4 ? bad() : family(frame, off, end, arrival, true);
    };
  }

  /** Decodes a whole array. */
  public Packet decode(byte[] frame, Instant arrival) {
    return decode(frame, 0, frame.length, arrival);
  }

  private Packet ethernet(byte[] f, int off, int end, Instant arrival) {
    if (end - off < 14) {
      return bad();
    }
    return etherType(f, u16(f, off + 12), off + 14, end, arrival);
  }

  /** Follows VLAN tags from an EtherType at {@code at} (the first byte after it). */
  private Packet etherType(byte[] f, int type, int at, int end, Instant arrival) {
    for (int tags = 0; type == 0x8100 || type == 0x88a8 || type == 0x9100; tags++) {
      if (tags == MAX_VLAN_TAGS || end - at < 4) {
        return bad();
      }
      type = u16(f, at + 2);
      at += 4;
    }
    return switch (type) {
      case 0x0800 -> ip(f, at, end, arrival, 4);
      case 0x86dd -> ip(f, at, end, arrival, 6);
      default -> skip();
    };
  }

  /** BSD loopback family word: host order for NULL (either order accepted), network order for LOOP. */
  private Packet family(byte[] f, int off, int end, Instant arrival, boolean networkOrder) {
    int be = u16(f, off) << 16 | u16(f, off + 2);
    int family = networkOrder || (be & 0xffff) != 0 ? be : Integer.reverseBytes(be);
    return switch (family) {
      case 2 -> ip(f, off + 4, end, arrival, 4);
      case 10, 24, 28, 30 -> ip(f, off + 4, end, arrival, 6); // Linux, Net/OpenBSD, FreeBSD, Darwin AF_INET6
      default -> skip();
    };
  }

  /** IP at {@code at}; {@code want} is 4, 6, or 0 for "whatever the version nibble says". */
  private Packet ip(byte[] f, int at, int end, Instant arrival, int want) {
    if (at >= end) {
      return bad();
    }
    int version = (f[at] & 0xff) >>> 4;
    if (want != 0 && version != want) {
      return bad();
    }
    return switch (version) {
      case 4 -> ipv4(f, at, end, arrival);
      case 6 -> ipv6(f, at, end, arrival);
      default -> bad();
    };
  }

  private Packet ipv4(byte[] f, int at, int end, Instant arrival) {
    if (end - at < 20) {
      return bad();
    }
    int ihl = (f[at] & 0x0f) * 4;
    int total = u16(f, at + 2);
    if (ihl < 20 || total < ihl || end - at < ihl) {
      return bad();
    }
    int fragment = u16(f, at + 6);
    if ((fragment & 0x3fff) != 0) { // more-fragments flag or a fragment offset: no whole payload here
      return skip();
    }
    int stop = Math.min(end, at + total); // drops Ethernet padding and trailers
    int protocol = f[at + 9] & 0xff;
    return transport(f, at + ihl, stop, protocol, at + 12, at + 16, 4, arrival);
  }

  private Packet ipv6(byte[] f, int at, int end, Instant arrival) {
    if (end - at < 40) {
      return bad();
    }
    int payloadLength = u16(f, at + 4);
    int stop = payloadLength == 0 ? end : Math.min(end, at + 40 + payloadLength); // 0: jumbogram
    int next = f[at + 6] & 0xff;
    int p = at + 40;
    for (int i = 0; ; i++) {
      if (next != 0 && next != 43 && next != 44 && next != 51 && next != 60) {
        break;
      }
      if (i == MAX_EXTENSION_HEADERS || stop - p < 8) {
        return bad();
      }
      int hdrLen;
      if (next == 44) { // fragment
        if ((u16(f, p + 2) & 0xfff9) != 0) { // offset or more-fragments set
          return skip();
        }
        hdrLen = 8;
      } else if (next == 51) { // authentication header counts 4-byte words
        hdrLen = ((f[p + 1] & 0xff) + 2) * 4;
      } else {
        hdrLen = ((f[p + 1] & 0xff) + 1) * 8;
      }
      next = f[p] & 0xff;
      p += hdrLen;
    }
    if (p > stop) {
      return bad();
    }
    return transport(f, p, stop, next, at + 8, at + 24, 16, arrival);
  }

  /** The transport header at {@code at}; addresses of {@code alen} bytes at {@code src} and {@code dst}. */
  private Packet transport(byte[] f, int at, int stop, int protocol, int src, int dst, int alen, Instant arrival) {
    int avail = stop - at;
    int srcPort = 0;
    int dstPort = 0;
    int from;
    int to = stop;
    switch (protocol) {
      case Packet.UDP -> {
        if (avail < 8) {
          return bad();
        }
        int udpLength = u16(f, at + 4);
        if (udpLength != 0 && udpLength < 8) {
          return bad();
        }
        if (udpLength != 0) { // 0 only in IPv6 jumbograms
          to = Math.min(stop, at + udpLength);
        }
        srcPort = u16(f, at);
        dstPort = u16(f, at + 2);
        from = at + 8;
      }
      case Packet.TCP -> {
        if (avail < 20) {
          return bad();
        }
        int dataOffset = ((f[at + 12] & 0xff) >>> 4) * 4;
        if (dataOffset < 20 || dataOffset > avail) {
          return bad();
        }
        srcPort = u16(f, at);
        dstPort = u16(f, at + 2);
        from = at + dataOffset;
      }
      case Packet.ICMP, Packet.ICMPV6 -> {
        if (avail < 8) {
          return bad();
        }
        from = at + 8;
      }
      default -> {
        return skip();
      }
    }
    decoded++;
    InetAddress s = Arrays.equals(f, src, src + alen, lastSrcRaw, 0, lastSrcRaw.length) ? lastSrc
        : (lastSrc = address(lastSrcRaw = Arrays.copyOfRange(f, src, src + alen)));
    InetAddress d = Arrays.equals(f, dst, dst + alen, lastDstRaw, 0, lastDstRaw.length) ? lastDst
        : (lastDst = address(lastDstRaw = Arrays.copyOfRange(f, dst, dst + alen)));
    return new Packet(s, srcPort, d, dstPort, protocol, Arrays.copyOfRange(f, from, to), arrival);
  }

  private static InetAddress address(byte[] raw) {
    try {
      return InetAddress.getByAddress(raw.clone()); // a literal: no name lookup
    } catch (UnknownHostException e) {
      throw new AssertionError("address of length " + raw.length, e);
    }
  }

  private static int u16(byte[] f, int at) {
    return (f[at] & 0xff) << 8 | (f[at + 1] & 0xff);
  }

  private Packet bad() {
    malformed++;
    return null;
  }

  private Packet skip() {
    ignored++;
    return null;
  }

  /** Frames turned into packets. */
  public long decoded() {
    return decoded;
  }

  /** Well-formed frames without a payload spa reads (other EtherTypes or protocols, IP fragments). */
  public long ignored() {
    return ignored;
  }

  /** Frames too short or inconsistent to decode. */
  public long malformed() {
    return malformed;
  }
}
