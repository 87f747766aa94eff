package spa.server.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.Packet;
import spa.core.Settings;
import spa.core.codec.Base64s;
import spa.server.testkit.TestKit;

/** The facade: the engine's question, and a file spad opens, refuses or reports on. */
class ReplaysTest {
  @TempDir
  Path dir;

  private final List<String> info = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private static final Packet PACKET = TestKit.udp("127.0.0.1", "127.0.0.1", "x");

  private static byte[] sha(String s) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
  }

  private Replays open(Path file, boolean rotate) throws IOException {
    Settings g = Settings.builder("test").put("DIGEST_FILE", file.toString()).build();
    return Replays.open(g, Replays.newCache(g), false, Long.MIN_VALUE, rotate, info::add, warnings::add);
  }

  @Test
  void aPacketIsNewOnceThenAReplayWithTheSecondItWasFirstSeen() throws Exception {
    try (Replays r = open(dir.resolve("digest.cache"), false)) {
      ReplayGuard.Seen first = r.firstSeen(sha("one"), PACKET, 1_800_000_000L);
      assertTrue(first instanceof ReplayGuard.First f && f.sequence() > 0, first.toString());
      assertEquals(new ReplayGuard.Again(1_800_000_000L), r.firstSeen(sha("one"), PACKET, 1_800_000_050L));
    }
    try (Replays r = open(dir.resolve("digest.cache"), false)) {
      assertEquals(new ReplayGuard.Again(1_800_000_000L), r.firstSeen(sha("one"), PACKET, 1_800_000_100L),
          "recorded on disk: still a replay after a restart");
    }
  }

  @Test
  void damagedLinesAreReportedWithTheirCountInOneLine() throws Exception {
    Path f = dir.resolve("digest.cache");
    Files.writeString(f, DigestStore.HEADER
        + Base64s.encode(sha("one")) + " 17 127.0.0.1 44744 0.0.0.0 62201 1795249764\n"
        + "garbage line\n"
        + Base64s.encode(sha("two")).substring(0, 30) + " 17 127.0.0.1 44744 0.0.0.0 62201 1795249764\n");
    try (Replays r = open(f, false)) {
      assertEquals(1, r.size());
    }
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("2 of 3 entries in " + f + " are damaged"), warnings.get(0));
  }

  @Test
  void aFileOfRandomBytesIsRefusedNamingTheWayToStartAfresh() throws Exception {
    Path f = dir.resolve("digest.cache");
    byte[] junk = new byte[3 << 20];
    new Random(7).nextBytes(junk);
    Files.write(f, junk);
    IOException e = assertThrows(IOException.class, () -> open(f, false));
    assertTrue(e.getMessage().startsWith("neither fwknop digest.cache lines nor a spa replay image ("), e.getMessage());
    assertTrue(e.getMessage().endsWith("start with --rotate-digest-cache to move it aside and start afresh"),
        e.getMessage());
    assertArrayEquals(junk, Files.readAllBytes(f), "left as it was, not compacted into an empty cache");
    // test mode reads it the same way
    Settings g = Settings.builder("test").put("DIGEST_FILE", f.toString()).build();
    assertThrows(IOException.class,
        () -> Replays.open(g, new ReplayCache(), true, Long.MIN_VALUE, false, info::add, warnings::add));

    try (Replays r = open(f, true)) {
      assertEquals(0, r.size());
    }
    assertArrayEquals(junk, Files.readAllBytes(dir.resolve("digest.cache-old")));
    assertFalse(Files.readString(f).contains("\0"));
  }

  @Test
  void aSymbolicLinkIsRefusedAndNotFollowedNamingNoOtherFile() throws Exception {
    Path target = dir.resolve("elsewhere");
    Files.writeString(target, "precious\n");
    Path link = Files.createSymbolicLink(dir.resolve("digest.cache"), target);
    for (boolean rotate : new boolean[] {false, true}) {
      IOException e = assertThrows(IOException.class, () -> open(link, rotate));
      assertEquals("is a symbolic link, which spad does not follow for a replay file (make it a regular file)",
          e.getMessage());
    }
    Settings g = Settings.builder("test").put("DIGEST_FILE", link.toString()).build();
    assertThrows(IOException.class,
        () -> Replays.open(g, new ReplayCache(), true, Long.MIN_VALUE, false, info::add, warnings::add),
        "test mode refuses it as well");
    assertEquals("precious\n", Files.readString(target), "the link's target is left alone");
    assertTrue(Files.isSymbolicLink(link), "the link is not rotated either");

    Files.delete(target); // dangling: still not created through
    assertThrows(IOException.class, () -> open(link, false));
    assertFalse(Files.exists(target));
  }

  @Test
  void anFwknopCacheToImportThatIsASymbolicLinkIsRefusedNamingIt() throws Exception {
    Path real = dir.resolve("real.cache");
    Files.writeString(real, DigestStore.HEADER);
    Path link = Files.createSymbolicLink(dir.resolve("fwknop.cache"), real);
    Path file = dir.resolve("spa/digest.cache");
    Settings g = Settings.builder("test").put("DIGEST_FILE", file.toString())
        .put("DIGEST_MIGRATE_FROM", link.toString()).build();
    IOException e = assertThrows(IOException.class,
        () -> Replays.open(g, new ReplayCache(), false, Long.MIN_VALUE, false, info::add, warnings::add));
    assertTrue(e.getMessage().startsWith("DIGEST_MIGRATE_FROM " + link + " is a symbolic link"), e.getMessage());
    assertFalse(Files.exists(file));
  }

  @Test
  void aFileGroupOrOthersMayWriteIsUsedWithOneWarningNamingItAndItsMode() throws Exception {
    Path f = dir.resolve("digest.cache");
    Files.writeString(f, DigestStore.HEADER);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-r--"));
    try (Replays r = open(f, false)) {
      assertEquals(0, r.size());
    }
    assertEquals(List.of(f + ": mode 0664 lets group or others write it, and whoever writes it can erase records"
        + " to replay packets (chmod 600 it)"), warnings);

    warnings.clear();
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    try (Replays r = open(f, false)) {
      assertEquals(0, r.size());
    }
    assertEquals(List.of(), warnings, "readable by others is no risk to replay protection");

    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--rw-"));
    try (Replays r = open(f, false)) {
      assertEquals(0, r.size());
    }
    assertEquals(1, warnings.size(), "world-writable: " + warnings);
  }

  @Test
  void anImportedFwknopCacheIsOwnerOnlyWhateverItsSourceMode() throws Exception {
    Path fwknop = dir.resolve("fwknop.cache");
    Files.writeString(fwknop, DigestStore.HEADER + Base64s.encode(sha("one"))
        + " 17 127.0.0.1 44744 0.0.0.0 62201 1795249764\n");
    Files.setPosixFilePermissions(fwknop, PosixFilePermissions.fromString("rw-r--r--"));
    Path file = dir.resolve("spa/digest.cache");
    Settings g = Settings.builder("test").put("DIGEST_FILE", file.toString())
        .put("DIGEST_MIGRATE_FROM", fwknop.toString()).build();
    try (Replays r = Replays.open(g, Replays.newCache(g), false, Long.MIN_VALUE, false, info::add, warnings::add)) {
      assertEquals(1, r.size());
    }
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }
}
