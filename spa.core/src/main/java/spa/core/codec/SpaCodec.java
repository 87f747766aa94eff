package spa.core.codec;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;
import spa.core.DigestType;
import spa.core.MessageType;
import spa.core.SpaException;
import spa.core.SpaMessage;

/**
 * Encodes and decodes fwknop 2.6 SPA plaintext:
 * {@code rand:b64(user):timestamp:version:type:b64(message)[:b64(nat)][:b64(server_auth)][:timeout]:digest}.
 * Decoding never throws anything but {@link SpaException}, whatever the input.
 */
public final class SpaCodec {
  private static final int RANDOM_DIGITS = 16;
  private static final long MAX_TIMESTAMP = Integer.MAX_VALUE;

  private SpaCodec() {}

  /** 16 random decimal digits for the random field. */
  public static String randomValue(RandomGenerator rng) {
    char[] c = new char[RANDOM_DIGITS];
    for (int i = 0; i < c.length; i++) {
      c[i] = (char) ('0' + rng.nextInt(10));
    }
    return new String(c);
  }

  /** {@link #randomValue(RandomGenerator)} from a {@link SecureRandom}. */
  public static String randomValue() {
    return randomValue(new SecureRandom());
  }

  /** The full plaintext, {@code encoded:digest}, after validating every field. */
  public static String encode(SpaMessage m) throws SpaException {
    String encoded = encodeWithoutDigest(m);
    String plaintext = encoded + ":" + Digests.b64Digest(m.digestType(), encoded);
    if (plaintext.length() >= SpaFields.MAX_PLAINTEXT_EXCLUSIVE) {
      throw new SpaException(SpaException.Kind.ENCODE, null,
          "message is " + plaintext.length() + " characters, limit " + (SpaFields.MAX_PLAINTEXT_EXCLUSIVE - 1));
    }
    return plaintext;
  }

  /** The plaintext without its digest, which is what the digest covers. */
  public static String encodeWithoutDigest(SpaMessage m) throws SpaException {
    try {
      return encodeChecked(m);
    } catch (SpaException e) {
      throw new SpaException(SpaException.Kind.ENCODE, e.field(), e.reason());
    }
  }

  private static String encodeChecked(SpaMessage m) throws SpaException {
    if (m.random() == null || m.random().length() != RANDOM_DIGITS || !SpaFields.allDigits(m.random())) {
      throw SpaException.message("random", "must be 16 decimal digits");
    }
    SpaFields.checkUsername(m.user());
    String user = Base64s.encodeText(m.user());
    if (user.length() > SpaFields.MAX_USER_B64) {
      throw SpaException.message("username", "'" + m.user() + "' is longer than the 48 bytes fwknopd accepts");
    }
    if (m.timestamp() < 0 || m.timestamp() > MAX_TIMESTAMP) {
      throw SpaException.message("timestamp", m.timestamp() + " is outside 0.." + MAX_TIMESTAMP);
    }
    String version = m.version();
    if (version == null || version.isEmpty() || version.length() > 8 || version.indexOf(':') >= 0) {
      throw SpaException.message("version", "must be 1..8 characters without ':'");
    }
    MessageType type = m.type();
    if (m.message() == null) {
      throw SpaException.message("message", "missing");
    }
    if (type.isCommand()) {
      SpaFields.checkCommandMessage(m.message());
    } else {
      SpaFields.checkAccessMessage(m.message());
    }
    StringBuilder sb = new StringBuilder(256);
    sb.append(m.random()).append(':').append(user).append(':').append(m.timestamp()).append(':')
        .append(version).append(':').append(type.code()).append(':');
    appendField(sb, "message", m.message());
    if (type.hasNat()) {
      if (m.natAccess() == null) {
        throw SpaException.message("nat_access", "required by message type " + type.code());
      }
      SpaFields.checkNatAccess(m.natAccess());
      if (m.natAccess().length() >= 128) {
        throw SpaException.message("nat_access", "longer than 127 characters");
      }
      sb.append(':');
      appendField(sb, "nat_access", m.natAccess());
    } else if (m.natAccess() != null) {
      throw SpaException.message("nat_access", "not allowed in message type " + type.code());
    }
    if (m.serverAuth() != null) {
      if (m.serverAuth().isEmpty() || m.serverAuth().length() >= 64) {
        throw SpaException.message("server_auth", "must be 1..63 characters");
      }
      sb.append(':');
      appendField(sb, "server_auth", m.serverAuth());
    }
    if (type.hasClientTimeout()) {
      if (m.clientTimeout() <= 0 || m.clientTimeout() > SpaFields.MAX_CLIENT_TIMEOUT) {
        throw SpaException.message("client_timeout", "must be 1.." + SpaFields.MAX_CLIENT_TIMEOUT + " for type " + type.code());
      }
      sb.append(':').append(m.clientTimeout());
    }
    return sb.toString();
  }

