package spa.cipher.aes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.cipher.aes.Fixtures.decryptor;
import static spa.cipher.aes.Fixtures.encryptor;
import static spa.cipher.aes.Fixtures.settings;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import spa.core.DigestType;
import spa.core.EncryptionMode;
import spa.core.MessageType;
import spa.core.Settings;
import spa.core.SpaException;
import spa.core.codec.SpaCodec;
import spa.core.spi.Decryptor;

/** Whatever arrives, decryption ends in the plaintext or in a SpaException of kind AUTH, never another exception. */
class NegativeTest {
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  private static final Settings HMAC = settings("KEY", "fwknoptest", "HMAC_KEY", "hmactest");
  private static final Settings NO_HMAC = settings("KEY", "fwknoptest");

  private static final String FIXED =
      "1234567890123456:YWxpY2U:1700000000:3.0.0:1:MTkyLjE2OC4xMC41LHRjcC8yMg:3RH36gCtL9yMkq1KLrmpwUtZQ1aXjrDHJcjFAGXdbRA";

  static String plain() throws Exception {
    return RoundTripTest.plaintext(MessageType.ACCESS, DigestType.SHA256);
  }

  static SpaException refused(Settings stanza, String wire) throws Exception {
    Decryptor.Keyed dec = decryptor(stanza);
    SpaException e = assertThrows(SpaException.class, () -> dec.decrypt(wire));
    assertEquals(SpaException.Kind.AUTH, e.kind(), e.getMessage());
    return e;
  }

  /**
   * Refused by the cipher or, without an HMAC, by the message codec: CBC cut at a block boundary
   * decrypts to a prefix of the plaintext, which only the digest inside can tell from a whole one.
   */
  static void refusedOrUndecodable(Settings stanza, String wire) throws Exception {
    Decryptor.Keyed dec = decryptor(stanza);
    SpaException e = assertThrows(SpaException.class, () -> SpaCodec.decode(dec.decrypt(wire)));
    if (stanza.has("HMAC_KEY")) {
      assertEquals(SpaException.Kind.AUTH, e.kind(), e.getMessage());
    }
  }

