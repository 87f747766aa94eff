package spa.distribution.e2e;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/** A fresh Rijndael key (32 bytes) and HMAC key (64 bytes), base64, as both clients and access.conf take them. */
record Keys(String key, String hmacKey) {
  private static final SecureRandom RANDOM = new SecureRandom();

  static Keys random() {
    return new Keys(b64(32), b64(64));
  }

  List<String> clientArgs() {
    return List.of("--use-hmac", "--key-base64-rijndael", key, "--key-base64-hmac", hmacKey);
  }

  String stanzaLines() {
    return "KEY_BASE64 " + key + "\nHMAC_KEY_BASE64 " + hmacKey + "\n";
  }

  private static String b64(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }
}
