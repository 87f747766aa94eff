package spa.capture.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pcap4j.core.PcapDumper;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapHandle.TimestampPrecision;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.UdpPacket;
import org.pcap4j.packet.namednumber.DataLinkType;
import spa.core.ConfigException;
import spa.core.Packet;
import spa.core.Settings;
import spa.pcap.format.testkit.Frames;
import spa.pcap.format.LinkType;
import spa.pcap.format.PcapHeader;
import spa.pcap.format.testkit.PcapWriter;
import spa.core.spi.CaptureSource;

class OfflineCaptureTest {

  @TempDir
  Path dir;

  /** Collects packets until the source says the file ended. */
  static final class Collector implements CaptureSource.Sink {
    final List<Packet> packets = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch ended = new CountDownLatch(1);
    final AtomicInteger ends = new AtomicInteger();

    @Override
    public void accept(Packet p) {
      packets.add(p);
    }

    @Override
    public void end() {
      ends.incrementAndGet();
      ended.countDown();
    }

    List<Packet> awaitEnd() throws InterruptedException {
      assertTrue(ended.await(10, TimeUnit.SECONDS), "no end of file");
      return packets;
    }
  }

  static InetAddress ip(String s) throws IOException {
    return InetAddress.getByName(s);
  }

  static byte[] spa(int i) {
    return ("spa-payload-" + i).getBytes(StandardCharsets.US_ASCII);
  }

  /** A mixed file: SPA-port UDP (v4 and v6), other ports, TCP, ICMP, ARP and broken frames. */
  Path mixedFile(LinkType type, boolean nanos, ByteOrder order) throws IOException {
    Path f = dir.resolve("mixed-" + type + ".pcap");
    try (PcapWriter w = PcapWriter.create(f, new PcapHeader(type.code(), 65535, nanos, order))) {
      for (int i = 0; i < 50; i++) {
        Instant t = Instant.ofEpochSecond(1_700_000_000L + i, 123_456_789);
        boolean v6 = i % 5 == 4;
        InetAddress src = v6 ? ip("fd00::" + (i + 1)) : ip("198.18.1." + (i + 1));
        InetAddress dst = v6 ? ip("fd00::ffff") : ip("198.18.0.1");
        w.write(t, Frames.link(type, Frames.ip(src, 40000 + i, dst, 62201, Packet.UDP, spa(i))));
        w.write(t, Frames.link(type, Frames.ip(src, 40000 + i, dst, 53, Packet.UDP, spa(i))));
        w.write(t, Frames.link(type, Frames.ip(src, 40000 + i, dst, 62201, Packet.TCP, spa(i))));
        w.write(t, Frames.link(type, Frames.ip(src, 0, dst, 0, v6 ? 58 : Packet.ICMP, spa(i))));
        w.write(t, new byte[] {1, 2, 3});
      }
    }
    return f;
  }

  Settings settings(Path file, String filter) {
    Map<String, String> m = new HashMap<>();
    m.put("PCAP_FILE", file.toString());
    if (filter != null) {
      m.put("PCAP_FILTER", filter);
    }
    return Settings.of(m, "fwknopd.conf");
  }

  @Test
  void readsAFileAppliesTheDefaultFilterAndEnds() throws Exception {
    for (LinkType type : LinkType.values()) {
      if (type == LinkType.IPV4 || type == LinkType.IPV6) {
        continue;
      }
      // Frames writes DLT_NULL's family as a little-endian host does, so that file must be little-endian
      Path f = mixedFile(type, type.ordinal() % 2 == 0, type.ordinal() % 3 == 1 ? ByteOrder.BIG_ENDIAN
          : ByteOrder.LITTLE_ENDIAN);
      // libpcap on Linux compiles "ip6" for NULL/LOOP as AF_INET6 = 10 only, so BSD/macOS IPv6 frames
      // (family 24/28/30, as Frames writes them) do not pass the default filter, as with fwknopd
      boolean v6Passes = type != LinkType.NULL && type != LinkType.LOOP;
      Collector c = new Collector();
      try (OfflineCapture cap = (OfflineCapture) new PcapCaptureSource().start(settings(f, null), c)) {
        List<Packet> got = c.awaitEnd();
        assertTrue(cap.awaitEnd(5000));
        assertEquals(v6Passes ? 50 : 40, got.size(), type.name());
        int k = 0;
        for (int i = 0; i < 50; i++) {
          boolean v6 = i % 5 == 4;
          if (v6 && !v6Passes) {
            continue;
          }
          Packet p = got.get(k++);
          assertEquals(v6 ? ip("fd00::" + (i + 1)) : ip("198.18.1." + (i + 1)), p.src(), type.name());
          assertEquals(v6 ? ip("fd00::ffff") : ip("198.18.0.1"), p.dst());
          assertEquals(40000 + i, p.srcPort());
          assertEquals(62201, p.dstPort());
          assertEquals(Packet.UDP, p.protocol());
          assertArrayEquals(spa(i), p.payload());
          assertEquals(1_700_000_000L + i, p.arrival().getEpochSecond());
        }
        assertEquals(v6Passes ? 200 : 210, cap.filtered(), type.name());
        assertEquals(1, c.ends.get());
      }
    }
  }

