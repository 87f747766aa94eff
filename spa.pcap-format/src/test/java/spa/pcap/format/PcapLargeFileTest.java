package spa.pcap.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.Packet;
import spa.pcap.format.testkit.Frames;
import spa.pcap.format.testkit.PcapWriter;

/**
 * Writes a file of SPA-sized UDP frames and reads and decodes every one back (the rates are printed, not
 * asserted: speed is the benchmarks' to prove). The count
 * is small by default; {@code -Dspa.capture.bench.packets=5000000} makes it a benchmark.
 */
class PcapLargeFileTest {

  @TempDir
  Path dir;

  @Test
  void writesReadsAndDecodesEveryFrameOfALargeFile() throws IOException {
    int n = Integer.getInteger("spa.capture.bench.packets", 200_000);
    byte[] payload = new byte[180];
    Arrays.fill(payload, (byte) 'A');
    byte[][] frames = new byte[256][];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = Frames.link(LinkType.EN10MB, Frames.ip(InetAddress.getByAddress(new byte[] {(byte) 198, 18, 1,
          (byte) i}), 40000 + i, InetAddress.getByAddress(new byte[] {(byte) 198, 18, 0, 1}), 62201, Packet.UDP,
          payload));
    }
    Path file = dir.resolve("bench.pcap");
    long t0 = System.nanoTime();
    try (PcapWriter w = PcapWriter.create(file, PcapHeader.of(LinkType.EN10MB))) {
      for (int i = 0; i < n; i++) {
        byte[] f = frames[i & 255];
        w.write(1_700_000_000L + i / 1000, i % 1000 * 1000, f, 0, f.length);
      }
    }
    long t1 = System.nanoTime();
    long decoded = 0;
    long payloadBytes = 0;
    FrameDecoder d = new FrameDecoder(LinkType.EN10MB);
    Packet last = null;
    try (PcapReader r = PcapReader.open(file)) {
      while (r.next()) {
        Packet p = d.decode(r.data(), r.dataOffset(), r.capturedLength(), r.timestamp());
        if (p != null) {
          decoded++;
          payloadBytes += p.payload().length;
          last = p;
        }
      }
    }
    long t2 = System.nanoTime();
    assertEquals(n, decoded);
    assertEquals((long) n * payload.length, payloadBytes);
    assertArrayEquals(payload, last.payload());
    System.out.printf("pcap %,d packets (%,d MB): write %,.0f pkt/s, read+decode %,.0f pkt/s%n", n,
        Files.size(file) >> 20, n / ((t1 - t0) / 1e9), n / ((t2 - t1) / 1e9));
  }
}
