package spa.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import spa.core.DigestType;

class KeyGenTest {
  private final KeyGen gen = new KeyGen(new SecureRandom());

  @Test
  void defaultHmacLengthsMatchFwknop() {
    assertEquals(16, KeyGen.defaultHmacKeyLength(DigestType.MD5));
    assertEquals(20, KeyGen.defaultHmacKeyLength(DigestType.SHA1));
    assertEquals(64, KeyGen.defaultHmacKeyLength(DigestType.SHA256));
    assertEquals(128, KeyGen.defaultHmacKeyLength(DigestType.SHA384));
    assertEquals(128, KeyGen.defaultHmacKeyLength(DigestType.SHA512));
    // fwknop 2.6.10 fails here; spa uses the block size capped at 128
    assertEquals(128, KeyGen.defaultHmacKeyLength(DigestType.SHA3_256));
    assertEquals(72, KeyGen.defaultHmacKeyLength(DigestType.SHA3_512));
  }

  @Test
  void linesArePaddedBase64OfTheRequestedSizes() {
    KeyGen.Keys k = gen.generate(32, 64);
    String[] lines = k.toLines().split("\n");
    assertEquals(2, lines.length);
    assertTrue(lines[0].startsWith("KEY_BASE64: "));
    assertTrue(lines[1].startsWith("HMAC_KEY_BASE64: "));
    String key = lines[0].substring("KEY_BASE64: ".length());
    String hmac = lines[1].substring("HMAC_KEY_BASE64: ".length());
    assertEquals(44, key.length());
    assertTrue(key.endsWith("="));
    assertEquals(88, hmac.length());
    assertEquals(32, Base64.getDecoder().decode(key).length);
    assertEquals(64, Base64.getDecoder().decode(hmac).length);
    assertEquals(24, gen.generate(1, 16).hmacKeyBase64().length());
    assertEquals(28, gen.generate(1, 20).hmacKeyBase64().length());
    assertNotEquals(gen.generate(32, 64), gen.generate(32, 64));
  }

  @Test
  void lengthsOutsideTheLimitsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> gen.generate(33, 64));
    assertThrows(IllegalArgumentException.class, () -> gen.generate(0, 64));
    assertThrows(IllegalArgumentException.class, () -> gen.generate(32, 129));
    assertEquals(128, gen.generate(32, 128).hmacKey().length);
  }
}
