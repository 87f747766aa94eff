package spa.server.replay;

import static java.nio.file.LinkOption.NOFOLLOW_LINKS;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.UnaryOperator;
import spa.core.Packet;
import spa.server.event.ByteLine;

/**
 * The replay cache's file and its lifecycle: read at start-up, appended to record by record in fwknop's line
 * format ({@link DigestLines}), written before any grant that depends on a record is acted on and forced
 * before that grant is reported, and compacted by rewriting it as an image of the cache's tables ({@link ReplayImage}) followed by
 * the lines appended since. A file without the image's header is all lines.
 *
 * <p>The file is never reached through a symbolic link (refused, and opened with {@code O_NOFOLLOW}). Records go
 * out whole or not at all ({@link AppendChannel}). Appends hold only the store's monitor, so a worker recording a
 * packet never waits for a write or flush in progress.
 */
public final class DigestStore implements AutoCloseable {
  static final String HEADER = DigestLines.HEADER;
  private static final OpenOption[] APPEND = {StandardOpenOption.WRITE, StandardOpenOption.APPEND, NOFOLLOW_LINKS};
  private final Path file;
  /** Wraps each channel the store appends through: the seam where tests make writes fail. */
  private final UnaryOperator<FileChannel> channels;
  /**
   * Held while the file is written (forcing it runs outside, see {@link #sync}): appends, which hold only the
   * store's monitor, go on meanwhile (a worker recording a packet never waits for a disk flush). Taken before the
   * monitor, never after.
   */
  private final Object io = new Object();
  // guarded by the monitor
  private ByteLine pending = new ByteLine(8192);
  private long appended;
  /** Records up to here are in the file (the page cache), up to {@link #durable} also forced to disk. */
  private long written;
  private long durable;
  private long imageRecords;
  private long linesInFile;
  /** The file's end; guarded by {@link #io}. */
  private AppendChannel channel;

  private DigestStore(Path file, UnaryOperator<FileChannel> channels, FileChannel channel, long imageRecords,
      long linesInFile) throws IOException {
    this.file = file;
    this.channels = channels;
    this.channel = new AppendChannel(channel);
    this.imageRecords = imageRecords;
    this.linesInFile = linesInFile;
  }

  /**
   * Refuses a symbolic link where the replay file goes: whoever can plant one could make spad read, extend or
   * replace another file.
   */
  static void refuseLink(Path file) throws IOException {
    if (Files.isSymbolicLink(file)) {
      throw new IOException("is a symbolic link, which spad does not follow for a replay file (make it a regular file)");
    }
  }

  /** A load's result, the records of the file's image, and whether its last line lacks its end. */
  private record Loaded(LoadResult result, long imageRecords, boolean openLine) {
    /** The file's record lines: what it holds beyond its image. */
    long lines() {
      return result.records() - imageRecords;
    }
  }

  /** Bytes read from a cache file at once: a large cache costs no buffer of its size. */
  static final int PIECE = 1 << 20;

