package spa.pcap.format;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import spa.core.Packet;

/**
 * The pcap reader and the frame decoder on arbitrary bytes: a file reads record by record or is refused with an
 * {@link IOException}; a frame decodes to a packet whose payload lies inside the frame, or to nothing; never
 * another exception, and never more than a second for one input.
 */
class PcapFuzzTest {
  private static final LinkType[] LINKS = LinkType.values();

  @FuzzTest(maxDuration = "5m")
  void pcapFileReadsOrIsRefused(byte[] input) {
    long start = System.nanoTime();
    try (PcapReader r = new PcapReader(new ByteArrayInputStream(input))) {
      LinkType link = LinkType.of(r.header().linkType());
      FrameDecoder d = link == null ? null : new FrameDecoder(link);
      int records = 0;
      while (r.next()) {
        records++;
        assertTrue(r.capturedLength() >= 0 && r.capturedLength() <= input.length, "a record longer than the file");
        if (d != null) {
          check(d.decode(r.data(), r.dataOffset(), r.capturedLength(), r.timestamp()), r.capturedLength());
        }
      }
      assertTrue(records <= input.length / 16, "more records than the file can hold");
    } catch (IOException refused) {
      // not a pcap file, or a corrupt one: refused
    } finally {
      assertTrue(System.nanoTime() - start < 1_000_000_000L, "reading took over a second");
    }
  }

  /** The first byte picks the link type; the rest is one frame. */
  @FuzzTest(maxDuration = "5m")
  void frameDecodesInsideItsBoundsOrNotAtAll(byte[] input) {
    if (input.length == 0) {
      return;
    }
    FrameDecoder d = new FrameDecoder(LINKS[(input[0] & 0xff) % LINKS.length]);
    check(d.decode(input, 1, input.length - 1, Instant.EPOCH), input.length - 1);
  }

  private static void check(Packet p, int frameLength) {
    if (p != null) {
      assertTrue(p.payload().length <= frameLength, "a payload longer than its frame");
      assertTrue(p.src() != null && p.dst() != null, "a packet without addresses");
    }
  }
}
