package spa.pcap.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import spa.pcap.format.testkit.PcapWriter;

class PcapFileTest {

  @TempDir
  Path dir;

  record Rec(long sec, int nanos, byte[] data) {}

  private static List<Rec> records(int n, long seed) {
    Random r = new Random(seed);
    List<Rec> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] d = new byte[r.nextInt(1600)];
      r.nextBytes(d);
      out.add(new Rec(0xF000_0000L + r.nextInt(1 << 20), r.nextInt(1_000_000_000), d));
    }
    return out;
  }

  @ParameterizedTest
  @CsvSource({"LITTLE_ENDIAN,false", "LITTLE_ENDIAN,true", "BIG_ENDIAN,false", "BIG_ENDIAN,true"})
  void roundTripsBothByteOrdersAndResolutions(String order, boolean nanos) throws IOException {
    ByteOrder bo = order.equals("BIG_ENDIAN") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    PcapHeader h = new PcapHeader(LinkType.EN10MB.code(), 65535, nanos, bo);
    Path file = dir.resolve("rt.pcap");
    List<Rec> recs = records(3000, 7);
    try (PcapWriter w = PcapWriter.create(file, h)) {
      for (Rec r : recs) {
        w.write(r.sec, r.nanos, r.data, 0, r.data.length);
      }
      assertEquals(recs.size(), w.records());
    }
    byte[] bytes = Files.readAllBytes(file);
    int magic = ByteBuffer.wrap(bytes).order(bo).getInt(0);
    assertEquals(nanos ? 0xa1b23c4d : 0xa1b2c3d4, magic);
    // a small buffer forces many refills across record boundaries
    try (PcapReader rd = new PcapReader(FileChannel.open(file), 4096)) {
      assertEquals(h, rd.header());
      for (Rec r : recs) {
        assertTrue(rd.next());
        assertEquals(r.sec, rd.seconds());
        assertEquals(nanos ? r.nanos : r.nanos / 1000 * 1000, rd.nanos());
        assertEquals(Instant.ofEpochSecond(r.sec, rd.nanos()), rd.timestamp());
        assertEquals(r.data.length, rd.capturedLength());
        assertEquals(r.data.length, rd.originalLength());
        assertArrayEquals(r.data, Arrays.copyOfRange(rd.data(), rd.dataOffset(), rd.dataOffset() + r.data.length));
      }
      assertFalse(rd.next());
      assertEquals(recs.size(), rd.records());
      assertEquals(bytes.length, rd.consumed());
    }
  }

  @Test
  void cutsRecordsToSnaplenAndKeepsOriginalLength() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] data = new byte[300];
    Arrays.fill(data, (byte) 7);
    try (PcapWriter w = new PcapWriter(out, new PcapHeader(101, 100, false, ByteOrder.LITTLE_ENDIAN))) {
      w.write(Instant.ofEpochSecond(5, 123_456_000), data);
    }
    assertEquals(24 + 16 + 100, out.size());
    try (PcapReader rd = new PcapReader(new ByteArrayInputStream(out.toByteArray()))) {
      assertTrue(rd.next());
      assertEquals(100, rd.capturedLength());
      assertEquals(300, rd.originalLength());
      assertEquals(123_456_000, rd.nanos());
      assertEquals(LinkType.RAW, rd.header().knownLinkType());
      assertFalse(rd.next());
    }
  }

  @Test
  void keepsAPartialRecordUntilTheFileGrows() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<Rec> recs = records(20, 3);
    try (PcapWriter w = new PcapWriter(out, PcapHeader.of(LinkType.RAW))) {
      for (Rec r : recs) {
        w.write(r.sec, r.nanos, r.data, 0, r.data.length);
      }
    }
    byte[] all = out.toByteArray();
    Path file = dir.resolve("grow.pcap");
    Files.write(file, new byte[0]);
    int got = 0;
    try (FileChannel append = FileChannel.open(file, StandardOpenOption.APPEND);
        PcapReader rd = new PcapReader(FileChannel.open(file), 4096)) {
      Random r = new Random(1);
      int written = 0;
      while (written < all.length) {
        int n = Math.min(all.length - written, 1 + r.nextInt(700));
        append.write(ByteBuffer.wrap(all, written, n));
        written += n;
        if (written < PcapHeader.LENGTH) {
          continue;
        }
        while (rd.next()) {
          Rec expect = recs.get(got++);
          assertArrayEquals(expect.data,
              Arrays.copyOfRange(rd.data(), rd.dataOffset(), rd.dataOffset() + rd.capturedLength()));
        }
        assertEquals(written, rd.channelBytes());
        assertTrue(rd.consumed() <= written);
      }
    }
    assertEquals(recs.size(), got);
  }

  @Test
  void growsItsBufferForRecordsLargerThanIt() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] big = new byte[100_000];
    new Random(2).nextBytes(big);
    try (PcapWriter w = new PcapWriter(out, PcapHeader.of(LinkType.EN10MB))) {
      w.write(Instant.EPOCH, new byte[10]);
      w.write(Instant.EPOCH, big);
      w.write(Instant.EPOCH, new byte[20]);
    }
    try (PcapReader rd = new PcapReader(java.nio.channels.Channels.newChannel(
        new ByteArrayInputStream(out.toByteArray())), 4096)) {
      assertTrue(rd.next());
      assertTrue(rd.next());
      assertArrayEquals(big, Arrays.copyOfRange(rd.data(), rd.dataOffset(), rd.dataOffset() + big.length));
      assertTrue(rd.next());
      assertEquals(20, rd.capturedLength());
      assertFalse(rd.next());
    }
  }

  @Test
  void readsModifiedPcapWith24ByteRecordHeaders() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(24 + 24 + 3).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0xa1b2cd34).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
    b.putInt(10).putInt(20).putInt(3).putInt(3).putInt(1).putShort((short) 0x0800).put((byte) 6).put((byte) 0);
    b.put(new byte[] {1, 2, 3});
    try (PcapReader rd = new PcapReader(new ByteArrayInputStream(b.array()))) {
      assertTrue(rd.next());
      assertEquals(10, rd.seconds());
      assertEquals(20_000, rd.nanos());
      assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOfRange(rd.data(), rd.dataOffset(), rd.dataOffset() + 3));
      assertFalse(rd.next());
    }
  }

  @Test
  void refusesWhatIsNotClassicPcap() {
    PcapFormatException ng = assertThrows(PcapFormatException.class,
        () -> new PcapReader(new ByteArrayInputStream(hex("0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff"))).next());
    assertTrue(ng.getMessage().contains("pcapng"), ng.getMessage());
    PcapFormatException text = assertThrows(PcapFormatException.class,
        () -> new PcapReader(new ByteArrayInputStream("this is not a pcap file at all".getBytes())).header());
    assertEquals("not a pcap file (magic 0x74686973)", text.getMessage());
    assertEquals("empty pcap file",
        assertThrows(EOFException.class, () -> new PcapReader(new ByteArrayInputStream(new byte[0])).next())
            .getMessage());
    assertThrows(EOFException.class, () -> new PcapReader(new ByteArrayInputStream(new byte[10])).next());
  }

  @Test
  void refusesARecordWithAnImpossibleLength() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(24 + 16).order(ByteOrder.BIG_ENDIAN);
    b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(1500).putInt(1);
    b.putInt(1).putInt(0).putInt(0x7fff_0000).putInt(0x7fff_0000);
    try (PcapReader rd = new PcapReader(new ByteArrayInputStream(b.array()))) {
      PcapFormatException e = assertThrows(PcapFormatException.class, rd::next);
      assertTrue(e.getMessage().startsWith("corrupt pcap record 1 at byte 24"), e.getMessage());
    }
  }

  @Test
  void appendingWriterAddsRecordsWithoutAHeader() throws IOException {
    Path file = dir.resolve("append.pcap");
    PcapHeader h = new PcapHeader(12, 1500, false, ByteOrder.BIG_ENDIAN);
    try (PcapWriter w = PcapWriter.create(file, h)) {
      w.write(Instant.ofEpochSecond(1), new byte[] {1});
    }
    try (PcapWriter w = PcapWriter.append(FileChannel.open(file, StandardOpenOption.APPEND), h)) {
      w.write(Instant.ofEpochSecond(2), new byte[] {2, 2});
    }
    try (PcapReader rd = PcapReader.open(file)) {
      assertEquals(LinkType.RAW, rd.header().knownLinkType());
      assertTrue(rd.next());
      assertTrue(rd.next());
      assertEquals(2, rd.seconds());
      assertEquals(2, rd.capturedLength());
      assertFalse(rd.next());
    }
  }

  @Test
  void continuesHeaderlessRecordsWithAKnownHeader() throws IOException {
    PcapHeader h = new PcapHeader(101, 65536, false, ByteOrder.BIG_ENDIAN);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PcapWriter w = PcapWriter.append(java.nio.channels.Channels.newChannel(out), h)) {
      w.write(Instant.ofEpochSecond(77, 5000), new byte[] {4, 5, 6});
    }
    assertEquals(16 + 3, out.size());
    try (PcapReader rd = PcapReader.continuing(java.nio.channels.Channels.newChannel(
        new ByteArrayInputStream(out.toByteArray())), h)) {
      assertEquals(h, rd.header());
      assertTrue(rd.next());
      assertEquals(77, rd.seconds());
      assertEquals(5000, rd.nanos()); // 5 microseconds survive a microsecond file
      assertEquals(3, rd.capturedLength());
      assertFalse(rd.next());
      assertEquals(19, rd.consumed());
    }
  }

  static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }
}
