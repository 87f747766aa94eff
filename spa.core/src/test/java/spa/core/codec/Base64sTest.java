package spa.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import spa.core.DigestType;

/** The buffer forms of {@link Base64s} against java.util.Base64 and against the String forms, on random input. */
class Base64sTest {
  private static final Base64.Encoder JDK = Base64.getEncoder().withoutPadding();
  private static final String CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  @Test
  void encodeIntoBufferMatchesTheJdk() {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 3000; i++) {
      byte[] data = new byte[r.nextInt(200)];
      r.nextBytes(data);
      int off = r.nextInt(5);
      byte[] src = new byte[off + data.length + 3];
      System.arraycopy(data, 0, src, off, data.length);
      byte[] dst = new byte[Base64s.encodedLength(data.length) + 7];
      int n = Base64s.encode(src, off, data.length, dst, 7);
      String jdk = JDK.encodeToString(data);
      assertEquals(jdk.length(), n);
      assertEquals(jdk, new String(dst, 7, n, StandardCharsets.US_ASCII));
      assertEquals(jdk, Base64s.encode(data));
    }
  }

  @Test
  void decodeIntoBufferRoundTripsEveryLengthAndMatchesTheJdk() {
    SplittableRandom r = new SplittableRandom(2);
    for (int i = 0; i < 3000; i++) {
      byte[] data = new byte[r.nextInt(200)];
      r.nextBytes(data);
      byte[] text = JDK.encode(data);
      byte[] dst = new byte[data.length + 2];
      int n = Base64s.decode(text, 0, text.length, dst, 2);
      assertEquals(data.length, n);
      assertArrayEquals(data, Arrays.copyOfRange(dst, 2, 2 + n));
      assertTrue(Base64s.isCanonical(text, 0, text.length));
      // padded text decodes the same, as the decoder stops at '='
      byte[] padded = Base64.getEncoder().encode(data);
      assertEquals(data.length, Base64s.decode(padded, 0, padded.length, dst, 0));
      assertArrayEquals(data, Arrays.copyOf(dst, data.length));
    }
  }

  @Test
  void decodeAgreesWithTheStringFormAndTheReferenceOnAnyText() {
    SplittableRandom r = new SplittableRandom(3);
    String alphabet = CHARS + "=-_ .:\u00e9";
    for (int i = 0; i < 20_000; i++) {
      int len = r.nextInt(60);
      StringBuilder sb = new StringBuilder(len);
      for (int k = 0; k < len; k++) {
        sb.append(r.nextInt(8) == 0 ? alphabet.charAt(r.nextInt(alphabet.length())) : CHARS.charAt(r.nextInt(64)));
      }
      String s = sb.toString();
      String reference = ReferenceDecoder.decodeText(s);
      String viaString = Base64s.decodeText(s);
      assertEquals(reference, viaString, s);
      byte[] src = s.getBytes(StandardCharsets.ISO_8859_1);
      byte[] dst = new byte[len * 3 / 4];
      int n = Base64s.decode(src, 0, src.length, dst, 0);
      assertEquals(reference, n < 0 ? null : new String(dst, 0, n, StandardCharsets.ISO_8859_1), s);
    }
  }

  @Test
  void canonicalMeansReEncodingGivesTheSameText() {
    SplittableRandom r = new SplittableRandom(4);
    int canonical = 0;
    for (int i = 0; i < 5000; i++) {
      int len = r.nextInt(30);
      byte[] text = new byte[len];
      for (int k = 0; k < len; k++) {
        text[k] = (byte) CHARS.charAt(r.nextInt(64));
      }
      String s = new String(text, StandardCharsets.US_ASCII);
      boolean expected = Base64s.encode(Base64s.decode(s)).equals(s);
      assertEquals(expected, Base64s.isCanonical(text, 0, len), s);
      canonical += expected ? 1 : 0;
    }
    assertTrue(canonical > 1000 && canonical < 4000, canonical + " canonical");
  }

  @Test
  void isBase64OnBytesMatchesTheCharacterRule() {
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[1 + r.nextInt(40)];
      for (int k = 0; k < b.length; k++) {
        b[k] = r.nextInt(4) == 0 ? (byte) r.nextInt(256) : r.nextInt(5) == 0 ? (byte) '=' : (byte) CHARS.charAt(r.nextInt(64));
      }
      boolean expected = true;
      boolean alphabet = true;
      for (byte x : b) {
        expected &= x == '=' || CHARS.indexOf((char) (x & 0xff)) >= 0;
        alphabet &= CHARS.indexOf((char) (x & 0xff)) >= 0;
      }
      assertEquals(expected, Base64s.isBase64(b, 0, b.length));
      assertEquals(alphabet, Base64s.isAlphabet(b, 0, b.length));
      assertEquals(expected, Base64s.isBase64(new String(b, StandardCharsets.ISO_8859_1)));
    }
    byte[] mixed = "AB=CD".getBytes(StandardCharsets.US_ASCII); // 'B' is odd: its OR with '=' needs the slow path
    assertTrue(Base64s.isBase64(mixed, 0, mixed.length));
    assertFalse(Base64s.isBase64(new byte[] {'A', (byte) 0xff}, 0, 2));
  }

  @Test
  void lenientDecodingRules() {
    byte[] dst = new byte[8];
    assertEquals(2, Base64s.decode("YWI=junk".getBytes(StandardCharsets.US_ASCII), 0, 8, dst, 0));
    assertEquals(-1, Base64s.decode("YW-I".getBytes(StandardCharsets.US_ASCII), 0, 4, dst, 0));
    assertEquals(0, Base64s.decode("Y".getBytes(StandardCharsets.US_ASCII), 0, 1, dst, 0));
    assertNull(Base64s.decode("YW\u0100I"));
  }

  @Test
  void threadDigestsMatchFreshOnes() throws Exception {
    SplittableRandom r = new SplittableRandom(6);
    byte[] out = new byte[Digests.MAX_LENGTH + 3];
    for (int i = 0; i < 200; i++) {
      DigestType t = DigestType.values()[i % DigestType.values().length];
      byte[] in = new byte[r.nextInt(300)];
      r.nextBytes(in);
      int n = Digests.digest(t, in, 0, in.length, out, 3);
      assertArrayEquals(java.security.MessageDigest.getInstance(t.jcaDigest()).digest(in), Arrays.copyOfRange(out, 3, 3 + n));
    }
    assertEquals(ReferenceDecoder.b64Digest(DigestType.SHA3_512, "abc"), Digests.b64Digest(DigestType.SHA3_512, "abc"));
    assertTrue(Digests.constantTimeEquals(new byte[] {9, 1, 2}, 1, new byte[] {1, 2}, 0, 2));
    assertFalse(Digests.constantTimeEquals(new byte[] {9, 1, 2}, 1, new byte[] {1, 3}, 0, 2));
  }
}
