package spa.server.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The replay file loader on arbitrary bytes (fwknop digest lines, spa's table image, or neither): it loads what
 * is a record and counts the rest, or refuses the file with an {@link IOException} saying why, never another
 * exception; the cache holds exactly the records it reports loaded, and every load ends within a second.
 */
class ReplayFileFuzzTest {
  private static final Path FILE;

  static {
    try {
      FILE = Files.createTempDirectory("spa-replay-fuzz").resolve("digest.cache");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "5m")
  void replayFileLoadsOrIsRefused(byte[] input) throws IOException {
    Files.write(FILE, input);
    ReplayCache cache = new ReplayCache();
    long start = System.nanoTime();
    try {
      LoadResult r = DigestStore.read(FILE, cache, 0);
      assertEquals(r.loaded(), cache.size(), r::toString);
      assertTrue(r.loaded() + r.expired() <= r.records(), r::toString);
    } catch (IOException refused) {
      assertTrue(refused.getMessage() != null && !refused.getMessage().isBlank(), refused::toString);
    } finally {
      assertTrue(System.nanoTime() - start < 1_000_000_000L, "loading took over a second");
    }
  }
}
