package spa.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Unpadded base64 as fwknop uses it everywhere: the encoder strips {@code =}; the decoder stops at the
 * first {@code =}, refuses any other character outside the standard alphabet and tolerates any
 * residue length (a lone trailing character carries no whole byte and is ignored).
 */
public final class Base64s {
  private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
  private static final byte[] VALUE = new byte[128];

  static {
    java.util.Arrays.fill(VALUE, (byte) -1);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      VALUE[alphabet.charAt(i)] = (byte) i;
    }
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

  /** Decodes leniently; null when a character outside the alphabet (other than a terminating '=') appears. */
  public static byte[] decode(CharSequence text) {
    int n = text.length();
    int eq = n;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '=') {
        eq = i;
        break;
      }
      if (c >= 128 || VALUE[c] < 0) {
        return null;
      }
    }
    byte[] out = new byte[eq * 3 / 4];
    int acc = 0;
    int bits = 0;
    int o = 0;
    for (int i = 0; i < eq; i++) {
      acc = (acc << 6) | VALUE[text.charAt(i)];
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[o++] = (byte) (acc >> bits);
        acc &= (1 << bits) - 1;
      }
    }
    return o == out.length ? out : java.util.Arrays.copyOf(out, o);
  }

  /** Decodes leniently to an ISO-8859-1 string (one char per byte); null when not base64. */
  public static String decodeText(CharSequence text) {
    byte[] b = decode(text);
    return b == null ? null : new String(b, StandardCharsets.ISO_8859_1);
  }

  /** True when every byte is in the base64 alphabet or {@code =}, as fwknopd's {@code is_base64}. */
  public static boolean isBase64(byte[] data, int off, int len) {
    for (int i = off; i < off + len; i++) {
      int c = data[i];
      if (c != '=' && (c < 0 || VALUE[c] < 0)) {
        return false;
      }
    }
    return true;
  }

  /** {@link #isBase64(byte[], int, int)} over a string. */
  public static boolean isBase64(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '=' && (c >= 128 || VALUE[c] < 0)) {
        return false;
      }
    }
    return true;
  }
}
