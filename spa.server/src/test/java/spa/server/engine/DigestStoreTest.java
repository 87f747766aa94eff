package spa.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
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
    DigestStore.LoadResult r = DigestStore.read(f, c, 1_700_000_000L);
    assertEquals(1, r.loaded());
    assertEquals(1, r.expired());
    assertEquals(1, r.invalid());
    assertEquals(1795249764L, c.lookup(DigestStore.key0(d1), DigestStore.key1(d1)));
    assertEquals(ReplayCache.ABSENT, c.lookup(DigestStore.key0(d2), DigestStore.key1(d2)));
  }

  @Test
  void appendsInFwknopFormatDurablyAndCompacts() throws Exception {
    Path f = dir.resolve("sub/digest.cache");
    ReplayCache c = new ReplayCache();
    byte[] d1 = sha("a");
    byte[] d2 = sha("b");
    try (DigestStore s = DigestStore.open(f, c, 0, null)) {
      long seq = s.append(d1, TestKit.udp("127.0.0.1", "0.0.0.0", "x"), 100);
      s.append(d2, TestKit.udp("198.18.0.5", "198.18.0.1", "x"), 200);
      s.syncTo(seq);
      String text = Files.readString(f);
      assertTrue(text.startsWith("# <digest> <proto> <src_ip> <src_port> <dst_ip> <dst_port> <time>\n"), text);
      assertTrue(text.contains(Base64s.encode(d1) + " 17 127.0.0.1 40000 0.0.0.0 62201 100\n"), text);
      assertTrue(text.contains(Base64s.encode(d2) + " 17 198.18.0.5 40000 198.18.0.1 62201 200\n"), text);
      assertEquals(1, s.compact(150));
      assertFalse(Files.readString(f).contains(Base64s.encode(d1)));
      s.append(sha("c"), TestKit.udp("127.0.0.1", "0.0.0.0", "x"), 300);
    }
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    ReplayCache again = new ReplayCache();
    DigestStore.LoadResult[] r = new DigestStore.LoadResult[1];
    DigestStore.open(f, again, 250, r).close();
    assertEquals(1, r[0].loaded());
    assertEquals(1, r[0].expired());
    assertEquals(1, again.size());
    assertEquals(1, Files.readAllLines(f).stream().filter(l -> !l.startsWith("#")).count(), "expired records dropped from the file");
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
    DigestStore.LoadResult r = DigestStore.read(f, c, 0);
    assertEquals(n + 1, r.loaded());
    assertEquals(1, r.invalid());
    assertEquals(n + 1 + 1 + 10, r.lines());
    assertEquals(n + 1, c.size());
    for (int i = 0; i < n; i += 997) {
      byte[] d = sha("p" + i);
      assertEquals(1_800_000_000L + i, c.lookup(DigestStore.key0(d), DigestStore.key1(d)), "record " + i);
    }
    byte[] last = sha("last");
    assertEquals(1_800_000_000L, c.lookup(DigestStore.key0(last), DigestStore.key1(last)));

    // the same file opened for appending: one pass, the duplicates and the long line dropped from the file
    ReplayCache again = new ReplayCache();
    DigestStore.LoadResult[] opened = new DigestStore.LoadResult[1];
    DigestStore.open(f, again, 0, opened).close();
    assertEquals(r, opened[0]);
    assertEquals(n + 1, Files.readAllLines(f).stream().filter(l -> !l.startsWith("#")).count());
  }
}
