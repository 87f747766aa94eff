package spa.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The admission checks of an SPA wire string before any key is tried, in one place for the server's prefilter
 * and for every cipher (which also opens packets for the client's checks, with no prefilter before it):
 * no prefix that the wire form strips ({@code U2FsdGVkX1}, or {@code hQ} beyond 400 characters: re-adding one
 * would make a second spelling of a packet, a replay variant), then the base64 alphabet, {@code =} told apart
 * (fwknopd's first look admits it; a cipher refuses it, as fwknop strips every {@code =}).
 */
public enum WireForm {
  OK, SALTED_PREFIX, GPG_PREFIX, NOT_BASE64, EQUALS;

  /**
   * The shortest SPA wire string (fwknopd's MIN_SPA_DATA_SIZE): anything shorter is refused before any other
   * check, and a capture may discard it without handing it over.
   */
  public static final int MIN_LENGTH = 140;
  /** The longest SPA wire string taken (fwknopd's MAX_SPA_PACKET_LEN). */
  public static final int MAX_LENGTH = 1500;
  /** Base64 of {@code "Salted__"} as far as it is constant; absent from the wire. */
  public static final String SALTED = "U2FsdGVkX1";
  /** Packets longer than this that start with {@code hQ} are GnuPG's with the stripped prefix put back. */
  public static final int GPG_PREFIX_MIN = 400;
  private static final byte[] SALTED_BYTES = SALTED.getBytes(StandardCharsets.US_ASCII);

  /** The verdict on the wire bytes {@code b[off, off+n)}. */
  public static WireForm check(byte[] b, int off, int n) {
    if (n >= SALTED_BYTES.length
        && Arrays.equals(b, off, off + SALTED_BYTES.length, SALTED_BYTES, 0, SALTED_BYTES.length)) {
      return SALTED_PREFIX;
    }
    if (n > GPG_PREFIX_MIN && b[off] == 'h' && b[off + 1] == 'Q') {
      return GPG_PREFIX;
    }
    if (Base64s.isAlphabet(b, off, n)) {
      return OK;
    }
    return Base64s.isBase64(b, off, n) ? EQUALS : NOT_BASE64;
  }
}