  static String flip(String s, int i) {
    char c = s.charAt(i);
    return s.substring(0, i) + ALPHABET.charAt((ALPHABET.indexOf(c) + 1) % 64) + s.substring(i + 1);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void truncatedPacketsAreRefused(boolean hmac) throws Exception {
    Settings s = hmac ? HMAC : NO_HMAC;
    String wire = encryptor(s).encrypt(plain());
    for (int len = 0; len < wire.length(); len++) {
      refusedOrUndecodable(s, wire.substring(0, len));
    }
    for (int cut = 1; cut < wire.length(); cut += 7) {
      refused(s, wire.substring(cut));
    }
  }

  @Test
  void everySingleCharacterChangeFailsTheHmac() throws Exception {
    String wire = encryptor(HMAC).encrypt(plain());
    for (int i = 0; i < wire.length(); i++) {
      SpaException e = refused(HMAC, flip(wire, i));
      assertTrue(e.reason().contains("HMAC"), i + ": " + e.reason());
    }
  }

  @Test
  void bitFlippedCiphertextWithoutHmacIsRefused() throws Exception {
    String wire = encryptor(NO_HMAC).encrypt(plain());
    Decryptor.Keyed dec = decryptor(NO_HMAC);
    int auth = 0;
    for (int i = 0; i < wire.length(); i++) {
      String bad = flip(wire, i);
      // Without an HMAC only the plaintext checks and the digest inside stand guard; between them, all is caught.
      SpaException e = assertThrows(SpaException.class, () -> SpaCodec.decode(dec.decrypt(bad)), "flip at " + i);
      auth += e.kind() == SpaException.Kind.AUTH ? 1 : 0;
    }
    // A flip in the first 11 characters changes the salt and so the key; most others garble a whole block.
    assertTrue(auth > wire.length() / 2, auth + " of " + wire.length());
  }

  @Test
  void overLongPacketsAreRefused() throws Exception {
    String wire = encryptor(HMAC).encrypt(plain());
    refused(HMAC, wire + wire);
    refused(NO_HMAC, wire.repeat(10));
    SpaException gpg = refused(NO_HMAC, "8" + "A".repeat(420));
    assertTrue(gpg.reason().contains("GPG-sized"), gpg.reason());
    // fwknopd's prefilter drops these; the codec's own admission (the same WireForm check) agrees
    SpaException hq = refused(HMAC, "hQ" + "A".repeat(420));
    assertTrue(hq.reason().contains("hQ prefix"), hq.reason());
    assertTrue(refused(HMAC, "U2FsdGVkX1" + "A".repeat(200)).reason().contains("replay variant"));
    assertTrue(refused(HMAC, "A".repeat(200) + "=").reason().contains("'='"));
    assertTrue(refused(HMAC, "A".repeat(200) + "!").reason().contains("outside base64"));
    // A 1500+ character string is refused before any work.
    assertTrue(refused(HMAC, "8".repeat(1500)).reason().contains("limit 1499"));
  }


  /**
   * The MAC is checked before the wire form, but a body that breaks the wire form is refused even with a MAC that
   * fits (made with the stanza's key), on the packet path and with the wire form's reason on the string path.
   */
  @ParameterizedTest
  @ValueSource(strings = {"=", "!", "U2FsdGVkX1"})
  void fittingMacOverABadWireFormIsRefused(String bad) throws Exception {
    String wire = encryptor(HMAC).encrypt(plain());
    String body = wire.substring(0, wire.length() - DigestType.SHA256.b64Length());
    body = bad.length() > 1 ? bad + body.substring(bad.length()) : body.substring(0, 50) + bad + body.substring(51);
    byte[] mac = new Hmac(DigestType.SHA256, "hmactest".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
        .mac((RijndaelCodec.PREFIX + body).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    String forged = body + spa.core.codec.Base64s.encode(mac);
    byte[] bytes = forged.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertEquals(null, decryptor(HMAC).decrypt(bytes, 0, bytes.length));
    String reason = refused(HMAC, forged).reason();
    assertTrue(reason.contains(bad.equals("=") ? "'='" : bad.equals("!") ? "outside base64" : "replay variant"), reason);
  }
  @Test
  void gpgSizedCiphertextIsRefusedEvenWithAValidHmac() throws Exception {
    // Build a correct HMAC over a 400-character ciphertext: the MAC passes, the size does not.
    String ct = "8" + "A".repeat(389); // 10 + 390 = 400 with the prefix
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec("hmactest".getBytes(), "HmacSHA256"));
    String tag = spa.core.codec.Base64s.encode(mac.doFinal((RijndaelCodec.PREFIX + ct).getBytes()));
    SpaException e = refused(HMAC, ct + tag);
    assertTrue(e.reason().contains("GPG-sized"), e.reason());
  }

  @ParameterizedTest
  @ValueSource(strings = {"!", " ", "\n", "-", "_", "é", "\u0000", "\u2603", "="})
  void charactersOutsideBase64AreRefused(String bad) throws Exception {
    String wire = encryptor(HMAC).encrypt(plain());
    refused(HMAC, wire.substring(0, 50) + bad + wire.substring(51));
    refused(HMAC, wire + bad);
    String wire2 = encryptor(NO_HMAC).encrypt(plain());
    refused(NO_HMAC, wire2.substring(0, 50) + bad + wire2.substring(51));
    refused(NO_HMAC, wire2 + bad);
  }

  @Test
  void replayVariantsThatDecodeToTheSameBytesAreRefused() throws Exception {
    String wire = encryptor(NO_HMAC).encrypt(plain());
    refused(NO_HMAC, RijndaelCodec.PREFIX + wire); // prefixed replay
    refused(NO_HMAC, wire + "=");
    refused(NO_HMAC, wire + "A"); // a lone trailing character carries no byte
    String wireH = encryptor(HMAC).encrypt(plain());
    refused(HMAC, RijndaelCodec.PREFIX + wireH);
  }

  @Test
  void nullAndEmptyAreRefused() throws Exception {
    refused(HMAC, null);
    refused(HMAC, "");
    refused(NO_HMAC, null);
    refused(NO_HMAC, "");
    refused(NO_HMAC, "A");
  }

  @Test
  void wrongKeyIsRefused() throws Exception {
    String wire = encryptor(NO_HMAC).encrypt(plain());
    SpaException e = refused(settings("KEY", "fwknoptesT"), wire);
    assertEquals("decryption failed: wrong key?", e.reason());
    // With an HMAC the wrong encryption key only shows after the MAC passes.
    String wireH = encryptor(HMAC).encrypt(plain());
    assertEquals("decryption failed: wrong key?",
        refused(settings("KEY", "other", "HMAC_KEY", "hmactest"), wireH).reason());
  }

  @Test
  void wrongHmacKeyIsRefused() throws Exception {
    String wire = encryptor(HMAC).encrypt(plain());
    SpaException e = refused(settings("KEY", "fwknoptest", "HMAC_KEY", "hmactesT"), wire);
    assertTrue(e.reason().startsWith("HMAC mismatch"), e.reason());
  }

  @ParameterizedTest
  @EnumSource(DigestType.class)
  void wrongHmacTypeIsRefused(DigestType sent) throws Exception {
    Settings client = settings("KEY", "fwknoptest", "HMAC_KEY", "hmactest", "HMAC_DIGEST_TYPE", sent.fwknopName());
    String wire = encryptor(client).encrypt(plain());
    for (DigestType configured : DigestType.values()) {
      Settings stanza = settings("KEY", "fwknoptest", "HMAC_KEY", "hmactest", "HMAC_DIGEST_TYPE", configured.fwknopName());
      if (configured == sent) {
        assertEquals(plain().length(), decryptor(stanza).decrypt(wire).length());
      } else {
        refused(stanza, wire);
      }
    }
    refused(NO_HMAC, wire); // a stanza without HMAC tries the whole string
  }

  @Test
  void noHmacPacketIsRefusedByAnHmacStanza() throws Exception {
    refused(HMAC, encryptor(NO_HMAC).encrypt(plain()));
  }

  @ParameterizedTest
  @EnumSource(value = EncryptionMode.class, names = {"ECB", "CBC", "CFB", "OFB", "CTR", "LEGACY"})
  void wrongModeIsRefused(EncryptionMode sent) throws Exception {
    for (boolean hmac : new boolean[] {false, true}) {
      if (hmac && sent == EncryptionMode.LEGACY) {
        continue;
      }
      Settings client = settings("KEY", "fwknoptest", "ENCRYPTION_MODE", sent.name(), "HMAC_KEY", hmac ? "h" : null);
      // CFB, OFB and CTR share their first block, so the check on the text rests on later blocks: fixed inputs.
      String wire = encryptor(client, Fixtures.hex("0123456789abcdef")).encrypt(FIXED);
      for (EncryptionMode configured : EncryptionMode.values()) {
        if (configured == EncryptionMode.ASYMMETRIC || (hmac && configured == EncryptionMode.LEGACY)) {
          continue;
        }
        Settings stanza = settings("KEY", "fwknoptest", "ENCRYPTION_MODE", configured.name(), "HMAC_KEY", hmac ? "h" : null);
        if (configured == sent) {
          assertEquals(FIXED, decryptor(stanza).decrypt(wire));
        } else {
          assertEquals("decryption failed: wrong key?", refused(stanza, wire).reason(), sent + " as " + configured);
        }
      }
    }
  }

  @Test
  void randomBase64GarbageIsRefused() throws Exception {
    Random r = new Random(42);
    for (int i = 0; i < 1500; i++) {
      int len = r.nextInt(600);
      StringBuilder sb = new StringBuilder(len);
      for (int j = 0; j < len; j++) {
        sb.append(ALPHABET.charAt(r.nextInt(64)));
      }
      refused(i % 2 == 0 ? HMAC : NO_HMAC, sb.toString());
    }
  }

  @Test
  void wellFormedContainersWithGarbageInsideAreRefused() throws Exception {
    // Correct header and block count, random ciphertext: only the plaintext checks stand in the way.
    Random r = new Random(7);
    for (int i = 0; i < 500; i++) {
      byte[] c = new byte[16 + 16 * (3 + r.nextInt(10))];
      r.nextBytes(c);
      System.arraycopy("Salted__".getBytes(), 0, c, 0, 8);
      String wire = spa.core.codec.Base64s.encode(c).substring(10);
      refused(NO_HMAC, wire);
    }
  }

  @Test
  void encryptRefusesWhatItCannotSendWithSpaExceptionsOnly() throws Exception {
    for (String bad : new String[] {null, "1234567890123456:caf\u00e9", "1234567890123456:\u2603", "1".repeat(300)}) {
      SpaException e = assertThrows(SpaException.class, () -> encryptor(HMAC).encrypt(bad));
      assertEquals(SpaException.Kind.ENCODE, e.kind());
    }
    SpaException e = assertThrows(SpaException.class, () -> encryptor(HMAC, new byte[7]).encrypt(plain()));
    assertEquals(SpaException.Kind.ENCODE, e.kind());
  }

  @Test
  void unpaddingIsLenient() {
    assertEquals(15, RijndaelCodec.unpaddedLength(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 1}));
    assertEquals(16, RijndaelCodec.unpaddedLength(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0}));
    assertEquals(16, RijndaelCodec.unpaddedLength(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17}));
    assertEquals(16, RijndaelCodec.unpaddedLength(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 3, 3}));
    byte[] full = new byte[32];
    java.util.Arrays.fill(full, 16, 32, (byte) 16);
    assertEquals(16, RijndaelCodec.unpaddedLength(full));
    assertEquals(0, RijndaelCodec.unpaddedLength(new byte[0]));
  }
}
