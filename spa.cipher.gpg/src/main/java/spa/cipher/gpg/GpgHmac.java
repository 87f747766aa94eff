package spa.cipher.gpg;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import spa.core.ConfigException;
import spa.core.DigestType;
import spa.core.Settings;
import spa.core.codec.Base64s;
import spa.core.codec.Digests;

/**
 * fwknop's HMAC over a GnuPG packet: {@code HMAC_KEY} or {@code HMAC_KEY_BASE64} with {@code HMAC_DIGEST_TYPE}
 * (default sha256); the MAC covers the {@code hQ}-prefixed base64 and its unpadded base64 follows the wire text.
 * Thread-safe (one {@link Mac} per thread).
 */
final class GpgHmac {
  static final String HMAC_KEY = "HMAC_KEY";
  static final String HMAC_KEY_BASE64 = "HMAC_KEY_BASE64";
  static final String HMAC_DIGEST_TYPE = "HMAC_DIGEST_TYPE";
  private static final int MAX_KEY = 128;

  private final DigestType type;
  private final ThreadLocal<Mac> macs;

  private GpgHmac(DigestType type, byte[] key) throws GeneralSecurityException {
    this.type = type;
    SecretKeySpec spec = new SecretKeySpec(key, type.jcaHmac());
    Mac.getInstance(type.jcaHmac()).init(spec); // fails here, at start-up, when the JDK cannot do it
    this.macs = ThreadLocal.withInitial(() -> {
      try {
        Mac m = Mac.getInstance(type.jcaHmac());
        m.init(spec);
        return m;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  /**
   * The HMAC the settings configure, or null when they set no HMAC key.
   *
   * @param secret another secret of the same settings that the HMAC key must differ from (or null)
   */
  static GpgHmac from(Settings s, String secret) throws ConfigException {
    boolean raw = s.has(HMAC_KEY);
    if (raw && s.has(HMAC_KEY_BASE64)) {
      throw s.invalid(HMAC_KEY_BASE64, "both " + HMAC_KEY + " and " + HMAC_KEY_BASE64 + " are set; keep one");
    }
    String name = raw ? HMAC_KEY : HMAC_KEY_BASE64;
    if (!s.has(name)) {
      return null;
    }
    String v = s.get(name).orElseThrow();
    byte[] key;
    if (raw) {
      key = v.getBytes(StandardCharsets.UTF_8);
    } else {
      try {
        key = Base64.getDecoder().decode(v.strip());
      } catch (IllegalArgumentException e) {
        throw s.invalid(name, "is not valid base64 (standard alphabet, '=' padding allowed)");
      }
    }
    if (key.length == 0 || key.length > MAX_KEY) {
      throw s.invalid(name, "HMAC key is " + key.length + " bytes, must be 1.." + MAX_KEY);
    }
    if (secret != null && java.security.MessageDigest.isEqual(key, secret.getBytes(StandardCharsets.UTF_8))) {
      throw s.invalid(name, "HMAC key must differ from the GnuPG passphrase");
    }
    DigestType type = DigestType.SHA256;
    if (s.has(HMAC_DIGEST_TYPE)) {
      String t = s.get(HMAC_DIGEST_TYPE).orElseThrow();
      type = DigestType.parse(t).orElseThrow(() -> s.invalid(HMAC_DIGEST_TYPE,
          "unknown digest '" + t + "' (one of " + DigestType.names() + ")"));
    }
    try {
      return new GpgHmac(type, key);
    } catch (GeneralSecurityException e) {
      throw s.invalid(HMAC_DIGEST_TYPE, "this JDK cannot do HMAC-" + type.fwknopName() + ": " + e.getMessage());
    }
  }

  /** Characters of the MAC at the end of the wire text. */
  int b64Length() {
    return type.b64Length();
  }

  /** The unpadded base64 MAC of {@code text}. */
  String mac(byte[] text) {
    return Base64s.encode(macs.get().doFinal(text));
  }

  /** Whether {@code mac[off, off+b64Length())} is the MAC of {@code text}, compared in constant time. */
  boolean verify(byte[] text, byte[] mac, int off) {
    byte[] expected = mac(text).getBytes(StandardCharsets.US_ASCII);
    return expected.length == b64Length() && Digests.constantTimeEquals(expected, 0, mac, off, expected.length);
  }

  @Override
  public String toString() {
    return "HMAC-" + type.fwknopName();
  }
}
