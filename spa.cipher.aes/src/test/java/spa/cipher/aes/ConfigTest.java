package spa.cipher.aes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.cipher.aes.Fixtures.decryptor;
import static spa.cipher.aes.Fixtures.encryptor;
import static spa.cipher.aes.Fixtures.settings;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import spa.core.ConfigException;
import spa.core.DigestType;
import spa.core.EncryptionMode;
import spa.core.Settings;
import spa.core.spi.Decryptor;
import spa.core.spi.Encryptor;

/** The settings rules: which keys are read, what is refused, and that no message repeats a secret. */
class ConfigTest {
  private static final String SECRET = "Zm9vYmFyIHNlY3JldA";

  static ConfigException clientRefuses(Settings s) {
    return assertThrows(ConfigException.class, () -> new AesEncryptor().forKeys(s));
  }

  static ConfigException serverRefuses(Settings s) {
    return assertThrows(ConfigException.class, () -> new AesDecryptor().forStanza(s));
  }

  /** Both sides refuse, with the same key named, and the message names the key but not the secret. */
  static ConfigException bothRefuse(Settings s, String key) {
    ConfigException c = clientRefuses(s);
    ConfigException d = serverRefuses(s);
    assertEquals(key, c.key());
    assertEquals(key, d.key());
    assertEquals("test.conf", d.origin());
    for (String v : List.of(s.get("KEY").orElse("\u0000"), s.get("HMAC_KEY").orElse("\u0000"),
        s.get("KEY_BASE64").orElse("\u0000"), s.get("HMAC_KEY_BASE64").orElse("\u0000"))) {
      if (v.length() > 3 && !v.equals("__CHANGEME__")) {
        assertFalse(d.toString().contains(v), d.toString());
        assertFalse(c.toString().contains(v), c.toString());
      }
    }
    return d;
  }

  @Test
  void namesAndConfiguredBy() {
    assertEquals("aes", new AesEncryptor().name());
    assertEquals("aes", new AesDecryptor().name());
    assertTrue(new AesDecryptor().configuredBy(settings("KEY", "")));
    assertTrue(new AesDecryptor().configuredBy(settings("KEY_BASE64", "AAAA")));
    assertFalse(new AesDecryptor().configuredBy(settings("HMAC_KEY", "x")));
    assertFalse(new AesDecryptor().configuredBy(Settings.empty()));
    assertTrue(new AesEncryptor().configuredBy(settings("KEY", "k")));
    assertFalse(new AesEncryptor().configuredBy(settings("KEY", "gpg signing pw", "USE_GPG", "Y")));
  }

  @Test
  void providersAreFoundByServiceLoaderOnTheModulePath() {
    getClass().getModule().addUses(Encryptor.class);
    getClass().getModule().addUses(Decryptor.class);
    assertTrue(ServiceLoader.load(Encryptor.class).stream().anyMatch(p -> p.type() == AesEncryptor.class));
    assertTrue(ServiceLoader.load(Decryptor.class).stream().anyMatch(p -> p.type() == AesDecryptor.class));
  }

  @Test
  void metaInfServicesNameTheProvidersForTheClasspath() throws Exception {
    for (Class<?> spi : List.of(Encryptor.class, Decryptor.class)) {
      try (InputStream in = getClass().getModule().getResourceAsStream("META-INF/services/" + spi.getName())) {
        String name = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        Object provider = Class.forName(name).getConstructor().newInstance();
        assertInstanceOf(spi, provider);
      }
    }
  }

  @Test
  void missingKey() {
    assertEquals("KEY", bothRefuse(settings("HMAC_KEY", "abc"), "KEY").key());
  }

  @Test
  void bothFormsOfOneKey() {
    bothRefuse(settings("KEY", "abcd", "KEY_BASE64", SECRET), "KEY_BASE64");
    bothRefuse(settings("KEY", "abcd", "HMAC_KEY", "efgh", "HMAC_KEY_BASE64", SECRET), "HMAC_KEY_BASE64");
  }

