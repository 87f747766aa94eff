package spa.pcap.format.testkit;

import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import spa.pcap.format.PcapHeader;

/**
 * Writes a classic pcap file through a reusable buffer: millions of records per second. Records longer
 * than the header's snapshot length are cut to it, with the original length kept. Not thread-safe.
 */
public final class PcapWriter implements AutoCloseable, Flushable {

  private static final VarHandle LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LE16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle BE16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

  private final WritableByteChannel channel;
  private final PcapHeader header;
  private final boolean bigEndian;
  private byte[] buf = new byte[1 << 20];
  private int len;
  private long records;

  /** Writes {@code header} to {@code channel}, then records as they come. */
  public PcapWriter(WritableByteChannel channel, PcapHeader header) throws IOException {
    this(channel, header, true);
  }

  private PcapWriter(WritableByteChannel channel, PcapHeader header, boolean writeHeader) throws IOException {
    this.channel = channel;
    this.header = header;
    this.bigEndian = header.byteOrder() == ByteOrder.BIG_ENDIAN;
    if (writeHeader) {
      putInt(0, header.nanos() ? 0xa1b23c4d : 0xa1b2c3d4);
      putShort(4, 2);
      putShort(6, 4);
      putInt(8, 0);
      putInt(12, 0);
      putInt(16, header.snaplen());
      putInt(20, header.linkType());
      len = PcapHeader.LENGTH;
    }
  }

  public PcapWriter(OutputStream out, PcapHeader header) throws IOException {
    this(Channels.newChannel(out), header);
  }

  /** Creates (or replaces) {@code file} and writes the header. */
  public static PcapWriter create(Path file, PcapHeader header) throws IOException {
    return new PcapWriter(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING), header);
  }

  /**
   * A writer that adds records to a file already holding {@code header} and records written with it
   * (as a logging daemon appends to its capture file); writes no header.
   */
  public static PcapWriter append(WritableByteChannel channel, PcapHeader header) throws IOException {
    return new PcapWriter(channel, header, false);
  }

  /** Writes one record stamped {@code seconds.nanos}; {@code frame[off, off+length)} is the packet. */
  public void write(long seconds, int nanos, byte[] frame, int off, int length) throws IOException {
    int cap = Math.min(length, header.snaplen());
    int need = 16 + cap;
    if (buf.length - len < need) {
      flushBuffer();
      if (buf.length < need) {
        buf = new byte[need];
      }
    }
    putInt(len, (int) seconds);
    putInt(len + 4, header.nanos() ? nanos : nanos / 1000);
    putInt(len + 8, cap);
    putInt(len + 12, length);
    System.arraycopy(frame, off, buf, len + 16, cap);
    len += need;
    records++;
  }

  public void write(Instant time, byte[] frame) throws IOException {
    write(time.getEpochSecond(), time.getNano(), frame, 0, frame.length);
  }

  public PcapHeader header() {
    return header;
  }

  /** Records written so far. */
  public long records() {
    return records;
  }

  private void putInt(int at, int v) {
    if (bigEndian) {
      BE.set(buf, at, v);
    } else {
      LE.set(buf, at, v);
    }
  }

  private void putShort(int at, int v) {
    if (bigEndian) {
      BE16.set(buf, at, (short) v);
    } else {
      LE16.set(buf, at, (short) v);
    }
  }

  private void flushBuffer() throws IOException {
    ByteBuffer b = ByteBuffer.wrap(buf, 0, len);
    while (b.hasRemaining()) {
      channel.write(b);
    }
    len = 0;
  }

  /** Writes buffered records to the channel. */
  @Override
  public void flush() throws IOException {
    flushBuffer();
  }

  /** Flushes and closes the channel. */
  @Override
  public void close() throws IOException {
    try {
      flushBuffer();
    } finally {
      channel.close();
    }
  }
}
