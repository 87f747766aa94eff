package spa.server.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;
import spa.core.Settings;

/**
 * Opens the replay cache as configured: {@code DIGEST_FILE} loaded (records outside the age window dropped),
 * an fwknopd {@code digest.cache} imported when spad has none yet ({@code DIGEST_MIGRATE_FROM}), and
 * nothing written in test mode or with {@code ENABLE_DIGEST_PERSISTENCE N} (the cache then lives in memory).
 */
public final class ReplayStore {
  private ReplayStore() {}

  /** An empty cache sized for the records {@link #open} will read into it. */
  public static ReplayCache newCache(Settings g) {
    if (!g.flag("ENABLE_DIGEST_PERSISTENCE", true)) {
      return new ReplayCache();
    }
    Path file = Path.of(g.get("DIGEST_FILE").orElseThrow());
    Path from = Files.exists(file) ? file : migrationSource(g);
    // size the tables once for the lines to insert instead of growing them record by record
    return new ReplayCache((int) Math.min(Integer.MAX_VALUE / 2, from == null ? 0 : DigestStore.linesHint(from)));
  }

  /**
   * Reads the records into {@code cache} (made by {@link #newCache}); returns the file to append records to, or
   * null when none is written.
   *
   * @param minEpoch records older than this are dropped (a replay that old fails the age check)
   * @param rotate rename an existing file to {@code <file>-old} first ({@code --rotate-digest-cache})
   */
  public static DigestStore open(Settings g, ReplayCache cache, boolean testMode, long minEpoch, boolean rotate,
      Consumer<String> info) throws IOException {
    if (!g.flag("ENABLE_DIGEST_PERSISTENCE", true)) {
      info.accept("replay cache: in memory only (ENABLE_DIGEST_PERSISTENCE is N)");
      return null;
    }
    Path file = Path.of(g.get("DIGEST_FILE").orElseThrow());
    if (rotate && !testMode && Files.exists(file)) {
      Files.move(file, file.resolveSibling(file.getFileName() + "-old"), StandardCopyOption.REPLACE_EXISTING);
      info.accept("replay cache: rotated " + file + " to " + file.getFileName() + "-old");
    }
    Path migrate = Files.exists(file) ? null : migrationSource(g);
    Path from = migrate != null ? migrate : file;
    if (testMode) {
      LoadResult r = DigestStore.read(from, cache, minEpoch);
      info.accept("replay cache: " + r.loaded() + " records read from " + from + " (test mode: nothing written)");
      return null;
    }
    if (migrate != null) {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Files.copy(migrate, file);
      info.accept("replay cache: imported fwknop's " + migrate + " into " + file);
    }
    LoadResult[] r = new LoadResult[1];
    DigestStore store = DigestStore.open(file, cache, minEpoch, r);
    info.accept("replay cache: " + r[0].loaded() + " records from " + file + " (" + r[0].expired()
        + " past the age window dropped)");
    return store;
  }

  private static Path migrationSource(Settings g) {
    for (String p : g.get("DIGEST_MIGRATE_FROM").orElse("").split(",")) {
      if (!p.isBlank() && Files.isRegularFile(Path.of(p.strip()))) {
        return Path.of(p.strip());
      }
    }
    return null;
  }
}