  private static void appendField(StringBuilder sb, String field, String value) throws SpaException {
    String b64 = Base64s.encodeText(value);
    if (b64.length() > SpaFields.MAX_FIELD_B64) {
      throw SpaException.message(field, "too long: " + value.length() + " characters encode to more than "
          + SpaFields.MAX_FIELD_B64 + " base64 characters");
    }
    sb.append(b64);
  }

  /**
   * Decodes and validates a plaintext. The digest type is inferred from the digest's length (43 tries
   * SHA-256 then SHA3-256; 86 tries SHA-512 then SHA3-512) and the digest must match.
   */
  public static SpaMessage decode(String plaintext) throws SpaException {
    if (plaintext == null) {
      throw SpaException.message(null, "no plaintext");
    }
    int len = plaintext.length();
    if (len < SpaFields.MIN_PLAINTEXT || len >= SpaFields.MAX_PLAINTEXT_EXCLUSIVE) {
      throw SpaException.message(null, "plaintext length " + len + " outside " + SpaFields.MIN_PLAINTEXT + ".."
          + (SpaFields.MAX_PLAINTEXT_EXCLUSIVE - 1));
    }
    int colons = 0;
    for (int i = 0; i < len; i++) {
      char c = plaintext.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw SpaException.message(null, "non-printable character " + SpaFields.describe(c));
      }
      if (c == ':') {
        colons++;
      }
    }
    if (colons < 6) {
      throw SpaException.message(null, "only " + (colons + 1) + " fields, at least 7 needed");
    }
    int lastColon = plaintext.lastIndexOf(':');
    String encoded = plaintext.substring(0, lastColon);
    DigestType digestType = verifyDigest(encoded, plaintext.substring(lastColon + 1));

    Cursor cur = new Cursor(encoded);
    String rand = cur.next();
    if (rand.length() < RANDOM_DIGITS) {
      throw SpaException.message("random", "shorter than 16 characters");
    }
    rand = rand.substring(0, RANDOM_DIGITS);

    String userB64 = cur.next();
    if (userB64.isEmpty() || userB64.length() > SpaFields.MAX_USER_B64) {
      throw SpaException.message("username", "base64 length " + userB64.length() + " outside 1.." + SpaFields.MAX_USER_B64);
    }
    String user = b64Field("username", userB64);
    SpaFields.checkUsername(user);

    String ts = cur.next();
    if (ts.isEmpty() || ts.length() > 12 || !SpaFields.allDigits(ts)) {
      throw SpaException.message("timestamp", "must be 1 to 12 decimal digits");
    }
    long timestamp = Long.parseLong(ts);
    if (timestamp > MAX_TIMESTAMP) {
      throw SpaException.message("timestamp", "beyond 32 bits");
    }

    String version = cur.next();
    if (version.isEmpty() || version.length() > 8) {
      throw SpaException.message("version", "length " + version.length() + " outside 1..8");
    }

    String typeText = cur.next();
    if (typeText.isEmpty() || typeText.length() > 2 || !SpaFields.allDigits(typeText)) {
      throw SpaException.message("message_type", "must be 1 or 2 digits");
    }
    int typeCode = Integer.parseInt(typeText);
    if (typeCode > 6) {
      throw SpaException.message("message_type", "unknown type " + typeCode);
    }
    MessageType type = MessageType.ofCode(typeCode);

