package spa.server.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.codec.Base64s;
import spa.server.testkit.TestKit;

class DigestStoreTest {
  @TempDir
  Path dir;

  private static byte[] sha(String s) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void readsAnFwknopDigestCache() throws Exception {
    byte[] d1 = sha("packet one");
    byte[] d2 = sha("packet two");
    Path f = dir.resolve("digest.cache");
    Files.writeString(f, "# <digest> <proto> <src_ip> <src_port> <dst_ip> <dst_port> <time>\n"
        + Base64s.encode(d1) + " 17 127.0.0.1 44744 0.0.0.0 62201 1795249764\n"
        + "garbage line\n"
        + Base64s.encode(d2) + " 17 127.0.0.1 44745 0.0.0.0 62201 1000\n");
    ReplayCache c = new ReplayCache();
    LoadResult r = DigestStore.read(f, c, 1_700_000_000L);
    assertEquals(1, r.loaded());
    assertEquals(1, r.expired());
    assertEquals(1, r.invalid());
    assertEquals(1795249764L, c.lookup(ReplayCache.key0(d1), ReplayCache.key1(d1)));
    assertEquals(ReplayCache.ABSENT, c.lookup(ReplayCache.key0(d2), ReplayCache.key1(d2)));
  }

  /** Puts a record in the cache, then appends it, as the engine does. */
  private static long record(ReplayCache c, DigestStore s, byte[] sha, String src, long epoch) {
    c.putIfAbsent(ReplayCache.key0(sha), ReplayCache.key1(sha), epoch);
    return s.append(sha, TestKit.udp(src, "0.0.0.0", "x"), epoch);
  }

  private static long seen(ReplayCache c, byte[] sha) {
    return c.lookup(ReplayCache.key0(sha), ReplayCache.key1(sha));
  }

  private static boolean startsWithImage(Path f) throws Exception {
    byte[] b = Files.readAllBytes(f);
    return b.length >= 8 && new String(b, 0, 8, StandardCharsets.ISO_8859_1).equals("SPA-RPL1");
  }

  @Test
  void appendsInFwknopFormatDurablyAndCompactsToAnImage() throws Exception {
    Path f = dir.resolve("sub/digest.cache");
    ReplayCache c = new ReplayCache();
    byte[] d1 = sha("a");
    byte[] d2 = sha("b");
    try (DigestStore s = DigestStore.open(f, c, 0, null)) {
      long seq = record(c, s, d1, "127.0.0.1", 100);
      record(c, s, d2, "198.18.0.5", 200);
      s.syncTo(seq);
      String text = Files.readString(f);
      assertTrue(text.startsWith("# <digest> <proto> <src_ip> <src_port> <dst_ip> <dst_port> <time>\n"), text);
      assertTrue(text.contains(Base64s.encode(d1) + " 17 127.0.0.1 40000 0.0.0.0 62201 100\n"), text);
      assertTrue(text.contains(Base64s.encode(d2) + " 17 198.18.0.5 40000 0.0.0.0 62201 200\n"), text);
      assertEquals(1, c.prune(150));
      assertEquals(1, s.compact(c));
      assertTrue(startsWithImage(f));
      record(c, s, sha("c"), "127.0.0.1", 300); // a line after the image
    }
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    ReplayCache read = new ReplayCache();
    LoadResult all = DigestStore.read(f, read, 0);
    assertEquals(new LoadResult(2, 0, 0, 2), all);
    assertEquals(ReplayCache.ABSENT, seen(read, d1));
    assertEquals(200, seen(read, d2));
    assertEquals(300, seen(read, sha("c")));

    // records of the image older than the window are dropped as they load
    ReplayCache again = new ReplayCache();
    LoadResult[] r = new LoadResult[1];
    DigestStore.open(f, again, 250, r).close();
    assertEquals(new LoadResult(1, 1, 0, 2), r[0]);
    assertEquals(1, again.size());
    assertEquals(300, seen(again, sha("c")));
  }

