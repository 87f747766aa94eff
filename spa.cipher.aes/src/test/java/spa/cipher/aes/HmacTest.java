package spa.cipher.aes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import spa.core.DigestType;

/** The precomputed-pad HMAC gives what the JDK's {@code Mac} gives, for every type and key length class. */
class HmacTest {

  static List<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (DigestType t : DigestType.values()) {
      int b = t.blockSize();
      for (int keyLen : new int[] {1, 32, b - 1, b, b + 1, 2 * b + 5}) {
        out.add(Arguments.of(t, keyLen));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0} key of {1} bytes")
  @MethodSource("cases")
  void equalsTheJdkMacOnMessagesOfEveryLengthAcrossBlocks(DigestType type, int keyLen) throws Exception {
    Random r = new Random(type.ordinal() * 1000L + keyLen);
    byte[] key = new byte[keyLen];
    r.nextBytes(key);
    Mac jdk = Mac.getInstance(type.jcaHmac());
    jdk.init(new SecretKeySpec(key, type.jcaHmac()));
    Hmac h = new Hmac(type, key);
    assertEquals(jdk.getMacLength(), h.length());
    byte[] buf = new byte[3 * type.blockSize() + 7];
    r.nextBytes(buf);
    byte[] out = new byte[h.length()];
    for (int len = 0; len <= buf.length - 3; len += 13) {
      jdk.update(buf, 3, len);
      byte[] want = jdk.doFinal();
      h.mac(buf, 3, len, out);
      assertArrayEquals(want, out, "message of " + len + " bytes");
      // the saved pad states are not disturbed by a MAC: the same message again gives the same MAC
      h.mac(buf, 3, len, out);
      assertArrayEquals(want, out, "again, message of " + len + " bytes");
    }
  }
}