    int remainingFields = cur.remainingFields();
    int maxFields = type.hasNat() && type.hasClientTimeout() ? 4 : type.hasNat() || type.hasClientTimeout() ? 3 : 2;
    if (remainingFields > maxFields) {
      throw SpaException.message(null, remainingFields + " fields after the type, at most " + maxFields + " for type " + typeCode);
    }

    String msgB64 = cur.next();
    checkFieldLength("message", msgB64);
    String message = b64Field("message", msgB64);
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
      String natB64 = cur.next();
      checkFieldLength("nat_access", natB64);
      nat = b64Field("nat_access", natB64);
      SpaFields.checkNatAccess(nat);
    }

    String serverAuth = null;
    int clientTimeout = 0;
    if (type.hasClientTimeout()) {
      if (!cur.hasNext()) {
        throw SpaException.message("client_timeout", "missing for type " + typeCode);
      }
      String rest = cur.rest();
      int colon = rest.indexOf(':');
      if (colon >= 0) {
        serverAuth = serverAuth(rest.substring(0, colon));
        rest = rest.substring(colon + 1);
      }
      if (rest.length() > 6 || !SpaFields.allDigits(rest)) {
        throw SpaException.message("client_timeout", "must be decimal digits");
      }
      clientTimeout = Integer.parseInt(rest);
      if (clientTimeout > SpaFields.MAX_CLIENT_TIMEOUT) {
        throw SpaException.message("client_timeout", clientTimeout + " beyond " + SpaFields.MAX_CLIENT_TIMEOUT);
      }
    } else if (cur.hasNext()) {
      String rest = cur.rest();
      if (!rest.isEmpty()) {
        serverAuth = serverAuth(rest);
      }
    }
    return new SpaMessage(rand, user, timestamp, version, type, message, nat, serverAuth, clientTimeout, digestType);
  }

  private static String serverAuth(String b64) throws SpaException {
    checkFieldLength("server_auth", b64);
    return b64Field("server_auth", b64);
  }

  private static DigestType verifyDigest(String encoded, String digest) throws SpaException {
    DigestType first;
    DigestType second = null;
    switch (digest.length()) {
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
      default -> throw SpaException.message("digest", "length " + digest.length() + " matches no digest type");
    }
    if (Digests.constantTimeEquals(Digests.b64Digest(first, encoded), digest)) {
      return first;
    }
    if (second != null && Digests.constantTimeEquals(Digests.b64Digest(second, encoded), digest)) {
      return second;
    }
    throw SpaException.message("digest", "does not match the message");
  }

  private static void checkFieldLength(String field, String b64) throws SpaException {
    if (b64.isEmpty() || b64.length() > SpaFields.MAX_FIELD_B64) {
      throw SpaException.message(field, "base64 length " + b64.length() + " outside 1.." + SpaFields.MAX_FIELD_B64);
    }
  }

  private static String b64Field(String field, String b64) throws SpaException {
    String v = Base64s.decodeText(b64);
    if (v == null) {
      throw SpaException.message(field, "not base64");
    }
    if (v.isEmpty()) {
      throw SpaException.message(field, "decodes to nothing");
    }
    return v;
  }

  /** Walks ':'-separated fields. */
  private static final class Cursor {
    private final String s;
    private int pos;

    Cursor(String s) {
      this.s = s;
    }

    boolean hasNext() {
      return pos <= s.length();
    }

    String next() throws SpaException {
      if (pos > s.length()) {
        throw SpaException.message(null, "too few fields");
      }
      int colon = s.indexOf(':', pos);
      int end = colon < 0 ? s.length() : colon;
      String f = s.substring(pos, end);
      pos = end + 1;
      return f;
    }

    /** Everything not yet read (may contain ':'). */
    String rest() {
      String r = pos > s.length() ? "" : s.substring(pos);
      pos = s.length() + 1;
      return r;
    }

    int remainingFields() {
      if (pos > s.length()) {
        return 0;
      }
      int n = 1;
      for (int i = pos; i < s.length(); i++) {
        if (s.charAt(i) == ':') {
          n++;
        }
      }
      return n;
    }
  }
}
