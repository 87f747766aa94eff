package spa.core.codec;

import java.security.SecureRandom;
import java.util.random.RandomGenerator;
import spa.core.MessageType;
import spa.core.SpaException;
import spa.core.SpaMessage;

/**
 * Encodes and decodes fwknop 2.6 SPA plaintext:
 * {@code rand:b64(user):timestamp:version:type:b64(message)[:b64(nat)][:b64(server_auth)][:timeout]:digest}.
 * Decoding never throws anything but {@link SpaException}, whatever the input.
 */
public final class SpaCodec {
  static final int RANDOM_DIGITS = 16;
  static final long MAX_TIMESTAMP = Integer.MAX_VALUE;

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
    return PlaintextDecoder.decode(plaintext);
  }

  /**
   * {@link #decode(String)} of a plaintext's bytes, one per character, as a cipher gives them
   * ({@link spa.core.spi.Decryptor.Opened#text()}); the array is only read.
   */
  public static SpaMessage decode(byte[] plaintext) throws SpaException {
    return PlaintextDecoder.decode(plaintext);
  }
}
