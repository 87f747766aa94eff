package spa.server.replay;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import spa.core.Packet;
import spa.core.codec.Base64s;
import spa.server.event.ByteLine;

/**
 * fwknop's {@code digest.cache} line format, so that an fwknopd cache is read as is: one line per packet,
 * {@code <digest> <proto> <src_ip> <src_port> <dst_ip> <dst_port> <epoch>}, where the digest is the unpadded
 * base64 of SHA-256 over the wire payload; {@code #} starts a comment line.
 */
final class DigestLines {
  static final String HEADER = "# <digest> <proto> <src_ip> <src_port> <dst_ip> <dst_port> <time>\n";

  private DigestLines() {}

  /** Writes the line of one record to {@code out}. */
  static void append(ByteLine out, byte[] sha256, Packet p, long epoch) {
    out.ascii(Base64s.encode(sha256)).put(' ').number(p.protocol()).put(' ');
    address(out, p.src()).put(' ').number(p.srcPort()).put(' ');
    address(out, p.dst()).put(' ').number(p.dstPort()).put(' ').number(epoch).put('\n');
  }

  private static ByteLine address(ByteLine out, InetAddress a) {
    return a == null ? out.ascii("0.0.0.0") : out.address(a);
  }

  /** Parses the records from {@code from} on, piece by piece. */
  static LoadResult scan(FileChannel ch, long from, ReplayCache into, long minEpoch) throws IOException {
    long to = ch.size();
    byte[] buf = new byte[(int) Math.min(DigestStore.PIECE, Math.max(to - from, 1))];
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
    byte[] key = new byte[32];
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
        } else if (into.load(ReplayCache.key0(key), ReplayCache.key1(key), epoch) == ReplayCache.INSERTED) {
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

  /** The epoch of one record line with its digest in {@code key}, or -1 when the line is not a record. */
  private static long parseRecord(byte[] d, int from, int to, byte[] key) {
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

  /** Decodes the 43 base64 characters at {@code from} into {@code sha} (32 bytes); false when they are not. */
  private static boolean decodeKey(byte[] d, int from, byte[] sha) {
    return Base64s.decode(d, from, 43, sha, 0) == sha.length;
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
}
