package spa.server.event;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;

/** A growable byte buffer with the few appends event formatting needs, free of per-call allocation. */
public final class ByteLine {
  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private byte[] buf;
  private int len;

  public ByteLine(int capacity) {
    buf = new byte[capacity];
  }

  public int length() {
    return len;
  }

  public byte[] array() {
    return buf;
  }

  public void reset() {
    len = 0;
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
  }

  public ByteLine put(char c) {
    ensure(1);
    buf[len++] = (byte) c;
    return this;
  }

  /** Appends ASCII text as is (callers pass only ASCII). */
  @SuppressWarnings("deprecation") // getBytes(int, int, byte[], int): a plain copy of Latin-1 text, which ASCII is
  public ByteLine ascii(String s) {
    int n = s.length();
    ensure(n);
    s.getBytes(0, n, buf, len);
    len += n;
    return this;
  }

  public ByteLine bytes(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
    return this;
  }

  public ByteLine number(long v) {
    if (v == Long.MIN_VALUE) {
      return ascii(Long.toString(v));
    }
    if (v < 0) {
      put('-');
      v = -v;
    }
    int digits = 1;
    for (long t = v; t >= 10; t /= 10) {
      digits++;
    }
    ensure(digits);
    int end = len + digits;
    for (int i = end - 1; i >= len; i--) {
      buf[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    len = end;
    return this;
  }

  /** Two or three digits with leading zeros. */
  public ByteLine padded(int v, int width) {
    ensure(width);
    for (int i = width - 1; i >= 0; i--) {
      buf[len + i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    len += width;
    return this;
  }

  public ByteLine address(InetAddress a) {
    if (a instanceof Inet4Address) {
      byte[] b = a.getAddress();
      number(b[0] & 0xff).put('.').number(b[1] & 0xff).put('.').number(b[2] & 0xff).put('.').number(b[3] & 0xff);
      return this;
    }
    return ascii(a.getHostAddress());
  }

  /** A JSON string literal, quotes included; non-ASCII and control characters as {@code \\uXXXX}. */
  public ByteLine jsonString(String s) {
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
        break;
      }
      i++;
    }
    put('"');
    if (i == n) {
      return ascii(s).put('"');
    }
    ascii(s.substring(0, i));
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        put('\\').put(c);
      } else if (c >= 0x20 && c < 0x7f) {
        put(c);
      } else if (c == '\n') {
        put('\\').put('n');
      } else if (c == '\t') {
        put('\\').put('t');
      } else if (c == '\r') {
        put('\\').put('r');
      } else {
        ensure(6);
        buf[len++] = '\\';
        buf[len++] = 'u';
        buf[len++] = HEX[c >> 12 & 15];
        buf[len++] = HEX[c >> 8 & 15];
        buf[len++] = HEX[c >> 4 & 15];
        buf[len++] = HEX[c & 15];
      }
    }
    return put('"');
  }

  /** Text for a text-format value: printable ASCII kept, others as {@code \\xNN}. */
  public ByteLine printable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        put(c);
      } else if (c == '"' || c == '\\') {
        put('\\').put(c);
      } else if (c <= 0xff) {
        put('\\').put('x').put((char) HEX[c >> 4 & 15]).put((char) HEX[c & 15]);
      } else {
        put('\\').put('u').put((char) HEX[c >> 12 & 15]).put((char) HEX[c >> 8 & 15]).put((char) HEX[c >> 4 & 15])
            .put((char) HEX[c & 15]);
      }
    }
    return this;
  }
}