  /**
   * Reads a cache file into {@code into}, an empty cache, skipping records older than {@code minEpoch} and
   * lines that are not records (as fwknopd skips them). A missing file reads as empty. One thread: a second one
   * would only double the time spent in code not yet compiled.
   */
  public static LoadResult read(Path file, ReplayCache into, long minEpoch) throws IOException {
    refuseLink(file);
    if (!Files.exists(file, NOFOLLOW_LINKS)) {
      return new LoadResult(0, 0, 0, 0);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, NOFOLLOW_LINKS)) {
      return load(ch, into, minEpoch).result();
    }
  }

  /** Records a load of {@code file} will insert one by one (not those of an image), to size a cache for them. */
  public static long linesHint(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, NOFOLLOW_LINKS)) {
      ByteBuffer h = ReplayImage.header(ch);
      long size = ch.size();
      return ReplayImage.isImage(h) && h.position() == ReplayImage.HEADER
          ? Math.max(0, size - ReplayImage.HEADER - ReplayImage.length(h)) / 80 : size / 80; // about 90 bytes a line
    } catch (IOException e) {
      return 0; // the load reports it
    }
  }

  private static Loaded load(FileChannel ch, ReplayCache into, long minEpoch) throws IOException {
    long size = ch.size();
    ByteBuffer h = ReplayImage.header(ch);
    long linesFrom = 0;
    int imageRecords = 0;
    int expired = 0;
    if (ReplayImage.isImage(h)) {
      imageRecords = ReplayImage.read(ch, h, into);
      linesFrom = ReplayImage.HEADER + ReplayImage.length(h);
      if (ReplayImage.oldest(h) < minEpoch) {
        expired = into.pruneWhileLoading(minEpoch);
      }
    }
    LoadResult lines = DigestLines.scan(ch, linesFrom, into, minEpoch);
    if (linesFrom == 0 && lines.records() > 0 && lines.invalid() == lines.records()) {
      // refused before anything rewrites it: a file spad cannot read is not a cache to start empty over
      throw new IOException("neither fwknop digest.cache lines nor a spa replay image (" + lines.records()
          + " lines, none a record); start with --rotate-digest-cache to move it aside and start afresh");
    }
    boolean openLine = false;
    if (size > linesFrom) {
      ByteBuffer last = ByteBuffer.allocate(1);
      ch.read(last, size - 1);
      openLine = last.get(0) != '\n';
    }
    LoadResult r = new LoadResult(imageRecords - expired + lines.loaded(), expired + lines.expired(), lines.invalid(),
        imageRecords + lines.records());
    return new Loaded(r, imageRecords, openLine);
  }

  /**
   * Opens a cache file for appending, creating it (mode 0600, parent directories too) with fwknop's header
   * line when missing. When a load would do much work the cache does not need (many lines to parse, records
   * dropped as old, unreadable or repeated), the file is compacted first. {@code result[0]}, when given, receives
   * what was read.
   */
  public static DigestStore open(Path file, ReplayCache into, long minEpoch, LoadResult[] result) throws IOException {
    return open(file, into, minEpoch, result, UnaryOperator.identity());
  }

  /** {@link #open} appending through {@code channels}' wrapping of each channel. */
  static DigestStore open(Path file, ReplayCache into, long minEpoch, LoadResult[] result,
      UnaryOperator<FileChannel> channels) throws IOException {
    refuseLink(file);
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    if (!Files.exists(file, NOFOLLOW_LINKS)) {
      createPrivate(file);
      Files.writeString(file, HEADER, StandardOpenOption.APPEND, NOFOLLOW_LINKS);
    }
    Loaded l;
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ, NOFOLLOW_LINKS)) {
      l = load(in, into, minEpoch);
    }
    if (result != null) {
      result[0] = l.result();
    }
    long image = l.imageRecords();
    long lines = l.lines();
    if (needsCompaction(image, lines, l.result().loaded())) {
      image = replace(file, into);
      lines = 0;
    }
    FileChannel ch = channels.apply(FileChannel.open(file, APPEND));
    try {
      if (lines > 0 && l.openLine()) {
        ch.write(ByteBuffer.wrap(new byte[] {'\n'})); // end a line cut short, or the next record would join it
      }
      return new DigestStore(file, channels, ch, image, lines);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * Whether a load does enough work the cache does not need to pay for rewriting: lines to parse (an image loads
   * by copying) and records the file holds beyond the live ones, together more than a quarter of them plus 10,000.
   */
  private static boolean needsCompaction(long imageRecords, long lines, long live) {
    return imageRecords + 2 * lines - live > live / 4 + 10_000;
  }

  /** Creates {@code file} with mode 0600 where POSIX modes exist; a file already there is left as it is. */
  static void createPrivate(Path file) throws IOException {
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    } catch (FileAlreadyExistsException e) {
      // created concurrently: fine
    }
  }

  /** Writes an image of {@code cache} to a temporary file, forces it, and renames it over {@code file}. */
  private static long replace(Path file, ReplayCache cache) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    createPrivate(tmp);
    long records;
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
        NOFOLLOW_LINKS)) {
      records = ReplayImage.write(ch, cache);
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return records;
  }

  /**
   * Writes a new cache file holding {@code cache}'s records as an image, replacing any file there: what spad does
   * when it compacts, for tools that prepare a cache.
   */
  public static void create(Path file, ReplayCache cache) throws IOException {
    replace(file, cache);
  }

  public Path file() {
    return file;
  }

  /** Buffers one record; returns its sequence number for {@link #syncTo}. */
  public synchronized long append(byte[] sha256, Packet p, long epoch) {
    DigestLines.append(pending, sha256, p, epoch);
    linesInFile++;
    return ++appended;
  }

  /** Makes every record up to {@code seq} durable; returns at once when they already are. */
  public void syncTo(long seq) throws IOException {
    synchronized (this) {
      if (durable >= seq) {
        return;
      }
    }
    sync();
  }

  /**
   * Writes every record up to {@code seq} to the file without forcing it: it then survives a kill of the daemon
   * (the kernel holds it), not yet a machine crash ({@link #syncTo}); returns at once when they already are.
   */
  public void writeTo(long seq) throws IOException {
    synchronized (this) {
      if (written >= seq) {
        return;
      }
    }
    synchronized (io) {
      long upTo;
      synchronized (this) {
        pending = channel.queue(pending);
        upTo = appended;
      }
      channel.write();
      synchronized (this) {
        written = Math.max(written, upTo);
      }
    }
  }

  /** Writes and forces everything buffered; on failure what was not written stays buffered for the next call. */
  public void sync() throws IOException {
    long upTo;
    AppendChannel ch;
    synchronized (io) {
      synchronized (this) {
        pending = channel.queue(pending);
        upTo = appended;
      }
      channel.write();
      synchronized (this) {
        written = Math.max(written, upTo);
      }
      ch = channel;
    }
    // forced outside the io lock, so that a knock's record can be written meanwhile instead of waiting for the disk
    try {
      ch.force();
    } catch (ClosedChannelException e) {
      // a compaction replaced the channel after these records were written: it forced them before closing it
    }
    synchronized (this) {
      durable = Math.max(durable, upTo);
    }
  }

  /** Whether {@link #compact} is due for a cache of {@code live} records (see {@link #open}). */
  public synchronized boolean needsCompaction(long live) {
    return needsCompaction(imageRecords, linesInFile, live);
  }

  /**
   * Rewrites the file as an image of {@code cache}, which must hold every record appended so far (a record is put
   * in the cache before it is appended); returns the records written. Appends wait meanwhile; what was buffered
   * is written to the old file first. On failure the file is left as it was.
   */
  public long compact(ReplayCache cache) throws IOException {
    synchronized (io) {
      synchronized (this) {
        sync(); // the records are in both files, whichever a crash leaves in place
        long records = replace(file, cache);
        AppendChannel old = channel;
        channel = new AppendChannel(channels.apply(FileChannel.open(file, APPEND)));
        old.close();
        written = appended;
        durable = appended;
        imageRecords = records;
        linesInFile = 0;
        return records;
      }
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (io) {
      try {
        sync();
      } finally {
        channel.close();
      }
    }
  }
}
