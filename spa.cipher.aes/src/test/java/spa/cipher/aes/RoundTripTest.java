package spa.cipher.aes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.cipher.aes.Fixtures.decryptor;
import static spa.cipher.aes.Fixtures.encryptor;
import static spa.cipher.aes.Fixtures.settings;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import spa.core.DigestType;
import spa.core.EncryptionMode;
import spa.core.MessageType;
import spa.core.Settings;
import spa.core.SpaMessage;
import spa.core.codec.Base64s;
import spa.core.codec.SpaCodec;
import spa.core.spi.Decryptor;
import spa.core.spi.Encryptor;

/** Every mode, HMAC type and key form encrypts and decrypts back to the same plaintext. */
class RoundTripTest {

  /** How the Rijndael key is written. */
  enum KeyForm {
    RAW("KEY", "correct horse"),
    BASE64("KEY_BASE64", Base64.getEncoder().encodeToString(new byte[] {0, 1, 2, (byte) 0xff, 0, 'k', (byte) 0x80})),
    FULL_32_BYTES("KEY_BASE64", Base64.getEncoder().encodeToString(bytes(32, 7))),
    EMPTY("KEY", "");

    final String name;
    final String value;

    KeyForm(String name, String value) {
      this.name = name;
      this.value = value;
    }
  }