  @Test
  void aLineCutShortByACrashDoesNotSwallowTheNextRecord() throws Exception {
    Path f = dir.resolve("digest.cache");
    ReplayCache c = new ReplayCache();
    c.putIfAbsent(ReplayCache.key0(sha("old")), ReplayCache.key1(sha("old")), 100);
    DigestStore.create(f, c);
    // the end of a record whose write was cut: a number where the epoch would be
    Files.writeString(f, Base64s.encode(sha("cut")) + " 17 127.0.0.1 40000 0.0.0.0 62201 17",
        StandardOpenOption.APPEND);
    ReplayCache opened = new ReplayCache();
    try (DigestStore s = DigestStore.open(f, opened, 0, null)) {
      s.syncTo(record(opened, s, sha("next"), "127.0.0.1", 500));
    }
    ReplayCache read = new ReplayCache();
    assertEquals(new LoadResult(3, 0, 0, 3), DigestStore.read(f, read, 0));
    assertEquals(500, seen(read, sha("next")));
    assertEquals(100, seen(read, sha("old")));
  }

  @Test
  void aDamagedImageIsRefusedWithItsReason() throws Exception {
    ReplayCache c = new ReplayCache();
    for (int i = 0; i < 1000; i++) {
      byte[] d = sha("r" + i);
      c.putIfAbsent(ReplayCache.key0(d), ReplayCache.key1(d), 1000 + i);
    }
    Path f = dir.resolve("digest.cache");
    DigestStore.create(f, c);
    byte[] good = Files.readAllBytes(f);

    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 4;
    Files.write(f, flipped);
    assertTrue(refused(f).contains("checksum mismatch"), refused(f));

    Files.write(f, Arrays.copyOf(good, good.length - 100));
    assertTrue(refused(f).contains("cut short"), refused(f));

    byte[] tables = good.clone();
    tables[8] = 32;
    Files.write(f, tables);
    assertTrue(refused(f).contains("32 tables"), refused(f));

    byte[] directory = good.clone();
    directory[64] = 3; // the first table's capacity: not a power of two
    Files.write(f, directory);
    assertTrue(refused(f).contains("damaged"), refused(f));

    Files.write(f, good);
    ReplayCache read = new ReplayCache();
    assertEquals(new LoadResult(1000, 0, 0, 1000), DigestStore.read(f, read, 0));
    assertEquals(1999, seen(read, sha("r999")));
  }

  /** The reason a load gives for refusing {@code f}; the cache it was loading into is left empty. */
  private static String refused(Path f) {
    ReplayCache c = new ReplayCache();
    IOException e = assertThrows(IOException.class, () -> DigestStore.read(f, c, 0));
    assertEquals(0, c.size());
    return e.getMessage();
  }

