package spa.server.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import spa.core.Packet;
import spa.server.event.ByteLine;

/**
 * The replay cache's file and its lifecycle: read at start-up, appended to record by record in fwknop's line
 * format ({@link DigestLines}), made durable (written and forced) before any grant that depends on a record is
 * acted on, and compacted by rewriting it as an image of the cache's tables ({@link ReplayImage}) followed by
 * the lines appended since. A file without the image's header is all lines.
 */
public final class DigestStore implements AutoCloseable {
  static final String HEADER = DigestLines.HEADER;
  private final Path file;
  private FileChannel channel;
  private final ByteLine pending = new ByteLine(8192);
  private long appended;
  private long durable;
  private long imageRecords;
  private long linesInFile;

  private DigestStore(Path file, FileChannel channel, long imageRecords, long linesInFile) {
    this.file = file;
    this.channel = channel;
    this.imageRecords = imageRecords;
    this.linesInFile = linesInFile;
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
    if (!Files.exists(file)) {
      return new LoadResult(0, 0, 0, 0);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return load(ch, into, minEpoch).result();
    }
  }

  /** Records a load of {@code file} will insert one by one (not those of an image), to size a cache for them. */
  public static long linesHint(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
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
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    if (!Files.exists(file)) {
      createPrivate(file);
      Files.writeString(file, HEADER, StandardOpenOption.APPEND);
    }
    Loaded l;
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
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
    FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    if (lines > 0 && l.openLine()) {
      ch.write(ByteBuffer.wrap(new byte[] {'\n'})); // end a line cut short, or the next record would join it
    }
    return new DigestStore(file, ch, image, lines);
  }

  /**
   * Whether a load does enough work the cache does not need to pay for rewriting: lines to parse (an image loads
   * by copying) and records the file holds beyond the live ones, together more than a quarter of them plus 10,000.
   */
  private static boolean needsCompaction(long imageRecords, long lines, long live) {
    return imageRecords + 2 * lines - live > live / 4 + 10_000;
  }

  private static void createPrivate(Path file) throws IOException {
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
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
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
  public synchronized void syncTo(long seq) throws IOException {
    if (durable >= seq) {
      return;
    }
    sync();
  }

  /** Writes and forces everything buffered. */
  public synchronized void sync() throws IOException {
    if (pending.length() > 0) {
      ByteBuffer b = ByteBuffer.wrap(pending.array(), 0, pending.length());
      while (b.hasRemaining()) {
        channel.write(b);
      }
      pending.reset();
      channel.force(false);
    }
    durable = appended;
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
  public synchronized long compact(ReplayCache cache) throws IOException {
    sync(); // the records are in both files, whichever a crash leaves in place
    long records = replace(file, cache);
    FileChannel old = channel;
    channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    old.close();
    pending.reset();
    durable = appended;
    imageRecords = records;
    linesInFile = 0;
    return records;
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      sync();
    } finally {
      channel.close();
    }
  }
}