  @Test
  void keyLongerThan32Bytes() throws Exception {
    ConfigException e = bothRefuse(settings("KEY", "k".repeat(33)), "KEY");
    assertTrue(e.getMessage().startsWith("Invalid key length"), e.getMessage());
    bothRefuse(settings("KEY_BASE64", Base64.getEncoder().encodeToString(new byte[33])), "KEY_BASE64");
    // Two-byte UTF-8 characters count as two bytes.
    bothRefuse(settings("KEY", "é".repeat(17)), "KEY");
    decryptor(settings("KEY", "k".repeat(32)));
    decryptor(settings("KEY", "é".repeat(16)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"KEY", "KEY_BASE64", "HMAC_KEY", "HMAC_KEY_BASE64"})
  void placeholderIsRefused(String key) {
    Settings s = key.startsWith("HMAC") ? settings("KEY", "abc", key, "__CHANGEME__") : settings(key, "__CHANGEME__");
    assertTrue(bothRefuse(s, key).getMessage().contains("placeholder"));
  }

  @Test
  void hmacKeyEqualToTheKey() {
    bothRefuse(settings("KEY", "same secret", "HMAC_KEY", "same secret"), "HMAC_KEY");
    bothRefuse(settings("KEY", "same secret", "HMAC_KEY_BASE64",
        Base64.getEncoder().encodeToString("same secret".getBytes())), "HMAC_KEY_BASE64");
  }

  @Test
  void hmacKeyLengths() throws Exception {
    bothRefuse(settings("KEY", "abc", "HMAC_KEY_BASE64", Base64.getEncoder().encodeToString(new byte[129])),
        "HMAC_KEY_BASE64");
    bothRefuse(settings("KEY", "abc", "HMAC_KEY", ""), "HMAC_KEY");
    decryptor(settings("KEY", "abc", "HMAC_KEY_BASE64", Base64.getEncoder().encodeToString(new byte[128])));
  }

  @Test
  void badBase64IsNamedButNotEchoed() {
    ConfigException e = bothRefuse(settings("KEY_BASE64", "not*base64" + SECRET), "KEY_BASE64");
    assertTrue(e.getMessage().contains("base64"));
    bothRefuse(settings("KEY", "abc", "HMAC_KEY_BASE64", SECRET + "AAA"), "HMAC_KEY_BASE64"); // 4n+1 characters
  }

  @Test
  void paddedAndUnpaddedBase64KeysAreAccepted() throws Exception {
    // fwknop --key-gen writes '=' padding.
    String plain = RoundTripTest.plaintext(spa.core.MessageType.ACCESS, DigestType.SHA256);
    Settings padded = settings("KEY_BASE64", "YWJjZA==", "HMAC_KEY_BASE64", "ZWZnaA==");
    Settings unpadded = settings("KEY_BASE64", "YWJjZA", "HMAC_KEY_BASE64", "ZWZnaA");
    Settings raw = settings("KEY", "abcd", "HMAC_KEY", "efgh");
    assertEquals(plain, decryptor(raw).decrypt(encryptor(padded).encrypt(plain)));
    assertEquals(plain, decryptor(unpadded).decrypt(encryptor(raw).encrypt(plain)));
  }

  @Test
  void unknownDigestAndMode() {
    assertTrue(bothRefuse(settings("KEY", "abc", "HMAC_KEY", "x", "HMAC_DIGEST_TYPE", "sha999"), "HMAC_DIGEST_TYPE")
        .getMessage().contains("sha3_512"));
    bothRefuse(settings("KEY", "abc", "ENCRYPTION_MODE", "pcbc"), "ENCRYPTION_MODE");
    bothRefuse(settings("KEY", "abc", "ENCRYPTION_MODE", "asymmetric"), "ENCRYPTION_MODE");
    bothRefuse(settings("KEY", "abc", "ENCRYPTION_MODE", ""), "ENCRYPTION_MODE");
  }

  @Test
  void namesAreCaseInsensitive() throws Exception {
    AesKeys k = AesKeys.from(settings("KEY", "abc", "HMAC_KEY", "x", "HMAC_DIGEST_TYPE", "SHA3_256",
        "ENCRYPTION_MODE", "cTr"), AesKeys.Side.SERVER);
    assertEquals(EncryptionMode.CTR, k.mode());
    assertEquals(DigestType.SHA3_256, k.hmacType());
  }

  @Test
  void hmacDefaultsToSha256WhenAKeyIsSet() throws Exception {
    AesKeys k = AesKeys.from(settings("KEY", "abc", "HMAC_KEY", "x"), AesKeys.Side.SERVER);
    assertEquals(DigestType.SHA256, k.hmacType());
    assertEquals(EncryptionMode.CBC, k.mode());
    AesKeys none = AesKeys.from(settings("KEY", "abc", "HMAC_DIGEST_TYPE", "sha512"), AesKeys.Side.SERVER);
    assertNull(none.hmacType());
  }

  @Test
  void useHmac() throws Exception {
    bothRefuse(settings("KEY", "abc", "USE_HMAC", "Y"), "USE_HMAC");
    assertNull(AesKeys.from(settings("KEY", "abc", "HMAC_KEY", "x", "USE_HMAC", "N"), AesKeys.Side.CLIENT).hmacType());
    assertEquals(DigestType.SHA256,
        AesKeys.from(settings("KEY", "abc", "HMAC_KEY", "x", "USE_HMAC", "yes"), AesKeys.Side.CLIENT).hmacType());
    assertEquals(DigestType.SHA256, AesKeys.from(settings("KEY", "abc", "HMAC_KEY", "x"), AesKeys.Side.CLIENT).hmacType());
    // A stanza with an HMAC key always demands it.
    assertEquals(DigestType.SHA256,
        AesKeys.from(settings("KEY", "abc", "HMAC_KEY", "x", "USE_HMAC", "N"), AesKeys.Side.SERVER).hmacType());
  }

  @Test
  void legacyWithHmacIsAClientErrorOnly() throws Exception {
    Settings s = settings("KEY", "abc", "HMAC_KEY", "x", "ENCRYPTION_MODE", "legacy");
    assertEquals("ENCRYPTION_MODE", clientRefuses(s).key());
    decryptor(s);
  }

  @Test
  void legacyKeyIsCutAndPadded() throws Exception {
    assertEquals("abc0000000000000", new String(
        AesKeys.from(settings("KEY", "abc", "ENCRYPTION_MODE", "LEGACY"), AesKeys.Side.SERVER).passphrase()));
    assertEquals("1234567890123456", new String(AesKeys.from(
        settings("KEY", "12345678901234567890", "ENCRYPTION_MODE", "LEGACY"), AesKeys.Side.CLIENT).passphrase()));
    assertEquals("0000000000000000", new String(
        AesKeys.from(settings("KEY", "", "ENCRYPTION_MODE", "LEGACY"), AesKeys.Side.CLIENT).passphrase()));
  }

  @Test
  void toStringShowsNoKey() throws Exception {
    String s = decryptor(settings("KEY", "verysecretkey", "HMAC_KEY", "othersecret")).toString();
    assertFalse(s.contains("verysecretkey") || s.contains("othersecret"), s);
    assertTrue(s.contains("sha256"), s);
  }
}
