package spa.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Unpadded base64 as fwknop uses it everywhere: the encoder strips {@code =}; the decoder stops at the
 * first {@code =}, refuses any other character outside the standard alphabet and tolerates any
 * residue length (a lone trailing character carries no whole byte and is ignored). The byte-array forms
 * work in caller buffers, without allocation, for the packet path.
 */
public final class Base64s {
  private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
  private static final byte[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(StandardCharsets.US_ASCII);
  /** Value of each byte 0..255 in the alphabet; -1 outside it, -2 for {@code =}. */
  private static final byte[] VALUE = new byte[256];

  static {
    java.util.Arrays.fill(VALUE, (byte) -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUE[ALPHABET[i]] = (byte) i;
    }
    VALUE['='] = -2;
  }

  private Base64s() {}

  /** Base64 of {@code data} without padding. */
  public static String encode(byte[] data) {
    return ENCODER.encodeToString(data);
  }

  /** Base64 of the ISO-8859-1 bytes of {@code text} without padding. */
  public static String encodeText(String text) {
    return encode(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Characters {@link #encode} makes of {@code n} bytes. */
  public static int encodedLength(int n) {
    return (n * 4 + 2) / 3;
  }

  /**
   * Writes the unpadded base64 of {@code src[off, off+len)} to {@code dst} from {@code dstOff}, which must
   * have room for {@link #encodedLength}{@code (len)} bytes; returns that length.
   */
  public static int encode(byte[] src, int off, int len, byte[] dst, int dstOff) {
    int o = dstOff;
    int end = off + len - len % 3;
    for (int i = off; i < end; i += 3) {
      int v = (src[i] & 0xff) << 16 | (src[i + 1] & 0xff) << 8 | src[i + 2] & 0xff;
      dst[o] = ALPHABET[v >>> 18];
      dst[o + 1] = ALPHABET[v >>> 12 & 63];
      dst[o + 2] = ALPHABET[v >>> 6 & 63];
      dst[o + 3] = ALPHABET[v & 63];
      o += 4;
    }
    int rest = len % 3;
    if (rest == 1) {
      int v = src[end] & 0xff;
      dst[o++] = ALPHABET[v >>> 2];
      dst[o++] = ALPHABET[v << 4 & 63];
    } else if (rest == 2) {
      int v = (src[end] & 0xff) << 8 | src[end + 1] & 0xff;
      dst[o++] = ALPHABET[v >>> 10];
      dst[o++] = ALPHABET[v >>> 4 & 63];
      dst[o++] = ALPHABET[v << 2 & 63];
    }
    return o - dstOff;
  }

  /** Decodes leniently; null when a character outside the alphabet (other than a terminating '=') appears. */
  public static byte[] decode(CharSequence text) {
    int n = text.length();
    int eq = n;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c >= 256 || VALUE[c] == -1) {
        return null;
      }
      if (c == '=') {
        eq = i;
        break;
      }
    }
    byte[] out = new byte[eq * 3 / 4];
    int i = 0;
    int o = 0;
    for (int end = eq - 3; i < end; i += 4) {
      int v = VALUE[text.charAt(i)] << 18 | VALUE[text.charAt(i + 1)] << 12 | VALUE[text.charAt(i + 2)] << 6
          | VALUE[text.charAt(i + 3)];
      out[o] = (byte) (v >> 16);
      out[o + 1] = (byte) (v >> 8);
      out[o + 2] = (byte) v;
      o += 3;
    }
    int rest = eq - i;
    if (rest >= 2) {
      int v = VALUE[text.charAt(i)] << 18 | VALUE[text.charAt(i + 1)] << 12
          | (rest == 3 ? VALUE[text.charAt(i + 2)] << 6 : 0);
      out[o++] = (byte) (v >> 16);
      if (rest == 3) {
        out[o++] = (byte) (v >> 8);
      }
    }
    return out;
  }

  /**
   * Decodes {@code src[off, off+len)} leniently into {@code dst} from {@code dstOff}, which must have room for
   * {@code len * 3 / 4} bytes; returns the number of bytes written, or -1 when a character outside the
   * alphabet (other than a terminating '=') appears (what {@code dst} then holds is unspecified).
   */
  public static int decode(byte[] src, int off, int len, byte[] dst, int dstOff) {
    // One pass for the common case, text in the alphabet: decode and OR the values, which turns negative if
    // any byte was not (an '=' or a stranger); only then scan for where the text ends or fails.
    int i = off;
    int stop = off + len;
    int o = dstOff;
    int bad = 0;
    for (int end = stop - 3; i < end; i += 4) {
      int a = VALUE[src[i] & 0xff];
      int b = VALUE[src[i + 1] & 0xff];
      int c = VALUE[src[i + 2] & 0xff];
      int d = VALUE[src[i + 3] & 0xff];
      bad |= a | b | c | d;
      int v = a << 18 | b << 12 | c << 6 | d;
      dst[o] = (byte) (v >> 16);
      dst[o + 1] = (byte) (v >> 8);
      dst[o + 2] = (byte) v;
      o += 3;
    }
    for (int k = i; k < stop; k++) {
      bad |= VALUE[src[k] & 0xff];
    }
    if (bad < 0) {
      return decodeChecked(src, off, len, dst, dstOff);
    }
    return o - dstOff + tail(src, i, stop - i, dst, o);
  }

  /** {@link #decode(byte[], int, int, byte[], int)} that first finds the end ('=') and checks the characters. */
  private static int decodeChecked(byte[] src, int off, int len, byte[] dst, int dstOff) {
    int eq = len;
    for (int i = 0; i < len; i++) {
      int v = VALUE[src[off + i] & 0xff];
      if (v < 0) {
        if (v == -1) {
          return -1;
        }
        eq = i;
        break;
      }
    }
    int i = off;
    int stop = off + eq;
    int o = dstOff;
    for (int end = stop - 3; i < end; i += 4) {
      int v = VALUE[src[i] & 0xff] << 18 | VALUE[src[i + 1] & 0xff] << 12 | VALUE[src[i + 2] & 0xff] << 6
          | VALUE[src[i + 3] & 0xff];
      dst[o] = (byte) (v >> 16);
      dst[o + 1] = (byte) (v >> 8);
      dst[o + 2] = (byte) v;
      o += 3;
    }
    return o - dstOff + tail(src, i, stop - i, dst, o);
  }

  /** Decodes the last 0..3 characters (valid ones) of a text; returns the bytes written (a lone one gives none). */
  private static int tail(byte[] src, int i, int rest, byte[] dst, int o) {
    if (rest < 2) {
      return 0;
    }
    int v = VALUE[src[i] & 0xff] << 18 | VALUE[src[i + 1] & 0xff] << 12
        | (rest == 3 ? VALUE[src[i + 2] & 0xff] << 6 : 0);
    dst[o] = (byte) (v >> 16);
    if (rest == 3) {
      dst[o + 1] = (byte) (v >> 8);
      return 2;
    }
    return 1;
  }

  /**
   * Whether {@code src[off, off+len)}, all of it in the alphabet, is exactly what {@link #encode} makes of the
   * bytes it decodes to: no lone trailing character and no stray bits in the last one.
   */
  public static boolean isCanonical(byte[] src, int off, int len) {
    return switch (len % 4) {
      case 1 -> false;
      case 2 -> (VALUE[src[off + len - 1] & 0xff] & 15) == 0;
      case 3 -> (VALUE[src[off + len - 1] & 0xff] & 3) == 0;
      default -> true;
    };
  }

  /** Decodes leniently to an ISO-8859-1 string (one char per byte); null when not base64. */
  public static String decodeText(CharSequence text) {
    byte[] b = decode(text);
    return b == null ? null : new String(b, StandardCharsets.ISO_8859_1);
  }

  /** True when every byte is in the base64 alphabet or {@code =}, as fwknopd's {@code is_base64}. */
  public static boolean isBase64(byte[] data, int off, int len) {
    int bad = 0;
    for (int i = off; i < off + len; i++) {
      bad |= VALUE[data[i] & 0xff];
    }
    // OR of the values: -1 whenever a byte is outside, and for some mixes with '=': only then look closer
    return bad != -1 || isBase64Slow(data, off, len);
  }

  private static boolean isBase64Slow(byte[] data, int off, int len) {
    for (int i = off; i < off + len; i++) {
      if (VALUE[data[i] & 0xff] == -1) {
        return false;
      }
    }
    return true;
  }

  /** True when every byte is in the base64 alphabet, {@code =} excluded. */
  public static boolean isAlphabet(byte[] data, int off, int len) {
    int bad = 0;
    for (int i = off; i < off + len; i++) {
      bad |= VALUE[data[i] & 0xff];
    }
    return bad >= 0;
  }

  /** {@link #isBase64(byte[], int, int)} over a string. */
  public static boolean isBase64(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 256 || VALUE[c] == -1) {
        return false;
      }
    }
    return true;
  }
}
