package spa.server.replay;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.CRC32;
import spa.core.Packet;
import spa.core.codec.Base64s;
import spa.server.event.ByteLine;

/**
 * The replay cache on disk. Records are appended in fwknop's {@code digest.cache} line format, so an fwknopd cache
 * is read as is: one line per packet, {@code <digest> <proto> <src_ip> <src_port> <dst_ip> <dst_port> <epoch>},
 * where the digest is the unpadded base64 of SHA-256 over the wire payload. Appends are buffered and made durable
 * (written and forced) before any grant that depends on them is acted on.
 *
 * <p>Compacting rewrites the file as an image of the cache's tables followed by the lines appended since, so that a
 * large cache loads by copying arrays instead of parsing and inserting record by record. An image is a 64-byte
 * header (little-endian: {@link #MAGIC}, the number of tables, the records, the oldest second, the length of what
 * follows and its CRC-32), a directory of each table's capacity and size, and each table's tags and records as
 * {@link ReplayCache} holds them. A file without the header is all lines.
 */
public final class DigestStore implements AutoCloseable {
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  static final String HEADER = "# <digest> <proto> <src_ip> <src_port> <dst_ip> <dst_port> <time>\n";
  /** First eight bytes of a file that starts with an image; the digit is the layout's version. */
  static final long MAGIC = ByteBuffer.wrap("SPA-RPL1".getBytes(StandardCharsets.US_ASCII)).order(LE).getLong();
  private static final int IMAGE_HEADER = 64;
  private static final byte[] B64 = new byte[128];

