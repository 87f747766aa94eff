package spa.pcap.format;

/**
 * pcap link-layer header types spa decodes, with their {@code LINKTYPE_} codes as written in pcap
 * file headers (see tcpdump.org/linktypes.html).
 */
public enum LinkType {
  /** BSD loopback: 4-byte address family in the capturing host's byte order. */
  NULL(0),
  /** Ethernet, with any number of 802.1Q / 802.1ad VLAN tags. */
  EN10MB(1),
  /** Raw IP, version taken from the first nibble. Also read for the platform {@code DLT_RAW} codes 12 and 14. */
  RAW(101),
  /** OpenBSD loopback: 4-byte address family in network byte order. */
  LOOP(108),
  /** Linux cooked capture v1 (16-byte header; what {@code any} gives). */
  LINUX_SLL(113),
  /** Raw IPv4 only. */
  IPV4(228),
  /** Raw IPv6 only. */
  IPV6(229),
  /** Linux cooked capture v2 (20-byte header). */
  LINUX_SLL2(276);

  private final int code;

  LinkType(int code) {
    this.code = code;
  }

  /** The {@code LINKTYPE_} value of pcap file headers. */
  public int code() {
    return code;
  }

  /**
   * The link type for a pcap header or libpcap {@code DLT_} value, or null when spa cannot decode it.
   * {@code DLT_RAW} is 12 on Linux (ulogd2 writes it) and 14 on OpenBSD; both mean {@link #RAW}.
   */
  public static LinkType of(int code) {
    return switch (code) {
      case 0 -> NULL;
      case 1 -> EN10MB;
      case 12, 14, 101 -> RAW;
      case 108 -> LOOP;
      case 113 -> LINUX_SLL;
      case 228 -> IPV4;
      case 229 -> IPV6;
      case 276 -> LINUX_SLL2;
      default -> null;
    };
  }
}
