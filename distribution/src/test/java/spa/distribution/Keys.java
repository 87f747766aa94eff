package spa.distribution;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One encryption key and one HMAC key, made fresh for each test run: either base64 of random bytes
 * ({@code KEY_BASE64}) or a random passphrase ({@code KEY}).
 */
record Keys(String key, String hmacKey, boolean base64) {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0123456789";

  /** A 32-byte Rijndael key and a 64-byte HMAC key, base64. */
  static Keys randomBase64() {
    return new Keys(b64(32), b64(64), true);
  }

  /** A 16-character passphrase and a 24-character HMAC passphrase. */
  static Keys randomPassphrases() {
    return new Keys(text(16), text(24), false);
  }

  /** The client options fwknop and spa both take. */
  List<String> clientArgs() {
    return base64
        ? List.of("--key-base64-rijndael", key, "--key-base64-hmac", hmacKey)
        : List.of("--key-rijndael", key, "--key-hmac", hmacKey);
  }

  /** The access.conf variables (and the keys of a server-side stanza). */
  Map<String, String> stanzaVariables() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(base64 ? "KEY_BASE64" : "KEY", key);
    m.put(base64 ? "HMAC_KEY_BASE64" : "HMAC_KEY", hmacKey);
    return m;
  }

  private static String b64(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  private static String text(int chars) {
    StringBuilder sb = new StringBuilder(chars);
    for (int i = 0; i < chars; i++) {
      sb.append(ALNUM.charAt(RANDOM.nextInt(ALNUM.length())));
    }
    return sb.toString();
  }
}