  static {
    java.util.Arrays.fill(B64, (byte) -1);
    String a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < a.length(); i++) {
      B64[a.charAt(i)] = (byte) i;
    }
  }

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

  /**
   * What reading a cache file found: records {@code loaded} into the cache, {@code expired} and {@code invalid}
   * ones skipped, and the {@code records} the file holds (image records and record lines, duplicates included).
   */
  public record LoadResult(int loaded, int expired, int invalid, int records) {}

  /** A load's result, the records of the file's image, and whether its last line lacks its end. */
  private record Loaded(LoadResult result, long imageRecords, boolean openLine) {
    /** The file's record lines: what it holds beyond its image. */
    long lines() {
      return result.records() - imageRecords;
    }
  }

  /** Bytes read from a cache file at once: a large cache costs no buffer of its size. */
  private static final int PIECE = 1 << 20;

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
      ByteBuffer h = header(ch);
      long size = ch.size();
      return isImage(h) && h.position() == IMAGE_HEADER
          ? Math.max(0, size - IMAGE_HEADER - h.getLong(32)) / 80 : size / 80; // about 90 bytes a line
    } catch (IOException e) {
      return 0; // the load reports it
    }
  }

  /** The file's first {@link #IMAGE_HEADER} bytes, or as many as it has (the buffer's position). */
  private static ByteBuffer header(FileChannel ch) throws IOException {
    ByteBuffer h = ByteBuffer.allocate(IMAGE_HEADER).order(LE);
    while (h.hasRemaining() && ch.read(h, h.position()) > 0) {
      // a header is read whole or the file is too short to have one
    }
    return h;
  }

  private static boolean isImage(ByteBuffer header) {
    return header.position() >= 8 && header.getLong(0) == MAGIC;
  }

  private static Loaded load(FileChannel ch, ReplayCache into, long minEpoch) throws IOException {
    long size = ch.size();
    ByteBuffer h = header(ch);
    long linesFrom = 0;
    int imageRecords = 0;
    int expired = 0;
    if (isImage(h)) {
      if (h.position() < IMAGE_HEADER) {
        throw new IOException("the replay image is cut short (" + size + " bytes)");
      }
      long length = h.getLong(32);
      if (length < 0 || length > size - IMAGE_HEADER) {
        throw new IOException("the replay image is cut short (" + size + " bytes, " + length
            + " expected after the header)");
      }
      imageRecords = readImage(ch, h, into);
      linesFrom = IMAGE_HEADER + length;
      if (h.getLong(24) < minEpoch) {
        expired = into.pruneWhileLoading(minEpoch);
      }
    }
    LoadResult lines = scan(ch, linesFrom, into, minEpoch);
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
   * Reads the directory and tables after the header {@code h} into {@code into}, once all of them check out;
   * returns the records.
   */
  private static int readImage(FileChannel ch, ByteBuffer h, ReplayCache into) throws IOException {
    int tables = h.getInt(8);
    if (tables != ReplayCache.STRIPES) {
      throw new IOException("the replay image has " + tables + " tables, this spad uses " + ReplayCache.STRIPES);
    }
    CRC32 crc = new CRC32();
    ByteBuffer dir = ByteBuffer.allocate(tables * 8).order(LE);
    readFully(ch, dir, IMAGE_HEADER);
    long pos = IMAGE_HEADER + dir.capacity();
    long expected = dir.capacity();
    long records = 0;
    for (int i = 0; i < tables; i++) {
      int capacity = dir.getInt(8 * i);
      int size = dir.getInt(8 * i + 4);
      if (capacity < 2 || capacity > 1 << 28 || Integer.bitCount(capacity) != 1 || size < 0 || size >= capacity) {
        throw new IOException("the replay image is damaged: table " + i + " of " + size + " records in "
            + capacity + " slots");
      }
      expected += (long) capacity * ReplayCache.SLOT_BYTES;
      records += size;
    }
    if (expected != h.getLong(32) || records != h.getLong(16)) {
      throw new IOException("the replay image is damaged: its directory does not match its header");
    }
    byte[] buf = new byte[PIECE];
    ReplayCache.TableImage[] images = new ReplayCache.TableImage[tables];
    for (int i = 0; i < tables; i++) {
      byte[] tags = new byte[dir.getInt(8 * i)];
      long[] recs = new long[tags.length * ReplayCache.RECORD_LONGS];
      ByteBuffer t = ByteBuffer.wrap(tags);
      readFully(ch, t, pos);
      crc.update(tags);
      pos += tags.length;
      for (int done = 0; done < recs.length; ) {
        int n = Math.min(buf.length / 8, recs.length - done);
        ByteBuffer b = ByteBuffer.wrap(buf, 0, n * 8);
        readFully(ch, b, pos);
        crc.update(buf, 0, n * 8);
        b.flip();
        b.order(LE).asLongBuffer().get(recs, done, n);
        pos += n * 8L;
        done += n;
      }
      images[i] = new ReplayCache.TableImage(tags, recs, dir.getInt(8 * i + 4));
    }
    crc.update(dir.array());
    if (crc.getValue() != h.getLong(40)) {
      throw new IOException("the replay image is damaged: checksum mismatch");
    }
    for (int i = 0; i < tables; i++) {
      into.install(i, images[i]);
    }
    return (int) records;
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      if (ch.read(b, pos + b.position()) <= 0) {
        throw new IOException("the replay image is cut short at byte " + (pos + b.position()));
      }
    }
  }

  /**
   * Writes an image of {@code cache} to {@code out} (at its start): table by table, each copied under its lock, so
   * writers go on meanwhile. Returns the records written.
   */
  private static long writeImage(FileChannel out, ReplayCache cache) throws IOException {
    int tables = ReplayCache.STRIPES;
    ByteBuffer dir = ByteBuffer.allocate(tables * 8).order(LE);
    CRC32 crc = new CRC32();
    long pos = IMAGE_HEADER + dir.capacity();
    long records = 0;
    long oldest = Long.MAX_VALUE;
    ByteBuffer b = ByteBuffer.allocate(0);
    for (int i = 0; i < tables; i++) {
      ReplayCache.TableImage t = cache.copyTable(i);
      byte[] tags = t.tags();
      long[] recs = t.records();
      for (int s = 0; s < tags.length; s++) {
        if (tags[s] != 0) {
          oldest = Math.min(oldest, ReplayCache.second(recs, s));
        }
      }
      int bytes = tags.length * ReplayCache.SLOT_BYTES;
      if (b.capacity() < bytes) {
        b = ByteBuffer.allocate(bytes).order(LE);
      }
      b.clear().put(tags);
      b.asLongBuffer().put(recs);
      b.position(0).limit(bytes);
      crc.update(b.array(), 0, bytes);
      writeFully(out, b, pos);
      pos += bytes;
      dir.putInt(tags.length).putInt(t.size());
      records += t.size();
    }
    crc.update(dir.array());
    writeFully(out, dir.flip(), IMAGE_HEADER);
    ByteBuffer h = ByteBuffer.allocate(IMAGE_HEADER).order(LE);
    h.putLong(MAGIC).putInt(tables).putInt(0).putLong(records).putLong(oldest).putLong(pos - IMAGE_HEADER)
        .putLong(crc.getValue());
    writeFully(out, h.clear(), 0);
    return records;
  }

  private static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    long at = pos - b.position();
    while (b.hasRemaining()) {
      ch.write(b, at + b.position());
    }
  }

  /** Parses the records from {@code from} on, piece by piece. */
  private static LoadResult scan(FileChannel ch, long from, ReplayCache into, long minEpoch) throws IOException {
    long to = ch.size();
    byte[] buf = new byte[(int) Math.min(PIECE, Math.max(to - from, 1))];
    int held = 0; // bytes of an unfinished line carried over from the previous piece
    long pos = from;
    int loaded = 0;
    int expired = 0;
    int invalid = 0;
    int lines = 0;
    while (pos < to || held > 0) {
      if (held == buf.length) {
        buf = java.util.Arrays.copyOf(buf, buf.length * 2); // a line longer than a piece
      }
      int n = 0;
      if (pos < to) {
        ByteBuffer b = ByteBuffer.wrap(buf, held, (int) Math.min(buf.length - held, to - pos));
        n = Math.max(0, ch.read(b, pos));
        if (n == 0) {
          to = pos; // the file shrank while being read
        }
        pos += n;
      }
      int end = held + n;
      int complete = end;
      if (pos < to) {
        while (complete > 0 && buf[complete - 1] != '\n') {
          complete--;
        }
        if (complete == 0) {
          held = end;
          continue;
        }
      }
      LoadResult r = scan(buf, 0, complete, into, minEpoch);
      loaded += r.loaded();
      expired += r.expired();
      invalid += r.invalid();
      lines += r.records();
      held = end - complete; // 0 once the range is read: its last line needs no newline
      System.arraycopy(buf, complete, buf, 0, held);
    }
    return new LoadResult(loaded, expired, invalid, lines);
  }

  /** Parses records in {@code data[from, to)}. */
  private static LoadResult scan(byte[] data, int from, int to, ReplayCache into, long minEpoch) {
    int loaded = 0;
    int expired = 0;
    int invalid = 0;
    int lines = 0;
    long[] key = new long[2];
    int pos = from;
    while (pos < to) {
      // a record starts with the 43-character digest: validate it first, then look for the line end after it
      long epoch = -1;
      int scanFrom = pos;
      if (pos + 44 < to && data[pos + 43] == ' ' && decodeKey(data, pos, key)) {
        scanFrom = pos + 44;
        epoch = -2;
      }
      int end = lineEnd(data, scanFrom, to);
      int lineEnd = end;
      while (lineEnd > pos && (data[lineEnd - 1] == '\r' || data[lineEnd - 1] == ' ' || data[lineEnd - 1] == '\t')) {
        lineEnd--;
      }
      if (lineEnd > pos && data[pos] != '#') {
        lines++;
        epoch = epoch == -2 ? lastNumber(data, pos + 44, lineEnd) : parseRecord(data, pos, lineEnd, key);
        if (epoch < 0) {
          invalid++;
        } else if (epoch < minEpoch) {
          expired++;
        } else if (into.load(key[0], key[1], epoch) == ReplayCache.INSERTED) {
          loaded++;
        }
      }
      pos = end + 1;
    }
    return new LoadResult(loaded, expired, invalid, lines);
  }

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long NEWLINES = ONES * '\n';

  /** The index of the first newline in {@code d[from, to)}, or {@code to}; eight bytes at a time. */
  private static int lineEnd(byte[] d, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long x = (long) LONGS.get(d, i) ^ NEWLINES; // a zero byte where d holds '\n'
      long zero = (x - ONES) & ~x & ONES << 7; // the lowest flagged byte is the first zero byte
      if (zero != 0) {
        return i + (Long.numberOfTrailingZeros(zero) >>> 3);
      }
    }
    while (i < to && d[i] != '\n') {
      i++;
    }
    return i;
  }

  /** The epoch of one record line with its key in {@code key}, or -1 when the line is not a record. */
  static long parseRecord(byte[] d, int from, int to, long[] key) {
    int sp = from;
    while (sp < to && d[sp] != ' ' && d[sp] != '\t') {
      sp++;
    }
    int digestLen = sp - from;
    if (digestLen == 44 && d[from + 43] == '=') {
      digestLen = 43;
    }
    if (digestLen != 43 || !decodeKey(d, from, key)) {
      return -1;
    }
    return lastNumber(d, sp, to);
  }

  /** Checks the 43 base64 characters at {@code from} and puts the first 128 bits they encode in {@code key}. */
  private static boolean decodeKey(byte[] d, int from, long[] key) {
    // characters 0..20 carry bits 0..125, character 21 the last two of the 128; any character outside base64
    // (a negative byte, or -1 in the table) makes {@code bad} negative, checked once at the end
    int bad = 0;
    long k0 = 0;
    for (int i = from; i < from + 10; i++) {
      int v = B64[d[i] & 0x7f];
      bad |= d[i] | v;
      k0 = k0 << 6 | v;
    }
    int v10 = B64[d[from + 10] & 0x7f];
    bad |= d[from + 10] | v10;
    k0 = k0 << 4 | (v10 & 63) >>> 2;
    long k1 = v10 & 3;
    for (int i = from + 11; i < from + 21; i++) {
      int v = B64[d[i] & 0x7f];
      bad |= d[i] | v;
      k1 = k1 << 6 | v;
    }
    int v21 = B64[d[from + 21] & 0x7f];
    k1 = k1 << 2 | (v21 & 63) >>> 4;
    bad |= d[from + 21] | v21;
    for (int i = from + 22; i < from + 43; i++) {
      bad |= d[i] | B64[d[i] & 0x7f];
    }
    if (bad < 0) {
      return false;
    }
    key[0] = k0;
    key[1] = k1;
    return true;
  }

  /** The number that ends {@code d[from, to)}, or -1. */
  private static long lastNumber(byte[] d, int from, int to) {
    int start = to;
    while (start > from && d[start - 1] >= '0' && d[start - 1] <= '9') {
      start--;
    }
    if (start == to || to - start > 18 || start == from || d[start - 1] != ' ' && d[start - 1] != '\t') {
      return -1;
    }
    long v = 0;
    for (int i = start; i < to; i++) {
      v = v * 10 + (d[i] - '0');
    }
    return v;
  }

  private static final VarHandle BIG_ENDIAN_LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** The first 128 bits of a SHA-256 as two longs. */
  public static long key0(byte[] sha) {
    return (long) BIG_ENDIAN_LONGS.get(sha, 0);
  }

  public static long key1(byte[] sha) {
    return (long) BIG_ENDIAN_LONGS.get(sha, 8);
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
      records = writeImage(ch, cache);
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
    pending.ascii(Base64s.encode(sha256)).put(' ').number(p.protocol()).put(' ');
    address(p.src()).put(' ').number(p.srcPort()).put(' ');
    address(p.dst()).put(' ').number(p.dstPort()).put(' ').number(epoch).put('\n');
    linesInFile++;
    return ++appended;
  }

  private ByteLine address(InetAddress a) {
    return a == null ? pending.ascii("0.0.0.0") : pending.address(a);
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
