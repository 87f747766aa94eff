package spa.server.event;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import spa.core.IpAddresses;

/** A growable byte buffer with the few appends event formatting needs, free of per-call allocation. */
public final class ByteLine {
  private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  /** Strings at least this long are remembered once encoded; shorter ones cost less to encode than to look up. */
  private static final int RECALL_MIN = 24;
  private static final int JSON = 0;
  private static final int PRINTABLE = 1;
  /** The decimal digits of 0..255, for IPv4 octets: their count in the top byte, then the digits, first highest. */
  private static final int[] OCTETS = new int[256];

  static {
    for (int v = 0; v < 256; v++) {
      String d = Integer.toString(v);
      int packed = d.length() << 24;
      for (int i = 0; i < d.length(); i++) {
        packed |= d.charAt(i) << (16 - 8 * i);
      }
      OCTETS[v] = packed;
    }
  }
  private byte[] buf;
  private int len;
  /**
   * The last few long strings encoded, by identity and encoding, with their bytes: an event's reason and detail
   * are mostly the same constant strings, so a flood of refusals encodes each text once, not once per event.
   */
  private final String[] recentStrings = new String[4];
  private final int[] recentKinds = new int[4];
  private final byte[][] recentBytes = new byte[4][];
  private int recentNext;

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
    if (v >= 0 && v <= Integer.MAX_VALUE) {
      return number((int) v); // ports, counts, timeouts: int arithmetic, the length without a loop
    }
    return ascii(Long.toString(v)); // negative or beyond an int: no event field in practice
  }

  private ByteLine number(int v) {
    int digits = v < 100_000 ? (v < 100 ? (v < 10 ? 1 : 2) : v < 1000 ? 3 : v < 10_000 ? 4 : 5)
        : v < 10_000_000 ? (v < 1_000_000 ? 6 : 7) : v < 100_000_000 ? 8 : v < 1_000_000_000 ? 9 : 10;
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
      ensure(15);
      for (int i = 0; i < 4; i++) {
        if (i > 0) {
          buf[len++] = '.';
        }
        int d = OCTETS[b[i] & 0xff];
        for (int n = d >>> 24; n > 0; n--, d <<= 8) {
          buf[len++] = (byte) (d >>> 16);
        }
      }
      return this;
    }
    return ascii(IpAddresses.text(a));
  }

  /** Appends the remembered encoding of {@code s}, if there is one; false otherwise. */
  private boolean recall(String s, int kind) {
    for (int i = 0; i < recentStrings.length; i++) {
      if (recentStrings[i] == s && recentKinds[i] == kind) {
        bytes(recentBytes[i]);
        return true;
      }
    }
    return false;
  }

  /** Remembers {@code buf[start, len)} as the encoding of {@code s}, when {@code s} is long enough to be worth it. */
  private void remember(String s, int kind, int start) {
    if (s.length() >= RECALL_MIN) {
      int i = recentNext;
      recentStrings[i] = s;
      recentKinds[i] = kind;
      recentBytes[i] = Arrays.copyOfRange(buf, start, len);
      recentNext = (i + 1) % recentStrings.length;
    }
  }

  /** A JSON string literal, quotes included; non-ASCII and control characters as {@code \\uXXXX}. */
  public ByteLine jsonString(String s) {
    return encode(s, JSON);
  }

  /** Appends {@code s} in the encoding {@code kind}: the remembered bytes when there are some. */
  private ByteLine encode(String s, int kind) {
    if (recall(s, kind)) {
      return this;
    }
    int start = len;
    if (kind == JSON) {
      appendJson(s);
    } else {
      appendPrintable(s);
    }
    remember(s, kind, start);
    return this;
  }

  private void appendJson(String s) {
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
      ascii(s).put('"');
      return;
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
    put('"');
  }

  /** Text for a text-format value: printable ASCII kept, others as {@code \\xNN}. */
  public ByteLine printable(String s) {
    return encode(s, PRINTABLE);
  }

  private void appendPrintable(String s) {
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
  }
}
