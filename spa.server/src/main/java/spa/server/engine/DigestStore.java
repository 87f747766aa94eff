package spa.server.engine;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import spa.core.Packet;
import spa.core.codec.Base64s;
import spa.server.event.ByteLine;

/**
 * The replay cache on disk, in fwknop's {@code digest.cache} format, so an fwknopd cache can be read as is:
 * one line per packet, {@code <digest> <proto> <src_ip> <src_port> <dst_ip> <dst_port> <epoch>}, where the
 * digest is the unpadded base64 of SHA-256 over the wire payload. Appends are buffered and made durable
 * (written and forced) before any grant that depends on them is acted on.
 */
public final class DigestStore implements AutoCloseable {
  static final String HEADER = "# <digest> <proto> <src_ip> <src_port> <dst_ip> <dst_port> <time>\n";
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
  private long linesInFile;

  private DigestStore(Path file, FileChannel channel, long linesInFile) {
    this.file = file;
    this.channel = channel;
    this.linesInFile = linesInFile;
  }

  /** What reading a cache file found. */
  public record LoadResult(int loaded, int expired, int invalid, int lines) {}

  /** Bytes read from a cache file at once: a large cache costs no buffer of its size. */
  private static final int PIECE = 1 << 20;

  /**
   * Reads a cache file into {@code into}, skipping records older than {@code minEpoch} and lines that are
   * not records (as fwknopd skips them). A missing file reads as empty. One thread: a second one would only
   * double the time spent in code not yet compiled.
   */
  public static LoadResult read(Path file, ReplayCache into, long minEpoch) throws IOException {
    if (!Files.exists(file)) {
      return new LoadResult(0, 0, 0, 0);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      return scan(ch, into, minEpoch, null);
    }
  }

  /** Parses the file piece by piece; keeps the lines that are loaded in {@code kept} when given. */
  private static LoadResult scan(FileChannel ch, ReplayCache into, long minEpoch, ByteLine kept) throws IOException {
    long to = ch.size();
    byte[] buf = new byte[(int) Math.min(PIECE, Math.max(to, 1))];
    int held = 0; // bytes of an unfinished line carried over from the previous piece
    long pos = 0;
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
      LoadResult r = scan(buf, 0, complete, into, minEpoch, kept);
      loaded += r.loaded();
      expired += r.expired();
      invalid += r.invalid();
      lines += r.lines();
      held = end - complete; // 0 once the range is read: its last line needs no newline
      System.arraycopy(buf, complete, buf, 0, held);
    }
    return new LoadResult(loaded, expired, invalid, lines);
  }

  /** Parses records in {@code data[from, to)}; keeps the lines that are loaded in {@code kept} when given. */
  private static LoadResult scan(byte[] data, int from, int to, ReplayCache into, long minEpoch, ByteLine kept) {
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
          if (kept != null) {
            for (int i = pos; i < lineEnd; i++) {
              kept.put((char) data[i]);
            }
            kept.put('\n');
          }
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
   * line when missing. Records older than {@code minEpoch}, unreadable lines and duplicates are dropped by
   * rewriting the file first; {@code result[0]}, when given, receives what was read.
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
    ByteLine kept = new ByteLine(64 * 1024);
    kept.ascii(HEADER);
    LoadResult r;
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      r = scan(in, into, minEpoch, kept);
    }
    if (result != null) {
      result[0] = r;
    }
    if (r.expired() > 0 || r.invalid() > 0 || r.lines() > r.loaded()) {
      replace(file, kept);
    }
    FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    return new DigestStore(file, ch, r.loaded());
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

  /** Writes {@code content} to a temporary file, forces it, and renames it over {@code file}. */
  private static void replace(Path file, ByteLine content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    createPrivate(tmp);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer b = ByteBuffer.wrap(content.array(), 0, content.length());
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
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

  /** Lines the file holds now (records only). */
  public synchronized long lines() {
    return linesInFile;
  }

  /** Rewrites the file without records older than {@code minEpoch}; returns the records kept. */
  public synchronized long compact(long minEpoch) throws IOException {
    sync();
    ByteLine kept = new ByteLine(64 * 1024);
    kept.ascii(HEADER);
    LoadResult r;
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      r = scan(in, new ReplayCache(), minEpoch, kept);
    }
    channel.close();
    replace(file, kept);
    channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    linesInFile = r.loaded();
    return linesInFile;
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
