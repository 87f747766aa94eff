package spa.pcap.format;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Reads a classic pcap file record by record, without allocating per record: {@link #next()} moves to
 * the next record, whose bytes are then {@code data()[dataOffset() .. dataOffset()+capturedLength())}
 * until the following call. Handles both byte orders, micro- and nanosecond timestamps and the
 * "modified" (Kuznetzov) variant with 24-byte record headers. pcapng is refused with a clear message.
 *
 * <p>A record that is not yet complete when the channel reports end of data stays buffered and
 * {@code next()} returns false; calling it again after the file has grown continues where it stopped.
 * This is how a growing file is followed. Not thread-safe.
 */
public final class PcapReader implements AutoCloseable {

  private static final int MAGIC_MICROS = 0xa1b2c3d4;
  private static final int MAGIC_NANOS = 0xa1b23c4d;
  private static final int MAGIC_MODIFIED = 0xa1b2cd34;
  private static final int MAGIC_PCAPNG = 0x0a0d0d0a;
  /** Largest record accepted regardless of the declared snapshot length (libpcap's own maximum is 256 KiB). */
  private static final int HARD_MAX_RECORD = 64 << 20;
  private static final VarHandle LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  private final ReadableByteChannel channel;
  private byte[] buf;
  private ByteBuffer window;
  private int pos;
  private int lim;
  private long channelBytes;
  private long consumed;

  private PcapHeader header;
  private boolean bigEndian;
  private int recordHeaderLength;
  private int maxRecord;

  private long seconds;
  private int nanos;
  private int caplen;
  private int origlen;
  private int dataOffset;
  private long records;

  /** A reader over {@code channel} with a 1 MiB buffer. The header is read on first use. */
  public PcapReader(ReadableByteChannel channel) {
    this(channel, 1 << 20);
  }

  public PcapReader(ReadableByteChannel channel, int bufferSize) {
    this.channel = channel;
    this.buf = new byte[Math.max(bufferSize, 4096)];
    this.window = ByteBuffer.wrap(buf);
  }

  public PcapReader(InputStream in) {
    this(Channels.newChannel(in));
  }

  /**
   * A reader for records that continue a file whose header is {@code header} but are not preceded by it
   * here, as when a logging daemon that appends goes on writing after its file was truncated.
   */
  public static PcapReader continuing(ReadableByteChannel channel, PcapHeader header) {
    PcapReader r = new PcapReader(channel);
    r.header = header;
    r.bigEndian = header.byteOrder() == ByteOrder.BIG_ENDIAN;
    r.recordHeaderLength = 16;
    r.maxRecord = Math.min(Math.max(header.snaplen(), PcapHeader.DEFAULT_SNAPLEN), HARD_MAX_RECORD);
    return r;
  }

  /** Opens a file for reading. */
  public static PcapReader open(Path file) throws IOException {
    return new PcapReader(FileChannel.open(file, StandardOpenOption.READ));
  }

  /**
   * The file's global header, reading it if needed.
   *
   * @throws EOFException when the data ends before 24 bytes
   * @throws PcapFormatException when the magic number is not that of a classic pcap file
   */
  public PcapHeader header() throws IOException {
    if (header == null) {
      readHeader();
    }
    return header;
  }

  private void readHeader() throws IOException {
    if (!fill(PcapHeader.LENGTH)) {
      throw new EOFException(lim - pos == 0 ? "empty pcap file" : "pcap file ends inside its 24-byte header");
    }
    int magic = (int) LE.get(buf, pos);
    int swapped = Integer.reverseBytes(magic);
    bigEndian = swapped == MAGIC_MICROS || swapped == MAGIC_NANOS || swapped == MAGIC_MODIFIED;
    int m = bigEndian ? swapped : magic;
    if (m != MAGIC_MICROS && m != MAGIC_NANOS && m != MAGIC_MODIFIED) {
      if (magic == MAGIC_PCAPNG) {
        throw new PcapFormatException("pcapng files are not supported; convert with: editcap -F pcap IN OUT");
      }
      throw new PcapFormatException(String.format("not a pcap file (magic 0x%08x)", swapped));
    }
    recordHeaderLength = m == MAGIC_MODIFIED ? 24 : 16;
    int snaplen = getInt(pos + 16);
    int linkType = getInt(pos + 20) & 0xffff;
    int declared = snaplen <= 0 ? PcapHeader.DEFAULT_SNAPLEN : snaplen;
    maxRecord = Math.min(Math.max(declared, PcapHeader.DEFAULT_SNAPLEN), HARD_MAX_RECORD);
    header = new PcapHeader(linkType, declared, m == MAGIC_NANOS,
        bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    pos += PcapHeader.LENGTH;
    consumed = PcapHeader.LENGTH;
  }

  /**
   * Moves to the next complete record. Returns false when the data ends (possibly inside a record,
   * which is kept for a later call).
   *
   * @throws PcapFormatException when a record declares an impossible length (the file is corrupt)
   */
  public boolean next() throws IOException {
    if (header == null) {
      readHeader();
    }
    int rh = recordHeaderLength;
    if (lim - pos < rh && !fill(rh)) {
      return false;
    }
    int cap = getInt(pos + 8);
    if (cap < 0 || cap > maxRecord) {
      throw new PcapFormatException(String.format("corrupt pcap record %d at byte %d: captured length %d exceeds %d",
          records + 1, consumed, Integer.toUnsignedLong(cap), maxRecord));
    }
    int total = rh + cap;
    if (lim - pos < total && !fill(total)) {
      return false;
    }
    seconds = Integer.toUnsignedLong(getInt(pos));
    int frac = getInt(pos + 4);
    nanos = header.nanos() ? frac : frac * 1000;
    caplen = cap;
    origlen = getInt(pos + 12);
    dataOffset = pos + rh;
    pos += total;
    consumed += total;
    records++;
    return true;
  }

  /** Makes at least {@code need} unread bytes available; false if the channel has no more now. */
  private boolean fill(int need) throws IOException {
    if (pos > 0) {
      int n = lim - pos;
      System.arraycopy(buf, pos, buf, 0, n);
      lim = n;
      pos = 0;
    }
    if (need > buf.length) {
      byte[] bigger = new byte[Math.max(need, buf.length * 2)];
      System.arraycopy(buf, 0, bigger, 0, lim);
      buf = bigger;
      window = ByteBuffer.wrap(buf);
    }
    while (lim < need) {
      window.limit(buf.length).position(lim);
      int n = channel.read(window);
      if (n <= 0) {
        return false;
      }
      lim += n;
      channelBytes += n;
    }
    return true;
  }

  private int getInt(int at) {
    return bigEndian ? (int) BE.get(buf, at) : (int) LE.get(buf, at);
  }

  /** Seconds since the epoch of the current record (unsigned 32-bit in the file). */
  public long seconds() {
    return seconds;
  }

  /** Sub-second part of the current record's timestamp, in nanoseconds. */
  public int nanos() {
    return nanos;
  }

  /** The current record's timestamp. */
  public Instant timestamp() {
    return Instant.ofEpochSecond(seconds, nanos);
  }

  /** Bytes of the current record present in the file. */
  public int capturedLength() {
    return caplen;
  }

  /** Length of the current packet on the wire. */
  public int originalLength() {
    return origlen;
  }

  /** The buffer holding the current record; valid until the next call to {@link #next()}. */
  public byte[] data() {
    return buf;
  }

  /** Where the current record's bytes start in {@link #data()}. */
  public int dataOffset() {
    return dataOffset;
  }

  /** Complete records read so far. */
  public long records() {
    return records;
  }

  /**
   * Bytes consumed as complete header and records: the file offset of the next record (relative to where
   * the channel started).
   */
  public long consumed() {
    return consumed;
  }

  /** Bytes read from the channel so far, including any buffered partial record. */
  public long channelBytes() {
    return channelBytes;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
