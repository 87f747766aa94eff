package spa.server.replay;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import spa.core.Packet;
import spa.core.Settings;
import spa.server.config.FilePermissions;

/**
 * Replay protection as the daemon sees it: opened as configured ({@code DIGEST_FILE} loaded, records outside the
 * age window dropped; an fwknopd {@code digest.cache} imported when spad has none yet, {@code DIGEST_MIGRATE_FROM};
 * nothing written in test mode or with {@code ENABLE_DIGEST_PERSISTENCE N}, the cache then living in memory),
 * asked by the engine ({@link ReplayGuard}), kept up by {@link Maintenance}, and closed.
 */
public final class Replays implements ReplayGuard, AutoCloseable {
  private final ReplayCache cache;
  private final DigestStore store;

  /** @param store the file records are appended to, or null (nothing written) */
  public Replays(ReplayCache cache, DigestStore store) {
    this.cache = cache;
    this.store = store;
  }

  @Override
  public Seen firstSeen(byte[] sha256, Packet packet, long epochSecond) {
    long existing = cache.putIfAbsent(ReplayCache.key0(sha256), ReplayCache.key1(sha256), epochSecond);
    if (existing != ReplayCache.INSERTED) {
      return new Again(existing);
    }
    return new First(store == null ? 0 : store.append(sha256, packet, epochSecond));
  }

  @Override
  public void written(long sequence) throws IOException {
    if (store != null && sequence > 0) {
      store.writeTo(sequence);
    }
  }

  @Override
  public void durable(long sequence) throws IOException {
    if (store != null && sequence > 0) {
      store.syncTo(sequence);
    }
  }

  /** Writes and forces every record appended so far. */
  public void sync() throws IOException {
    if (store != null) {
      store.sync();
    }
  }

  /** Drops the records older than {@code minEpochSecond} from memory (the file follows at its next compaction). */
  public int prune(long minEpochSecond) {
    return cache.prune(minEpochSecond);
  }

  /** Rewrites the file as an image when it holds many lines or records that are gone; false when not due. */
  public boolean compactIfDue() throws IOException {
    if (store == null || !store.needsCompaction(cache.size())) {
      return false;
    }
    store.compact(cache);
    return true;
  }

  /** The file records are appended to, or null. */
  public java.nio.file.Path file() {
    return store == null ? null : store.file();
  }

  @Override
  public int size() {
    return cache.size();
  }

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
   * Reads the records into {@code cache} (made by {@link #newCache}) and opens the file records are appended to
   * (none in test mode or without persistence).
   *
   * @param minEpoch records older than this are dropped (a replay that old fails the age check)
   * @param rotate rename an existing file to {@code <file>-old} first ({@code --rotate-digest-cache})
   * @param warn damaged lines skipped, with their count; a file that group or others may write
   * @throws IOException also for a file that is neither fwknop's lines nor spa's image, or a symbolic link
   */
  public static Replays open(Settings g, ReplayCache cache, boolean testMode, long minEpoch, boolean rotate,
      Consumer<String> info, Consumer<String> warn) throws IOException {
    if (!g.flag("ENABLE_DIGEST_PERSISTENCE", true)) {
      info.accept("replay cache: in memory only (ENABLE_DIGEST_PERSISTENCE is N)");
      return new Replays(cache, null);
    }
    Path file = Path.of(g.get("DIGEST_FILE").orElseThrow());
    DigestStore.refuseLink(file); // before a rotation, which would move the link, not the file
    if (rotate && !testMode && Files.exists(file)) {
      Files.move(file, file.resolveSibling(file.getFileName() + "-old"), StandardCopyOption.REPLACE_EXISTING);
      info.accept("replay cache: rotated " + file + " to " + file.getFileName() + "-old");
    }
    Path migrate = Files.exists(file) ? null : migrationSource(g);
    Path from = migrate != null ? migrate : file;
    if (migrate != null) {
      try {
        DigestStore.refuseLink(migrate);
      } catch (IOException e) {
        throw new IOException("DIGEST_MIGRATE_FROM " + migrate + " " + e.getMessage());
      }
    }
    FilePermissions.checkNotWritable(from, "whoever writes it can erase records to replay packets", warn);
    if (testMode) {
      LoadResult r = DigestStore.read(from, cache, minEpoch);
      damaged(from, r, warn);
      info.accept("replay cache: " + r.loaded() + " records read from " + from + " (test mode: nothing written)");
      return new Replays(cache, null);
    }
    if (migrate != null) {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      DigestStore.createPrivate(file); // owner-only whatever the umask, like a file spad starts itself
      try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
        Files.copy(migrate, out);
      }
      info.accept("replay cache: imported fwknop's " + migrate + " into " + file);
    }
    LoadResult[] r = new LoadResult[1];
    DigestStore store = DigestStore.open(file, cache, minEpoch, r);
    damaged(file, r[0], warn);
    info.accept("replay cache: " + r[0].loaded() + " records from " + file + " (" + r[0].expired()
        + " past the age window dropped)");
    return new Replays(cache, store);
  }

  private static void damaged(Path file, LoadResult r, Consumer<String> warn) {
    if (r.invalid() > 0) {
      warn.accept("replay cache: " + r.invalid() + " of " + r.records() + " entries in " + file
          + " are damaged (not records) and were skipped");
    }
  }

  private static Path migrationSource(Settings g) {
    for (String p : g.get("DIGEST_MIGRATE_FROM").orElse("").split(",")) {
      if (!p.isBlank() && Files.isRegularFile(Path.of(p.strip()))) {
        return Path.of(p.strip());
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    if (store != null) {
      store.close();
    }
  }
}