  @Test
  void blankFilterPassesEveryDecodableFrameAndCountsTheRest() throws Exception {
    Path f = mixedFile(LinkType.EN10MB, false, ByteOrder.LITTLE_ENDIAN);
    Collector c = new Collector();
    try (OfflineCapture cap = (OfflineCapture) new PcapCaptureSource().start(settings(f, ""), c)) {
      List<Packet> got = c.awaitEnd();
      assertTrue(cap.awaitEnd(5000));
      assertEquals(200, got.size());
      assertEquals(50, cap.decoder().malformed());
      assertEquals(0, cap.filtered());
      assertEquals(Packet.TCP, got.get(2).protocol());
      assertArrayEquals(spa(0), got.get(2).payload());
      assertEquals(Packet.ICMP, got.get(3).protocol());
      assertArrayEquals(spa(0), got.get(3).payload());
    }
  }

  @Test
  void swapsTheNullFamilyOfAFileFromAnOtherEndianHostBeforeFiltering() throws Exception {
    Path f = dir.resolve("null-be.pcap");
    byte[] ip = Frames.ip(ip("198.18.0.9"), 1, ip("198.18.0.1"), 62201, Packet.UDP, spa(9));
    byte[] frame = new byte[4 + ip.length];
    frame[3] = 2; // AF_INET as a big-endian host writes it
    System.arraycopy(ip, 0, frame, 4, ip.length);
    try (PcapWriter w = PcapWriter.create(f, new PcapHeader(0, 65535, false, ByteOrder.BIG_ENDIAN))) {
      w.write(Instant.EPOCH, frame);
    }
    Collector c = new Collector();
    try (CaptureSource.Capture cap = new PcapCaptureSource().start(settings(f, null), c)) {
      List<Packet> got = c.awaitEnd();
      assertEquals(1, got.size());
      assertArrayEquals(spa(9), got.get(0).payload());
      assertEquals(0, cap.dropped());
    }
  }

  @Test
  void appliesACustomFilter() throws Exception {
    Path f = mixedFile(LinkType.LINUX_SLL, true, ByteOrder.LITTLE_ENDIAN);
    Collector c = new Collector();
    try (CaptureSource.Capture cap = new PcapCaptureSource().start(settings(f, "tcp dst port 62201 and ip6"), c)) {
      List<Packet> got = c.awaitEnd();
      assertEquals(10, got.size());
      assertTrue(got.stream().allMatch(p -> p.protocol() == Packet.TCP && p.src().getAddress().length == 16));
      assertEquals(0, cap.dropped());
    }
  }

  @Test
  void readsWhatLibpcapWritesAndLibpcapReadsWhatWeWrite() throws Exception {
    // libpcap writes (through pcap4j's dumper), we read
    Path theirs = dir.resolve("libpcap.pcap");
    byte[] frame = Frames.link(LinkType.EN10MB, Frames.ip(ip("198.18.0.7"), 41000, ip("198.18.0.1"), 62201,
        Packet.UDP, spa(7)));
    try (PcapHandle dead = Pcaps.openDead(DataLinkType.EN10MB, 65536, TimestampPrecision.NANO);
        PcapDumper dumper = dead.dumpOpen(theirs.toString())) {
      Timestamp ts = Timestamp.from(Instant.ofEpochSecond(1_600_000_000L, 987_654_321));
      dumper.dumpRaw(frame, ts);
      dumper.dumpRaw(frame, ts);
    }
    Collector c = new Collector();
    try (CaptureSource.Capture cap = new PcapCaptureSource().start(settings(theirs, null), c)) {
      List<Packet> got = c.awaitEnd();
      assertEquals(0, cap.dropped());
      assertEquals(2, got.size());
      assertEquals(Instant.ofEpochSecond(1_600_000_000L, 987_654_321), got.get(0).arrival());
      assertArrayEquals(spa(7), got.get(1).payload());
    }
    // we write (nanosecond, big-endian), libpcap reads and finds valid checksums
    Path ours = dir.resolve("ours.pcap");
    try (PcapWriter w = PcapWriter.create(ours, new PcapHeader(1, 65535, true, ByteOrder.BIG_ENDIAN))) {
      w.write(Instant.ofEpochSecond(5, 6), frame);
    }
    try (PcapHandle h = Pcaps.openOffline(ours.toString(), TimestampPrecision.NANO)) {
      org.pcap4j.packet.Packet p = h.getNextPacketEx();
      assertEquals(Instant.ofEpochSecond(5, 6), h.getTimestamp().toInstant());
      IpV4Packet ipv4 = p.get(IpV4Packet.class);
      assertTrue(ipv4.getHeader().hasValidChecksum(false));
      UdpPacket udp = p.get(UdpPacket.class);
      assertTrue(udp.hasValidChecksum(ipv4.getHeader().getSrcAddr(), ipv4.getHeader().getDstAddr(), false));
      assertEquals(62201, udp.getHeader().getDstPort().valueAsInt());
      assertArrayEquals(spa(7), udp.getPayload().getRawData());
      assertNotNull(p.get(EthernetPacket.class));
    }
  }

