package spa.pcap.format;

import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The global header of a classic pcap file.
 *
 * @param linkType the {@code LINKTYPE_} code (low 16 bits of the header's link-type field)
 * @param snaplen the snapshot length the file declares
 * @param nanos whether record timestamps carry nanoseconds (magic {@code a1b23c4d}) rather than microseconds
 * @param byteOrder byte order of every header field in the file
 */
public record PcapHeader(int linkType, int snaplen, boolean nanos, ByteOrder byteOrder) {

  /** Bytes in the global header. */
  public static final int LENGTH = 24;
  /** The snapshot length libpcap uses when none is given. */
  public static final int DEFAULT_SNAPLEN = 262_144;

  public PcapHeader {
    Objects.requireNonNull(byteOrder, "byteOrder");
    if (snaplen <= 0) {
      throw new IllegalArgumentException("snaplen must be positive: " + snaplen);
    }
  }

  /** A microsecond, little-endian header with libpcap's default snapshot length. */
  public static PcapHeader of(LinkType type) {
    return new PcapHeader(type.code(), DEFAULT_SNAPLEN, false, ByteOrder.LITTLE_ENDIAN);
  }

  /** The decodable link type, or null when spa does not know this one. */
  public LinkType knownLinkType() {
    return LinkType.of(linkType);
  }
}
