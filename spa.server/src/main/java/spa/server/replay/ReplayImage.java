package spa.server.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * spa's image of a {@link ReplayCache}'s tables on disk, so that a large cache loads by copying arrays instead of
 * parsing and inserting record by record. An image is a 64-byte header (little-endian: {@link #MAGIC}, the number
 * of tables, the records, the oldest second, the length of what follows and its CRC-32), a directory of each
 * table's capacity and size, and each table's tags and records as {@link ReplayCache} holds them.
 */
final class ReplayImage {
  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  /** First eight bytes of a file that starts with an image; the digit is the layout's version. */
  static final long MAGIC = ByteBuffer.wrap("SPA-RPL1".getBytes(StandardCharsets.US_ASCII)).order(LE).getLong();
  /** Bytes of an image's header. */
  static final int HEADER = 64;

  private ReplayImage() {}

  /** The file's first {@link #HEADER} bytes, or as many as it has (the buffer's position). */
  static ByteBuffer header(FileChannel ch) throws IOException {
    ByteBuffer h = ByteBuffer.allocate(HEADER).order(LE);
    while (h.hasRemaining() && ch.read(h, h.position()) > 0) {
      // a header is read whole or the file is too short to have one
    }
    return h;
  }

  static boolean isImage(ByteBuffer header) {
    return header.position() >= 8 && header.getLong(0) == MAGIC;
  }

  /**
   * Reads the directory and tables after the header {@code h} into {@code into}, once all of them check out;
   * returns the records.
   */
  static int read(FileChannel ch, ByteBuffer h, ReplayCache into) throws IOException {
    long fileSize = ch.size();
    if (h.position() < HEADER) {
      throw new IOException("the replay image is cut short (" + fileSize + " bytes)");
    }
    long length = length(h);
    if (length < 0 || length > fileSize - HEADER) {
      throw new IOException("the replay image is cut short (" + fileSize + " bytes, " + length
          + " expected after the header)");
    }
    int tables = h.getInt(8);
    if (tables != ReplayCache.STRIPES) {
      throw new IOException("the replay image has " + tables + " tables, this spad uses " + ReplayCache.STRIPES);
    }
    CRC32 crc = new CRC32();
    ByteBuffer dir = ByteBuffer.allocate(tables * 8).order(LE);
    readFully(ch, dir, HEADER);
    long pos = HEADER + dir.capacity();
    long expected = dir.capacity();
    long records = 0;
    for (int i = 0; i < tables; i++) {
      int capacity = dir.getInt(8 * i);
      int size = dir.getInt(8 * i + 4);
      if (capacity < 2 || capacity > 1 << 28 || Integer.bitCount(capacity) != 1 || size < 0 || size >= capacity) {
        throw new IOException("the replay image is damaged: table " + i + " of " + size + " records in "
            + capacity + " slots");
      }
      expected += (long) capacity * RecordTable.SLOT_BYTES;
      records += size;
    }
    if (expected != h.getLong(32) || records != h.getLong(16)) {
      throw new IOException("the replay image is damaged: its directory does not match its header");
    }
    byte[] buf = new byte[DigestStore.PIECE];
    ReplayCache.TableImage[] images = new ReplayCache.TableImage[tables];
    for (int i = 0; i < tables; i++) {
      byte[] tags = new byte[dir.getInt(8 * i)];
      long[] recs = new long[tags.length * RecordTable.RECORD_LONGS];
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
  static long write(FileChannel out, ReplayCache cache) throws IOException {
    int tables = ReplayCache.STRIPES;
    ByteBuffer dir = ByteBuffer.allocate(tables * 8).order(LE);
    CRC32 crc = new CRC32();
    long pos = HEADER + dir.capacity();
    long records = 0;
    long oldest = Long.MAX_VALUE;
    ByteBuffer b = ByteBuffer.allocate(0);
    for (int i = 0; i < tables; i++) {
      ReplayCache.TableImage t = cache.copyTable(i);
      byte[] tags = t.tags();
      long[] recs = t.records();
      for (int s = 0; s < tags.length; s++) {
        if (tags[s] != 0) {
          oldest = Math.min(oldest, RecordTable.second(recs, s));
        }
      }
      int bytes = tags.length * RecordTable.SLOT_BYTES;
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
    writeFully(out, dir.flip(), HEADER);
    ByteBuffer h = ByteBuffer.allocate(HEADER).order(LE);
    h.putLong(MAGIC).putInt(tables).putInt(0).putLong(records).putLong(oldest).putLong(pos - HEADER)
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

  /** The record count of an image's header {@code h}. */
  static long records(ByteBuffer h) {
    return h.getLong(16);
  }

  /** The oldest second recorded in an image's header {@code h}. */
  static long oldest(ByteBuffer h) {
    return h.getLong(24);
  }

  /** The bytes after an image's header {@code h}: its directory and tables. */
  static long length(ByteBuffer h) {
    return h.getLong(32);
  }
}
