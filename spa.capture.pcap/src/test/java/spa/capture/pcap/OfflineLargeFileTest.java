package spa.capture.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;
import spa.core.Packet;
import spa.core.Settings;
import spa.pcap.format.testkit.Frames;
import spa.pcap.format.LinkType;
import spa.pcap.format.PcapHeader;
import spa.pcap.format.PcapReader;
import spa.pcap.format.testkit.PcapWriter;
import spa.core.spi.CaptureSource;

/**
 * The offline path end to end (read, filter, decode, deliver) on a file where half the frames match the
 * default filter, and the cost of the filter run in Java versus one libpcap {@code bpf_filter} call per
 * packet. Small by default; {@code -Dspa.capture.bench.packets=5000000} makes it a benchmark.
 */
class OfflineLargeFileTest {

  @TempDir
  Path dir;

  @Test
  void readsFiltersAndDecodesALargeFileDeliveringExactlyTheMatchingHalf() throws Exception {
    int n = Integer.getInteger("spa.capture.bench.packets", 200_000);
    byte[] payload = new byte[180];
    Arrays.fill(payload, (byte) 'A');
    InetAddress dst = InetAddress.getByName("198.18.0.1");
    byte[][] frames = new byte[512][];
    for (int i = 0; i < frames.length; i++) {
      InetAddress src = InetAddress.getByAddress(new byte[] {(byte) 198, 18, (byte) (i >> 8), (byte) i});
      frames[i] = Frames.link(LinkType.EN10MB, Frames.ip(src, 40000 + i, dst, i % 2 == 0 ? 62201 : 53, Packet.UDP,
          payload));
    }
    Path file = dir.resolve("offline.pcap");
    try (PcapWriter w = PcapWriter.create(file, PcapHeader.of(LinkType.EN10MB))) {
      for (int i = 0; i < n; i++) {
        byte[] f = frames[i % frames.length];
        w.write(1_700_000_000L + i / 1000, i % 1000 * 1000, f, 0, f.length);
      }
    }

    AtomicLong delivered = new AtomicLong();
    CountDownLatch ended = new CountDownLatch(1);
    CaptureSource.Sink sink = new CaptureSource.Sink() {
      @Override
      public void accept(Packet p) {
        delivered.incrementAndGet();
      }

      @Override
      public void end() {
        ended.countDown();
      }
    };
    long t0 = System.nanoTime();
    try (CaptureSource.Capture cap = new PcapCaptureSource().start(
        Settings.of(Map.of("PCAP_FILE", file.toString()), "test"), sink)) {
      assertTrue(ended.await(120, TimeUnit.SECONDS));
    }
    long t1 = System.nanoTime();
    assertEquals(n / 2, delivered.get());

    BpfProgram java = BpfCompiler.compile("udp port 62201", 1, 262144);
    long javaMatched = 0;
    long libMatched = 0;
    long t2 = System.nanoTime();
    try (PcapReader r = PcapReader.open(file)) {
      while (r.next()) {
        javaMatched += java.matches(r.data(), r.dataOffset(), r.capturedLength(), r.originalLength()) ? 1 : 0;
      }
    }
    long t3 = System.nanoTime();
    try (PcapHandle dead = Pcaps.openDead(DataLinkType.EN10MB, 262144); PcapReader r = PcapReader.open(file)) {
      org.pcap4j.core.BpfProgram lib = dead.compileFilter("udp port 62201", BpfCompileMode.OPTIMIZE,
          PcapHandle.PCAP_NETMASK_UNKNOWN);
      while (r.next()) {
        byte[] copy = Arrays.copyOfRange(r.data(), r.dataOffset(), r.dataOffset() + r.capturedLength());
        libMatched += lib.applyFilter(copy, r.originalLength(), copy.length) ? 1 : 0;
      }
      lib.free();
    }
    long t4 = System.nanoTime();
    assertEquals(n / 2, javaMatched);
    assertEquals(javaMatched, libMatched);
    System.out.printf("offline %,d packets: capture (read+filter+decode+deliver) %,.0f pkt/s; "
        + "read+filter in Java %,.0f pkt/s; read+filter via libpcap per packet %,.0f pkt/s%n",
        n, n / ((t1 - t0) / 1e9), n / ((t3 - t2) / 1e9), n / ((t4 - t3) / 1e9));
  }
}