  @Test
  void compactingWhileRecordsAreAddedLosesNone() throws Exception {
    Path f = dir.resolve("digest.cache");
    ReplayCache c = new ReplayCache();
    int threads = 4;
    int each = 5000;
    try (DigestStore s = DigestStore.open(f, c, 0, null)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            record(c, s, sha(id + "/" + i), "127.0.0.1", 1000 + i);
          }
          return null;
        }));
      }
      int compactions = 0;
      while (done.stream().anyMatch(d -> !d.isDone()) || compactions < 3) {
        s.compact(c);
        compactions++;
      }
      for (Future<?> d : done) {
        d.get();
      }
      pool.shutdown();
    }
    ReplayCache read = new ReplayCache();
    LoadResult r = DigestStore.read(f, read, 0);
    assertEquals(threads * each, r.loaded(), r.toString());
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < each; i += 7) {
        assertEquals(1000 + i, seen(read, sha(t + "/" + i)), t + "/" + i);
      }
    }
  }

  @Test
  void upkeepCompactsAFileOfManyLinesAndOneOfRecordsGone() throws Exception {
    Path f = dir.resolve("digest.cache");
    ReplayCache c = new ReplayCache();
    long now = 1_800_000_000L;
    try (DigestStore s = DigestStore.open(f, c, 0, null)) {
      for (int i = 0; i < 30_000; i++) {
        record(c, s, sha("u" + i), "127.0.0.1", i < 20_000 ? now - 1000 : now);
      }
      s.sync();
      assertFalse(startsWithImage(f));
      // aging off: the lines alone are worth compacting
      try (Maintenance m = new Maintenance(new Replays(c, s), new ReplayWindow(0), () -> now * 1000, e -> { }, 1)) {
        awaitImage(f);
      }
      assertEquals(30_000, DigestStore.read(f, new ReplayCache(), 0).records());
      // aging on: the records past the window leave memory, then the file
      try (Maintenance m = new Maintenance(new Replays(c, s), new ReplayWindow(100), () -> now * 1000, e -> { }, 1)) {
        long deadline = System.currentTimeMillis() + 20_000;
        while (DigestStore.read(f, new ReplayCache(), 0).records() != 10_000 && System.currentTimeMillis() < deadline) {
          Thread.sleep(50);
        }
      }
      assertEquals(10_000, c.size());
      ReplayCache read = new ReplayCache();
      assertEquals(new LoadResult(10_000, 0, 0, 10_000), DigestStore.read(f, read, 0));
      assertEquals(now, seen(read, sha("u29999")));
      assertEquals(ReplayCache.ABSENT, seen(read, sha("u0")));
    }
  }

  private static void awaitImage(Path f) throws Exception {
    long deadline = System.currentTimeMillis() + 20_000;
    while (!startsWithImage(f) && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(startsWithImage(f), "compacted by upkeep");
  }

  @Test
  void readsLargeCachesWhoseLinesCrossReadPiecesWholeAndOnce() throws Exception {
    // ~12 MB: read in 1 MiB pieces, so pieces split lines; CRLF, comments,
    // duplicates, a line longer than a piece and a last line without a newline all along the way
    StringBuilder b = new StringBuilder(DigestStore.HEADER);
    int n = 100_000;
    for (int i = 0; i < n; i++) {
      b.append(Base64s.encode(sha("p" + i))).append(" 17 198.18.").append(i % 250).append('.').append(i % 200)
          .append(' ').append(40000 + i % 20000).append(" 198.18.0.1 62201 ").append(1_800_000_000L + i)
          .append(i % 7 == 0 ? "\r\n" : "\n");
      if (i == 30_000) {
        b.append("x".repeat(3 << 20)).append('\n');
      }
      if (i % 10_000 == 0) {
        b.append("# a comment\n").append(Base64s.encode(sha("p" + i))).append(" 17 127.0.0.1 1 127.0.0.1 2 5\n");
      }
    }
    b.append(Base64s.encode(sha("last"))).append(" 17 127.0.0.1 1 127.0.0.1 2 1800000000");
    Path f = dir.resolve("digest.cache");
    Files.writeString(f, b);
    ReplayCache c = new ReplayCache();
    LoadResult r = DigestStore.read(f, c, 0);
    assertEquals(n + 1, r.loaded());
    assertEquals(1, r.invalid());
    assertEquals(n + 1 + 1 + 10, r.records());
    assertEquals(n + 1, c.size());
    for (int i = 0; i < n; i += 997) {
      byte[] d = sha("p" + i);
      assertEquals(1_800_000_000L + i, c.lookup(ReplayCache.key0(d), ReplayCache.key1(d)), "record " + i);
    }
    byte[] last = sha("last");
    assertEquals(1_800_000_000L, c.lookup(ReplayCache.key0(last), ReplayCache.key1(last)));

    // the same file opened for appending: one pass, then so many lines are compacted into an image
    ReplayCache again = new ReplayCache();
    LoadResult[] opened = new LoadResult[1];
    DigestStore.open(f, again, 0, opened).close();
    assertEquals(r, opened[0]);
    assertTrue(startsWithImage(f));
    ReplayCache image = new ReplayCache();
    assertEquals(new LoadResult(n + 1, 0, 0, n + 1), DigestStore.read(f, image, 0));
    for (int i = 0; i < n; i += 997) {
      byte[] d = sha("p" + i);
      assertEquals(1_800_000_000L + i, seen(image, d), "record " + i);
    }
  }
}
