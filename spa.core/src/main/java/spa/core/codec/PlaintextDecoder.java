package spa.core.codec;

import java.nio.charset.StandardCharsets;
import spa.core.DigestType;
import spa.core.MessageType;
import spa.core.SpaException;
import spa.core.SpaMessage;

/** Decodes and validates fwknop 2.6 plaintext in place, for {@link SpaCodec#decode}. */
final class PlaintextDecoder {
  private static final int RANDOM_DIGITS = SpaCodec.RANDOM_DIGITS;
  private static final long MAX_TIMESTAMP = SpaCodec.MAX_TIMESTAMP;

  private PlaintextDecoder() {}

  /** {@link #decode(byte[])} of a string. */
  static SpaMessage decode(String plaintext) throws SpaException {
    if (plaintext == null) {
      throw SpaException.message(null, "no plaintext");
    }
    checkLength(plaintext.length());
    byte[] b = new byte[plaintext.length()];
    for (int i = 0; i < b.length; i++) {
      char c = plaintext.charAt(i);
      if (c < 0x20 || c > 0x7e) { // as scan refuses it, before a character beyond one byte is cut to one
        throw SpaException.message(null, "non-printable character " + SpaFields.describe(c));
      }
      b[i] = (byte) c;
    }
    return decode(b);
  }

  /**
   * Decodes and validates a plaintext, one byte per character. The digest type is inferred from the digest's
   * length (43 tries SHA-256 then SHA3-256; 86 tries SHA-512 then SHA3-512) and the digest must match. Fields are
   * read in place: only the values the message keeps become strings. The array is read, never written.
   */
  static SpaMessage decode(byte[] b) throws SpaException {
    if (b == null) {
      throw SpaException.message(null, "no plaintext");
    }
    int len = b.length;
    checkLength(len);
    int[] at = new int[Cursor.KEPT];
    long scanned = scan(b, at);
    int colons = (int) (scanned >>> 32);
    int lastColon = (int) scanned;
    if (colons < 6) {
      throw SpaException.message(null, "only " + (colons + 1) + " fields, at least 7 needed");
    }
    // one scratch array for the digest check and then for the fields' decoding
    byte[] scratch = SCRATCH.get();
    DigestType digestType = verifyDigest(b, lastColon, len, scratch);

    Cursor cur = new Cursor(b, lastColon, at, colons - 1);
    cur.next();
    if (cur.length() < RANDOM_DIGITS) {
      throw SpaException.message("random", "shorter than 16 characters");
    }
    String rand = new String(b, cur.from, RANDOM_DIGITS, StandardCharsets.ISO_8859_1);

    cur.next();
    if (cur.length() == 0 || cur.length() > SpaFields.MAX_USER_B64) {
      throw SpaException.message("username", "base64 length " + cur.length() + " outside 1.." + SpaFields.MAX_USER_B64);
    }
    String user = b64Field("username", b, cur, scratch);
    SpaFields.checkUsername(user);

    cur.next();
    long timestamp = cur.length() > 12 ? -1 : digits(b, cur.from, cur.to);
    if (timestamp < 0) {
      throw SpaException.message("timestamp", "must be 1 to 12 decimal digits");
    }
    if (timestamp > MAX_TIMESTAMP) {
      throw SpaException.message("timestamp", "beyond 32 bits");
    }

    cur.next();
    if (cur.length() == 0 || cur.length() > 8) {
      throw SpaException.message("version", "length " + cur.length() + " outside 1..8");
    }
    String version = new String(b, cur.from, cur.length(), StandardCharsets.ISO_8859_1);

    cur.next();
    int typeCode = cur.length() > 2 ? -1 : (int) digits(b, cur.from, cur.to);
    if (typeCode < 0) {
      throw SpaException.message("message_type", "must be 1 or 2 digits");
    }
    if (typeCode > 6) {
      throw SpaException.message("message_type", "unknown type " + typeCode);
    }
    MessageType type = MessageType.ofCode(typeCode);

    int remainingFields = cur.remainingFields();
    int maxFields = type.hasNat() && type.hasClientTimeout() ? 4 : type.hasNat() || type.hasClientTimeout() ? 3 : 2;
    if (remainingFields > maxFields) {
      throw SpaException.message(null, remainingFields + " fields after the type, at most " + maxFields + " for type " + typeCode);
    }

    cur.next();
    checkFieldLength("message", cur.length());
    String message = b64Field("message", b, cur, scratch);
    if (type.isCommand()) {
      SpaFields.checkCommandMessage(message);
    } else {
      SpaFields.checkAccessMessage(message);
    }

    String nat = null;
    if (type.hasNat()) {
      if (!cur.hasNext()) {
        throw SpaException.message("nat_access", "missing for type " + typeCode);
      }
      cur.next();
      checkFieldLength("nat_access", cur.length());
      nat = b64Field("nat_access", b, cur, scratch);
      SpaFields.checkNatAccess(nat);
    }

    String serverAuth = null;
    int clientTimeout = 0;
    if (type.hasClientTimeout()) {
      if (!cur.hasNext()) {
        throw SpaException.message("client_timeout", "missing for type " + typeCode);
      }
      int colon = cur.rest();
      if (colon >= 0) {
        serverAuth = serverAuth(b, cur.from, colon, scratch);
        cur.from = colon + 1;
      }
      clientTimeout = cur.length() > 6 ? -1 : (int) digits(b, cur.from, cur.to);
      if (clientTimeout < 0) {
        throw SpaException.message("client_timeout", "must be decimal digits");
      }
      if (clientTimeout > SpaFields.MAX_CLIENT_TIMEOUT) {
        throw SpaException.message("client_timeout", clientTimeout + " beyond " + SpaFields.MAX_CLIENT_TIMEOUT);
      }
    } else if (cur.hasNext()) {
      cur.rest();
      if (cur.length() > 0) {
        serverAuth = serverAuth(b, cur.from, cur.to, scratch);
      }
    }
    return new SpaMessage(rand, user, timestamp, version, type, message, nat, serverAuth, clientTimeout, digestType);
  }