  static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (seed * 31 + i * 17);
    }
    return b;
  }

  static Settings keys(EncryptionMode mode, DigestType hmac, KeyForm form) {
    return settings(form.name, form.value, "ENCRYPTION_MODE", mode.name().toLowerCase(java.util.Locale.ROOT),
        "HMAC_KEY_BASE64", hmac == null ? null : Base64.getEncoder().encodeToString(bytes(hmac.blockSize() / 2 + 3, 3)),
        "HMAC_DIGEST_TYPE", hmac == null ? null : hmac.fwknopName());
  }

  static List<Arguments> matrix() {
    List<Arguments> out = new ArrayList<>();
    for (KeyForm form : KeyForm.values()) {
      for (EncryptionMode mode : EncryptionMode.values()) {
        if (mode == EncryptionMode.ASYMMETRIC) {
          continue;
        }
        out.add(Arguments.of(mode, null, form));
        if (mode != EncryptionMode.LEGACY) {
          for (DigestType t : DigestType.values()) {
            out.add(Arguments.of(mode, t, form));
          }
        }
      }
    }
    return out;
  }

  static String plaintext(MessageType type, DigestType digest) throws Exception {
    SpaMessage.Builder b = SpaMessage.builder().random(SpaCodec.randomValue()).user("alice").timestamp(1_700_000_000L)
        .type(type).digestType(digest).clientTimeout(type.hasClientTimeout() ? 30 : 0);
    if (type.isCommand()) {
      b.message("10.1.2.3,touch /tmp/x");
    } else {
      b.access("10.1.2.3", "tcp/22,udp/53");
    }
    if (type.hasNat()) {
      b.natAccess("192.168.1.2,2222");
    }
    return SpaCodec.encode(b.build());
  }

  @ParameterizedTest(name = "{0} hmac={1} key={2}")
  @MethodSource("matrix")
  void roundTrips(EncryptionMode mode, DigestType hmac, KeyForm form) throws Exception {
    Settings s = keys(mode, hmac, form);
    Encryptor.Keyed enc = encryptor(s);
    Decryptor.Keyed dec = decryptor(s);
    String plain = plaintext(MessageType.ACCESS, DigestType.SHA256);
    String wire = enc.encrypt(plain);
    assertEquals(plain, dec.decrypt(wire));

    int macLen = hmac == null ? 0 : hmac.b64Length();
    String ct = RijndaelCodec.PREFIX + wire.substring(0, wire.length() - macLen);
    byte[] container = Base64s.decode(ct);
    assertEquals(0, container.length % 16, "PKCS#7 in every mode keeps whole blocks");
    assertEquals(16 + (plain.length() / 16 + 1) * 16, container.length);
    assertTrue(Base64s.isBase64(wire) && wire.indexOf('=') < 0);
    assertNotEquals(wire, enc.encrypt(plain), "a fresh salt per packet");
  }

  @Test
  void everyMessageTypeAndDigestRoundTrips() throws Exception {
    Settings s = keys(EncryptionMode.CBC, DigestType.SHA256, KeyForm.RAW);
    for (MessageType type : MessageType.values()) {
      for (DigestType d : DigestType.values()) {
        String plain = plaintext(type, d);
        assertEquals(plain, decryptor(s).decrypt(encryptor(s).encrypt(plain)), type + " " + d);
      }
    }
  }

  @Test
  void longestRijndaelPlaintextStillFitsAndOneMoreCharacterIsRefused() throws Exception {
    Settings s = keys(EncryptionMode.CBC, DigestType.SHA512, KeyForm.RAW);
    String base = "1234567890123456:";
    String longest = base + "A".repeat(271 - base.length());
    String wire = encryptor(s).encrypt(longest);
    assertEquals(longest, decryptor(s).decrypt(wire));
    assertEquals(384 - 10 + DigestType.SHA512.b64Length(), wire.length());
    spa.core.SpaException e = org.junit.jupiter.api.Assertions.assertThrows(spa.core.SpaException.class,
        () -> encryptor(s).encrypt(longest + "A"));
    assertEquals(spa.core.SpaException.Kind.ENCODE, e.kind());
  }

  @Test
  void legacyModeUsesTheFirstSixteenBytesPaddedWithZeros() throws Exception {
    String plain = plaintext(MessageType.ACCESS, DigestType.SHA256);
    // "abc" is stretched to "abc0000000000000", which CBC with that passphrase also decrypts.
    String wire = encryptor(settings("KEY", "abc", "ENCRYPTION_MODE", "legacy")).encrypt(plain);
    assertEquals(plain, decryptor(settings("KEY", "abc0000000000000", "ENCRYPTION_MODE", "CBC")).decrypt(wire));
    // A longer key is cut to 16 bytes on both sides.
    String wire2 = encryptor(settings("KEY", "12345678901234567890", "ENCRYPTION_MODE", "LEGACY")).encrypt(plain);
    assertEquals(plain, decryptor(settings("KEY", "1234567890123456", "ENCRYPTION_MODE", "CBC")).decrypt(wire2));
    assertEquals(plain, decryptor(settings("KEY", "1234567890123456XYZ", "ENCRYPTION_MODE", "Legacy")).decrypt(wire2));
  }

  @Test
  void rawAndBase64FormsOfTheSameKeysAreInterchangeable() throws Exception {
    String plain = plaintext(MessageType.NAT_ACCESS, DigestType.SHA384);
    Settings raw = settings("KEY", "s3cret passphrase", "HMAC_KEY", "mac key", "HMAC_DIGEST_TYPE", "SHA384");
    Settings b64 = settings("KEY_BASE64", Base64.getEncoder().encodeToString("s3cret passphrase".getBytes()),
        "HMAC_KEY_BASE64", Base64.getEncoder().encodeToString("mac key".getBytes()), "HMAC_DIGEST_TYPE", "sha384");
    assertEquals(plain, decryptor(b64).decrypt(encryptor(raw).encrypt(plain)));
    assertEquals(plain, decryptor(raw).decrypt(encryptor(b64).encrypt(plain)));
  }

  @Test
  void oneKeyedDecryptorServesSeveralThreads() throws Exception {
    Settings s = keys(EncryptionMode.CTR, DigestType.SHA3_512, KeyForm.RAW);
    Encryptor.Keyed enc = encryptor(s);
    Decryptor.Keyed dec = decryptor(s);
    List<String> plains = new ArrayList<>();
    List<String> wires = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String p = plaintext(MessageType.ACCESS, DigestType.SHA256);
      plains.add(p);
      wires.add(enc.encrypt(p));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (String w : wires) {
        results.add(pool.submit(() -> dec.decrypt(w)));
      }
      for (int i = 0; i < wires.size(); i++) {
        assertEquals(plains.get(i), results.get(i).get());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
