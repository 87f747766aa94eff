package spa.server.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.server.testkit.TestKit;

/**
 * The disk under the store: filling up while records are appended (the file keeps whole records only, and loses
 * none), or slow to flush (appends go on meanwhile).
 */
class DigestStoreFullDiskTest {
  @TempDir
  Path dir;

  private final List<FullDisk> disks = new ArrayList<>();
  private final ReplayCache cache = new ReplayCache();

  private DigestStore open(Path f) throws IOException {
    return DigestStore.open(f, cache, 0, null, ch -> {
      FullDisk d = new FullDisk(ch);
      disks.add(d);
      return d;
    });
  }

  private long record(DigestStore s, int i) throws Exception {
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(("packet " + i).getBytes(StandardCharsets.US_ASCII));
    cache.putIfAbsent(ReplayCache.key0(sha), ReplayCache.key1(sha), 1_800_000_000L + i);
    return s.append(sha, TestKit.udp("198.18.0." + (i + 1), "0.0.0.0", "x"), 1_800_000_000L + i);
  }

  /** What a restart reads from {@code f}. */
  private static LoadResult reread(Path f) throws IOException {
    return DigestStore.read(f, new ReplayCache(), 0);
  }

  private static void assertWholeLines(byte[] file) {
    assertEquals('\n', file[file.length - 1], "the file ends with a whole line");
  }

  @Test
  void aWriteCutShortIsTakenBackAndTheRecordsGoOutWholeOnceThereIsRoom() throws Exception {
    Path f = dir.resolve("digest.cache");
    try (DigestStore s = open(f)) {
      for (int i = 0; i < 3; i++) {
        record(s, i);
      }
      s.sync();
      byte[] before = Files.readAllBytes(f);
      FullDisk disk = disks.get(0);
      disk.capacity = before.length + 100; // room for one record and part of the next
      long last = 0;
      for (int i = 3; i < 6; i++) {
        last = record(s, i);
      }
      long seq = last;
      IOException full = assertThrows(IOException.class, () -> s.syncTo(seq));
      assertEquals("No space left on device", full.getMessage());
      assertArrayEquals(before, Files.readAllBytes(f), "cut back to the last whole record");

      assertThrows(IOException.class, s::sync, "still full: fails again");
      assertArrayEquals(before, Files.readAllBytes(f));
      assertEquals(2, disk.failures);

      disk.capacity = Long.MAX_VALUE;
      s.syncTo(seq);
      byte[] after = Files.readAllBytes(f);
      assertWholeLines(after);
      String added = new String(after, before.length, after.length - before.length, StandardCharsets.US_ASCII);
      assertEquals(3, added.lines().count(), "the three records, each once: " + added);
    }
    assertEquals(new LoadResult(6, 0, 0, 6), reread(f), "nothing recorded is lost, nothing is damaged");
  }

  @Test
  void whenCuttingBackFailsTooTheNextWriteCutsTheTornRecordOffFirst() throws Exception {
    Path f = dir.resolve("digest.cache");
    try (DigestStore s = open(f)) {
      record(s, 0);
      s.sync();
      long before = Files.size(f);
      FullDisk disk = disks.get(0);
      disk.capacity = before + 50; // part of one record
      disk.failTruncates = true;
      record(s, 1);
      record(s, 2);
      assertThrows(IOException.class, s::sync);
      assertEquals(before + 50, Files.size(f), "the torn record is still there");

      disk.failTruncates = false;
      disk.capacity = Long.MAX_VALUE;
      s.sync();
      assertWholeLines(Files.readAllBytes(f));
    }
    assertEquals(new LoadResult(3, 0, 0, 3), reread(f));
  }

  @Test
  void recordsBufferedWhileTheDiskIsFullGoOutAtClose() throws Exception {
    Path f = dir.resolve("digest.cache");
    DigestStore s = open(f);
    long header = Files.size(f);
    disks.get(0).capacity = header + 10;
    record(s, 0);
    assertThrows(IOException.class, s::sync);
    record(s, 1);
    disks.get(0).capacity = Long.MAX_VALUE;
    s.close();
    assertEquals(new LoadResult(2, 0, 0, 2), reread(f));
  }

  @Test
  void aCompactionAfterAFailedWriteKeepsEveryRecord() throws Exception {
    Path f = dir.resolve("digest.cache");
    try (DigestStore s = open(f)) {
      record(s, 0);
      s.sync();
      FullDisk disk = disks.get(0);
      disk.capacity = Files.size(f) + 30;
      disk.failTruncates = true;
      record(s, 1);
      assertThrows(IOException.class, s::sync);
      assertThrows(IOException.class, () -> s.compact(cache), "the old file cannot take the record: no compaction");
      disk.failTruncates = false;
      disk.capacity = Long.MAX_VALUE;
      assertEquals(2, s.compact(cache));
      record(s, 2);
      s.sync();
      assertTrue(disks.size() == 2, "the compacted file is appended to through a new channel");
    }
    assertEquals(new LoadResult(3, 0, 0, 3), reread(f));
  }

  @Test
  void appendsGoOnWhileAFlushWaitsForTheDisk() throws Exception {
    Path f = dir.resolve("digest.cache");
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try (DigestStore s = open(f)) {
      FullDisk disk = disks.get(0);
      long first = record(s, 0);
      java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
      disk.forceGate = gate;
      long second;
      try {
        java.util.concurrent.Future<?> flushing = pool.submit(() -> {
          s.syncTo(first);
          return null;
        });
        assertTrue(disk.forcing.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS), "the flush reaches the disk");
        // held at the disk: a worker's append must not wait for it
        java.util.concurrent.Future<Long> appending = pool.submit(() -> record(s, 1));
        second = appending.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(second > first);
        assertTrue(!flushing.isDone(), "the flush is still held");
        disk.forceGate = null;
        gate.countDown();
        flushing.get(10, java.util.concurrent.TimeUnit.SECONDS);
      } finally {
        disk.forceGate = null;
        gate.countDown();
      }
      s.syncTo(second);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(new LoadResult(2, 0, 0, 2), reread(f));
  }
}