  @Test
  void reportsBadFilesAndFiltersInOneLine() throws Exception {
    PcapCaptureSource src = new PcapCaptureSource();
    Collector c = new Collector();
    IOException missing = assertThrows(IOException.class, () -> src.start(settings(dir.resolve("nope.pcap"), null), c));
    assertEquals("pcap file " + dir.resolve("nope.pcap") + ": no such file", missing.getMessage());

    Path ng = dir.resolve("ng.pcapng");
    Files.write(ng, new byte[] {0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, -1, -1, -1, -1,
        -1, -1, -1, -1, 28, 0, 0, 0});
    IOException pcapng = assertThrows(IOException.class, () -> src.start(settings(ng, null), c));
    assertTrue(pcapng.getMessage().startsWith("pcap file " + ng + ": pcapng files are not supported"));

    Path wifi = dir.resolve("wifi.pcap");
    try (PcapWriter w = PcapWriter.create(wifi, new PcapHeader(105, 65535, false, ByteOrder.LITTLE_ENDIAN))) {
      w.write(Instant.EPOCH, new byte[30]);
    }
    IOException link = assertThrows(IOException.class, () -> src.start(settings(wifi, null), c));
    assertEquals("pcap file " + wifi + ": unsupported link type 105", link.getMessage());

    Path ok = mixedFile(LinkType.RAW, false, ByteOrder.LITTLE_ENDIAN);
    ConfigException bad = assertThrows(ConfigException.class, () -> src.start(settings(ok, "udp prot 1"), c));
    assertEquals("PCAP_FILTER", bad.key());
    assertTrue(bad.toString().startsWith("fwknopd.conf: PCAP_FILTER: 'udp prot 1' does not compile: "),
        bad.toString());
    assertFalse(bad.toString().contains("\n"));

    ConfigException snap = assertThrows(ConfigException.class, () -> src.start(
        Settings.of(Map.of("MAX_SNIFF_BYTES", "0"), "fwknopd.conf"), c));
    assertEquals("MAX_SNIFF_BYTES", snap.key());
    for (String v : new String[] {"4095", "1073741825", "32M", ""}) {
      ConfigException buf = assertThrows(ConfigException.class, () -> src.start(
          Settings.of(Map.of("SPA_PCAP_BUFFER_SIZE", v), "fwknopd.conf"), c));
      assertEquals("fwknopd.conf: SPA_PCAP_BUFFER_SIZE: must be a number of bytes 4096..1073741824, not '" + v + "'",
          buf.toString());
    }
    assertEquals(32 << 20, PcapSettings.from(Settings.empty()).bufferSize());
    assertEquals(4096, PcapSettings.from(Settings.of(Map.of("SPA_PCAP_BUFFER_SIZE", "4096"), "f")).bufferSize());
    assertEquals(0, c.ends.get());
  }

  @Test
  void closeStopsReadingEarly() throws Exception {
    Path f = dir.resolve("many.pcap");
    byte[] frame = Frames.link(LinkType.RAW, Frames.ip(ip("198.18.0.7"), 1, ip("198.18.0.1"), 62201, Packet.UDP,
        spa(1)));
    try (PcapWriter w = PcapWriter.create(f, PcapHeader.of(LinkType.RAW))) {
      for (int i = 0; i < 100_000; i++) {
        w.write(i, 0, frame, 0, frame.length);
      }
    }
    CountDownLatch first = new CountDownLatch(1);
    AtomicInteger seen = new AtomicInteger();
    AtomicInteger ends = new AtomicInteger();
    CaptureSource.Sink slow = new CaptureSource.Sink() {
      @Override
      public void accept(Packet p) {
        seen.incrementAndGet();
        first.countDown();
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }

      @Override
      public void end() {
        ends.incrementAndGet();
      }
    };
    CaptureSource.Capture cap = new PcapCaptureSource().start(settings(f, null), slow);
    assertTrue(first.await(5, TimeUnit.SECONDS));
    cap.close();
    int after = seen.get();
    Thread.sleep(50);
    assertEquals(after, seen.get(), "packets delivered after close()");
    assertTrue(after < 100_000);
    assertEquals(0, ends.get());
  }
}