  /**
   * Refuses a non-printable character; returns the number of colons (high half) and the index of the last
   * (low half, -1 for none), and puts the indexes of the first {@code at.length} colons in {@code at}, so that the
   * fields are found in this one pass. A method of its own so that its loop, hot before {@link #decode} is
   * compiled, does not make the compiler build all of {@code decode} twice (once to enter it inside the loop).
   */
  private static long scan(byte[] b, int[] at) throws SpaException {
    int colons = 0;
    int lastColon = -1;
    for (int i = 0; i < b.length; i++) {
      int c = b[i] & 0xff;
      if (c < 0x20 || c > 0x7e) {
        throw SpaException.message(null, "non-printable character " + SpaFields.describe((char) c));
      }
      if (c == ':') {
        if (colons < at.length) {
          at[colons] = i;
        }
        colons++;
        lastColon = i;
      }
    }
    return (long) colons << 32 | lastColon & 0xffffffffL;
  }

  private static String serverAuth(byte[] b, int from, int to, byte[] scratch) throws SpaException {
    checkFieldLength("server_auth", to - from);
    return b64Field("server_auth", b, from, to, scratch);
  }

  /** What {@link #verifyDigest} needs of its scratch array: a digest, then its base64. */
  private static final int DIGEST_SCRATCH = Digests.MAX_LENGTH + Base64s.encodedLength(Digests.MAX_LENGTH);

  /**
   * Each thread's scratch array, for the digest check and then the decoded fields, which become strings before
   * the next use: the most any plaintext needs.
   */
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(
      () -> new byte[Math.max(SpaFields.MAX_PLAINTEXT_EXCLUSIVE * 3 / 4, DIGEST_SCRATCH)]);

  private static void checkLength(int len) throws SpaException {
    if (len < SpaFields.MIN_PLAINTEXT || len >= SpaFields.MAX_PLAINTEXT_EXCLUSIVE) {
      throw SpaException.message(null, "plaintext length " + len + " outside " + SpaFields.MIN_PLAINTEXT + ".."
          + (SpaFields.MAX_PLAINTEXT_EXCLUSIVE - 1));
    }
  }

