package spa.cipher.aes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static spa.cipher.aes.Fixtures.encryptor;
import static spa.cipher.aes.Fixtures.hex;
import static spa.cipher.aes.Fixtures.run;
import static spa.cipher.aes.Fixtures.settings;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import spa.core.DigestType;
import spa.test.support.Required;
import spa.core.EncryptionMode;
import spa.core.MessageType;
import spa.core.codec.Base64s;

/**
 * fwknop's own test suite checks its packets with {@code openssl enc} and {@code openssl dgst -hmac};
 * so does this one, independently of the code under test.
 */
class OpensslCrossCheckTest {
  private static String openssl;

  @BeforeAll
  static void findOpenssl() {
    openssl = Required.programs("openssl").toString();
  }

  static Fixtures.Run openssl(byte[] stdin, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(openssl));
    argv.addAll(List.of(args));
    Fixtures.Run r = run(argv, stdin, null);
    assertEquals(0, r.exit(), String.join(" ", argv) + ": " + r.stderr());
    return r;
  }

  /** Key and IV as {@code openssl enc -P} derives them (EVP_BytesToKey, MD5, one round). */
  static byte[] opensslKeyIv(String pass, byte[] salt) throws Exception {
    String out = openssl(null, "enc", "-aes-256-cbc", "-md", "md5", "-S", HexFormat.of().formatHex(salt),
        "-pass", "pass:" + pass, "-P").out();
    String key = null;
    String iv = null;
    for (String line : out.split("\n")) {
      String[] kv = line.split("=", 2);
      if (kv.length == 2 && kv[0].trim().equals("key")) {
        key = kv[1].trim();
      } else if (kv.length == 2 && kv[0].trim().equals("iv")) {
        iv = kv[1].trim();
      }
    }
    return hex(key + iv);
  }

  static String withPadding(String b64) {
    return b64 + "=".repeat((4 - b64.length() % 4) % 4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"fwknoptest", "", "k", "0123456789abcdef0123456789abcdef", "with spaces and :;#"})
  void keyDerivationMatchesOpensslEncP(String pass) throws Exception {
    for (String salt : List.of("0102030405060708", "0000000000000000", "ffffffffffffffff")) {
      byte[] expected = opensslKeyIv(pass, hex(salt));
      byte[] got = RijndaelCodec.deriveKeyIv(MessageDigest.getInstance("MD5"),
          pass.getBytes(StandardCharsets.UTF_8), hex(salt));
      assertArrayEquals(expected, got, "pass '" + pass + "' salt " + salt);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"fwknoptest", "", "0123456789abcdef0123456789abcdef"})
  void cbcPacketsDecryptWithOpensslEncAsFwknopsSuiteDoes(String pass) throws Exception {
    String plain = RoundTripTest.plaintext(MessageType.CLIENT_TIMEOUT_NAT_ACCESS, DigestType.SHA512);
    String wire = encryptor(settings("KEY", pass, "HMAC_KEY", "hmactest")).encrypt(plain);
    String ct = RijndaelCodec.PREFIX + wire.substring(0, wire.length() - DigestType.SHA256.b64Length());
    Fixtures.Run r = openssl(withPadding(ct).getBytes(StandardCharsets.US_ASCII),
        "enc", "-d", "-a", "-A", "-aes-256-cbc", "-md", "md5", "-pass", "pass:" + pass);
    assertEquals(plain, r.out());
  }

  @ParameterizedTest
  @EnumSource(value = EncryptionMode.class, names = {"ECB", "CBC", "CFB", "OFB", "CTR", "LEGACY"})
  void everyModeMatchesOpensslWithTheDerivedKey(EncryptionMode mode, @TempDir Path dir) throws Exception {
    String pass = "abc";
    String plain = RoundTripTest.plaintext(MessageType.ACCESS, DigestType.SHA256);
    byte[] salt = hex("a1a2a3a4a5a6a7a8");
    String wire = encryptor(settings("KEY", pass, "ENCRYPTION_MODE", mode.name()), salt).encrypt(plain);
    byte[] container = Base64s.decode(RijndaelCodec.PREFIX + wire);
    assertArrayEquals("Salted__".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(container, 8));
    assertArrayEquals(salt, Arrays.copyOfRange(container, 8, 16));
    Path ct = dir.resolve("ct");
    Files.write(ct, Arrays.copyOfRange(container, 16, container.length));

    String kdfPass = mode == EncryptionMode.LEGACY ? "abc0000000000000" : pass;
    byte[] keyIv = opensslKeyIv(kdfPass, salt);
    String key = HexFormat.of().formatHex(keyIv, 0, 32);
    String iv = HexFormat.of().formatHex(keyIv, 32, 48);
    String cipher = "-aes-256-" + (mode == EncryptionMode.LEGACY ? "cbc" : mode.name().toLowerCase(Locale.ROOT));
    List<String> args = new ArrayList<>(List.of("enc", "-d", cipher, "-K", key, "-nopad", "-in", ct.toString()));
    if (mode != EncryptionMode.ECB) {
      args.addAll(List.of("-iv", iv));
    }
    byte[] out = openssl(null, args.toArray(String[]::new)).stdout();
    assertArrayEquals(RijndaelCodec.pad(plain.getBytes(StandardCharsets.US_ASCII)), out,
        "OpenSSL's " + cipher + " output, PKCS#7 padding included");
  }

  static String opensslName(DigestType t) {
    return "-" + t.fwknopName().replace('_', '-');
  }

  @ParameterizedTest
  @EnumSource(DigestType.class)
  void hmacMatchesOpensslDgst(DigestType type) throws Exception {
    String plain = RoundTripTest.plaintext(MessageType.ACCESS, DigestType.SHA256);
    // A short key, keys longer than the 64- and 72-byte blocks (hashed first), and the 128-byte maximum.
    for (int len : new int[] {8, 65, 100, 128}) {
      byte[] key = RoundTripTest.bytes(len, len);
      String wire = encryptor(settings("KEY", "fwknoptest", "HMAC_KEY_BASE64", Base64.getEncoder().encodeToString(key),
          "HMAC_DIGEST_TYPE", type.fwknopName())).encrypt(plain);
      int cut = wire.length() - type.b64Length();
      String macInput = RijndaelCodec.PREFIX + wire.substring(0, cut);
      String out = openssl(macInput.getBytes(StandardCharsets.US_ASCII), "dgst", opensslName(type),
          "-mac", "HMAC", "-macopt", "hexkey:" + HexFormat.of().formatHex(key)).out().trim();
      String hexMac = out.substring(out.lastIndexOf(' ') + 1);
      assertEquals(Base64s.encode(hex(hexMac)), wire.substring(cut), type + " with a " + len + "-byte key");
    }
  }

  @Test
  void asciiHmacKeyMatchesOpensslDgstHmac() throws Exception {
    String plain = RoundTripTest.plaintext(MessageType.COMMAND, DigestType.MD5);
    String wire = encryptor(settings("KEY", "fwknoptest", "HMAC_KEY", "hmactest")).encrypt(plain);
    int cut = wire.length() - 43;
    String out = openssl((RijndaelCodec.PREFIX + wire.substring(0, cut)).getBytes(StandardCharsets.US_ASCII),
        "dgst", "-sha256", "-hmac", "hmactest").out().trim();
    assertEquals(Base64s.encode(hex(out.substring(out.lastIndexOf(' ') + 1))), wire.substring(cut));
  }
}
