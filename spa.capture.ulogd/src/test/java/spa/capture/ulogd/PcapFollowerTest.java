package spa.capture.ulogd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.Packet;
import spa.pcap.format.testkit.Frames;
import spa.pcap.format.LinkType;
import spa.pcap.format.PcapHeader;
import spa.pcap.format.testkit.PcapWriter;

/** Drives the follower poll by poll against a file the test appends to, rotates and truncates. */
class PcapFollowerTest {

  /** What ulogd2 writes: little-endian, microseconds, raw IP, snaplen 65536. */
  static final PcapHeader ULOGD = new PcapHeader(101, 65536, false, ByteOrder.LITTLE_ENDIAN);

  @TempDir
  Path dir;
  Path file;
  PcapFollower follower;
  final List<Packet> got = new ArrayList<>();

  @AfterEach
  void closeFollower() {
    if (follower != null) {
      follower.close();
    }
  }

  PcapFollower follow(boolean skipExisting, long graceMillis) {
    file = file == null ? dir.resolve("ulogd.pcap") : file;
    follower = new PcapFollower(file, skipExisting, graceMillis, () -> false);
    return follower;
  }

  static byte[] header(PcapHeader h) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PcapWriter w = new PcapWriter(out, h)) {
      w.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Records (no header) carrying UDP packets to 62201 whose payloads are "p" + each number. */
  static byte[] records(PcapHeader h, int... numbers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PcapWriter w = PcapWriter.append(Channels.newChannel(out), h)) {
      for (int n : numbers) {
        byte[] ip = Frames.ip(InetAddress.getByName("198.18.5." + (n % 250 + 1)), 40000 + n,
            InetAddress.getByName("198.18.0.1"), 62201, Packet.UDP, ("p" + n).getBytes(StandardCharsets.US_ASCII));
        w.write(Instant.ofEpochSecond(1_700_000_000L + n, 1000), Frames.link(LinkType.of(h.linkType()), ip));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  void append(Path f, byte[]... parts) throws IOException {
    for (byte[] p : parts) {
      Files.write(f, p, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  /** Payload numbers of the packets the next poll delivers. */
  List<Integer> poll() {
    got.clear();
    int n = follower.poll(got::add);
    assertEquals(got.size(), n);
    List<Integer> numbers = new ArrayList<>();
    for (Packet p : got) {
      String s = new String(p.payload(), StandardCharsets.US_ASCII);
      numbers.add(Integer.parseInt(s.substring(1)));
      assertEquals(62201, p.dstPort());
      assertEquals(40000 + numbers.get(numbers.size() - 1), p.srcPort());
    }
    return numbers;
  }

  @Test
  void skipsWhatIsThereAtStartThenReadsAppendedRecords() throws IOException {
    file = dir.resolve("ulogd.pcap");
    append(file, header(ULOGD), records(ULOGD, 1, 2));
    follow(true, 100);
    assertEquals(List.of(), poll());
    append(file, records(ULOGD, 3, 4, 5));
    assertEquals(List.of(3, 4, 5), poll());
    assertEquals(List.of(), poll());
    append(file, records(ULOGD, 6));
    assertEquals(List.of(6), poll());
    assertEquals(Instant.ofEpochSecond(1_700_000_006L, 1000), got.get(0).arrival());
    assertEquals(InetAddress.getByName("198.18.5.7"), got.get(0).src());
    assertEquals(InetAddress.getByName("198.18.0.1"), got.get(0).dst());
  }

  @Test
  void waitsForAMissingFileAndReadsItFromTheStart() throws IOException {
    follow(true, 100);
    assertEquals(List.of(), poll());
    assertEquals(List.of(), poll());
    append(file, header(ULOGD), records(ULOGD, 1, 2));
    assertEquals(List.of(1, 2), poll());
  }

  @Test
  void anEmptyFileAtStartIsNotSkippedOnceWritten() throws IOException {
    file = dir.resolve("ulogd.pcap");
    Files.createFile(file);
    follow(true, 100);
    assertEquals(List.of(), poll());
    append(file, header(ULOGD), records(ULOGD, 1));
    assertEquals(List.of(1), poll());
  }

  @Test
  void deliversEachRecordOnceWhateverTheWritesLookLike() throws IOException {
    follow(true, 100);
    byte[] all = concat(header(ULOGD), records(ULOGD, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    Random r = new Random(5);
    List<Integer> seen = new ArrayList<>();
    int at = 0;
    while (at < all.length) {
      int n = Math.min(all.length - at, 1 + r.nextInt(40)); // splits headers, record headers and data
      append(file, Arrays.copyOfRange(all, at, at + n));
      at += n;
      seen.addAll(poll());
    }
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), seen);
  }

  @Test
  void followsARotationAndReadsWhatTheWriterAddsToTheOldFileMeanwhile() throws Exception {
    file = dir.resolve("ulogd.pcap");
    Path old = dir.resolve("ulogd.pcap.1");
    append(file, header(ULOGD));
    follow(true, 300);
    assertEquals(List.of(), poll());
    append(file, records(ULOGD, 1));
    assertEquals(List.of(1), poll());
    Files.move(file, old, StandardCopyOption.ATOMIC_MOVE); // logrotate renames...
    append(old, records(ULOGD, 2)); // ...the writer still appends to the renamed file until SIGHUP...
    Files.createFile(file); // ...logrotate "create" makes an empty file...
    assertEquals(List.of(2), poll());
    append(old, records(ULOGD, 3));
    append(file, header(ULOGD), records(ULOGD, 4)); // ...and after SIGHUP the writer starts a new one
    assertEquals(List.of(3, 4), poll());
    assertEquals(1, follower.rotations());
    Thread.sleep(350);
    poll(); // the grace period has passed: the old file is let go
    append(old, records(ULOGD, 5));
    append(file, records(ULOGD, 6));
    assertEquals(List.of(6), poll());
  }

  @Test
  void followsAFileThatIsDeletedAndRecreated() throws IOException {
    file = dir.resolve("ulogd.pcap");
    append(file, header(ULOGD));
    follow(true, 0);
    assertEquals(List.of(), poll());
    Files.delete(file);
    assertEquals(List.of(), poll());
    assertEquals(List.of(), poll());
    append(file, header(ULOGD), records(ULOGD, 7, 8));
    assertEquals(List.of(7, 8), poll());
    assertEquals(1, follower.rotations());
  }

  @Test
  void restartsAtTheHeaderWhenTheFileIsTruncatedAndRewritten() throws IOException {
    file = dir.resolve("ulogd.pcap");
    append(file, header(ULOGD), records(ULOGD, 1, 2, 3));
    follow(false, 100);
    assertEquals(List.of(1, 2, 3), poll());
    // a new writer replaces the content in place, with a different byte order and link type
    PcapHeader other = new PcapHeader(LinkType.EN10MB.code(), 1500, true, ByteOrder.BIG_ENDIAN);
    Files.write(file, concat(header(other), records(other, 9)), StandardOpenOption.TRUNCATE_EXISTING);
    assertEquals(List.of(9), poll());
    assertEquals(1, follower.truncations());
    append(file, records(other, 10));
    assertEquals(List.of(10), poll());
  }

  @Test
  void readsHeaderlessRecordsAfterCopytruncate() throws IOException {
    file = dir.resolve("ulogd.pcap");
    append(file, header(ULOGD), records(ULOGD, 1, 2));
    follow(true, 100);
    assertEquals(List.of(), poll());
    Files.write(file, new byte[0], StandardOpenOption.TRUNCATE_EXISTING); // logrotate copytruncate
    assertEquals(List.of(), poll());
    append(file, records(ULOGD, 3)); // O_APPEND writer goes on at offset 0, no header
    assertEquals(List.of(3), poll());
    append(file, records(ULOGD, 4));
    assertEquals(List.of(4), poll());
    assertEquals(1, follower.truncations());
  }

  @Test
  void reportsACorruptFileAndRecoversWhenItIsReplaced() throws IOException {
    file = dir.resolve("ulogd.pcap");
    follow(true, 0);
    append(file, "this is no pcap file at all".getBytes(StandardCharsets.US_ASCII));
    assertEquals(List.of(), poll());
    assertNotNull(follower.problem());
    assertTrue(follower.problem().contains("not a pcap file"), follower.problem());
    Files.delete(file);
    append(file, header(ULOGD), records(ULOGD, 1));
    assertEquals(List.of(1), poll());
    assertNull(follower.problem());
    // a record whose length is impossible: the file cannot be resynchronized until it is truncated
    byte[] bad = records(ULOGD, 2);
    bad[8] = (byte) 0xff;
    bad[9] = (byte) 0xff;
    bad[10] = (byte) 0xff;
    bad[11] = (byte) 0x7f;
    append(file, bad);
    assertEquals(List.of(), poll());
    assertTrue(follower.problem().startsWith(file + ": corrupt pcap record"), follower.problem());
    append(file, records(ULOGD, 3));
    assertEquals(List.of(), poll());
    Files.write(file, concat(header(ULOGD), records(ULOGD, 4)), StandardOpenOption.TRUNCATE_EXISTING);
    assertEquals(List.of(4), poll());
  }

  @Test
  void countsFramesItCannotDecode() throws IOException {
    follow(true, 100);
    byte[] junk = records(ULOGD, 1);
    junk[16] = 0x00; // IP version 0
    assertEquals(List.of(), poll());
    append(file, header(ULOGD), junk, records(ULOGD, 2));
    assertEquals(List.of(2), poll());
    assertArrayEquals(new long[] {1, 0, 1}, follower.frameCounts());
  }

  static void assertArrayEquals(long[] a, long[] b) {
    org.junit.jupiter.api.Assertions.assertArrayEquals(a, b);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