  /**
   * Checks the digest {@code b[lastColon+1, len)} against the text before it; returns its type. {@code scratch}
   * holds at least {@link #DIGEST_SCRATCH} bytes.
   */
  private static DigestType verifyDigest(byte[] b, int lastColon, int len, byte[] scratch) throws SpaException {
    int digestLen = len - lastColon - 1;
    DigestType first;
    DigestType second = null;
    switch (digestLen) {
      case 22 -> first = DigestType.MD5;
      case 27 -> first = DigestType.SHA1;
      case 43 -> {
        first = DigestType.SHA256;
        second = DigestType.SHA3_256;
      }
      case 64 -> first = DigestType.SHA384;
      case 86 -> {
        first = DigestType.SHA512;
        second = DigestType.SHA3_512;
      }
      default -> throw SpaException.message("digest", "length " + digestLen + " matches no digest type");
    }
    if (digestMatches(first, b, lastColon, scratch)) {
      return first;
    }
    if (second != null && digestMatches(second, b, lastColon, scratch)) {
      return second;
    }
    throw SpaException.message("digest", "does not match the message");
  }

  /** The digest goes to {@code scratch[0..]}, its base64 after {@link Digests#MAX_LENGTH}. */
  private static boolean digestMatches(DigestType type, byte[] b, int lastColon, byte[] scratch) {
    int at = Digests.MAX_LENGTH;
    int n = Base64s.encode(scratch, 0, Digests.digest(type, b, 0, lastColon, scratch, 0), scratch, at);
    return Digests.constantTimeEquals(scratch, at, b, lastColon + 1, n);
  }

  private static void checkFieldLength(String field, int b64Length) throws SpaException {
    if (b64Length == 0 || b64Length > SpaFields.MAX_FIELD_B64) {
      throw SpaException.message(field, "base64 length " + b64Length + " outside 1.." + SpaFields.MAX_FIELD_B64);
    }
  }

  private static String b64Field(String field, byte[] b, Cursor cur, byte[] scratch) throws SpaException {
    return b64Field(field, b, cur.from, cur.to, scratch);
  }

  private static String b64Field(String field, byte[] b, int from, int to, byte[] scratch) throws SpaException {
    int n = Base64s.decode(b, from, to - from, scratch, 0);
    if (n < 0) {
      throw SpaException.message(field, "not base64");
    }
    if (n == 0) {
      throw SpaException.message(field, "decodes to nothing");
    }
    return new String(scratch, 0, n, StandardCharsets.ISO_8859_1);
  }

  /** The value of {@code b[from, to)} when it is 1..18 decimal digits, else -1. */
  private static long digits(byte[] b, int from, int to) {
    if (to <= from) {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  private static int indexOf(byte[] b, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Walks ':'-separated fields of {@code b[0, end)}; {@link #next} and {@link #rest} set {@code [from, to)}. The
   * colons come from {@link #scan}: the first {@link #KEPT} by index, any after them looked for again.
   */
  private static final class Cursor {
    /** Colons kept by index: a message has at most 9 fields before the digest, a longer one is refused. */
    static final int KEPT = 8;
    private final byte[] b;
    private final int end;
    private final int[] at;
    /** The colons before {@code end}. */
    private final int inner;
    /** How many of them the fields read so far ended at. */
    private int passed;
    private int pos;
    int from;
    int to;

    Cursor(byte[] b, int end, int[] at, int inner) {
      this.b = b;
      this.end = end;
      this.at = at;
      this.inner = inner;
    }

    int length() {
      return to - from;
    }

    boolean hasNext() {
      return pos <= end;
    }

    void next() throws SpaException {
      if (pos > end) {
        throw SpaException.message(null, "too few fields");
      }
      int colon = nextColon();
      from = pos;
      if (colon < 0) {
        to = end;
      } else {
        to = colon;
        passed++;
      }
      pos = to + 1;
    }

    /** The index of the first colon at or after {@code pos} and before {@code end}, or -1. */
    private int nextColon() {
      if (passed >= inner) {
        return -1;
      }
      return passed < at.length ? at[passed] : indexOf(b, ':', pos, end);
    }

    /** Everything not yet read (may contain ':'); returns the index of its first ':', or -1. */
    int rest() {
      int colon = pos <= end ? nextColon() : -1;
      from = Math.min(pos, end);
      to = end;
      pos = end + 1;
      return colon;
    }

    int remainingFields() {
      return pos > end ? 0 : 1 + inner - passed;
    }
  }
}
