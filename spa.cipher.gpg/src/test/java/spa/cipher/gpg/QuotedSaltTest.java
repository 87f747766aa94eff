package spa.cipher.gpg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key files gpg wrote with their S2K salt, or their IV, as a quoted string (the bytes happened to allow it), kept
 * from test runs: each unlocks with its passphrase ({@code a pass}) and not with another.
 */
class QuotedSaltTest {

  @Test
  void keyWithAQuotedSaltUnlocks(@TempDir Path home) throws Exception {
    assertUnlocksOnlyWithItsPassphrase(home, "quoted-salt", "5D9E57AE3E58FC758B1A56161A3797606BC34787");
  }

  /** The same for a key whose 12-byte OCB IV gpg wrote as a quoted string (about one key in 80 here). */
  @Test
  void keyWithAQuotedIvUnlocks(@TempDir Path home) throws Exception {
    assertUnlocksOnlyWithItsPassphrase(home, "quoted-iv", "5BB48DB903E997FD12B921E6B3F6F6AE9C35424A");
  }

  private static void assertUnlocksOnlyWithItsPassphrase(Path home, String name, String grip) throws Exception {
    Path grips = Files.createDirectories(home.resolve("private-keys-v1.d"));
    Files.write(grips.resolve(grip + ".key"), resource(name + ".key"));
    Files.write(home.resolve("pubring.gpg"), resource(name + ".pub.asc"));
    PGPPublicKey key = null;
    for (var ring : Keyring.read(home).rings()) {
      for (PGPPublicKey k : ring) {
        if (SecretKeys.keygrip(k).equals(grip)) {
          key = k;
        }
      }
    }
    assertNotNull(key);
    assertNotNull(SecretKeys.unlock(home, key, "a pass".toCharArray()));
    PGPPublicKey k = key;
    assertThrows(SecretKeys.Unavailable.class, () -> SecretKeys.unlock(home, k, "a pas".toCharArray()));
  }

  @Test
  void hexSaltsAndEscapesAreRewrittenExactly() {
    byte[] in = "(protected openpgp-s2k3-ocb-aes ((sha1 \"a\\\"b\\x41\\101\\n\" \"1024\")#00#)".getBytes(
        StandardCharsets.ISO_8859_1);
    assertArrayEquals("(protected openpgp-s2k3-ocb-aes ((sha1 #61226241410A# \"1024\")#00#)".getBytes(
        StandardCharsets.ISO_8859_1), SecretKeys.protectionAsHex(in));
    byte[] hex = "((sha1 #0102# \"1\")#0304#)".getBytes(StandardCharsets.ISO_8859_1);
    assertArrayEquals(hex, SecretKeys.protectionAsHex(hex));
  }

  /** gpg writes an IV of printable octets as a quoted string too, and letters and digits as a bare token. */
  @Test
  void aQuotedOrTokenIvAndATokenSaltAreRewritten() {
    byte[] quotedIv = "(protected openpgp-s2k3-ocb-aes ((sha1 #0102# \"65011712\") \"ab\\\"c\")#FF#)"
        .getBytes(StandardCharsets.ISO_8859_1);
    assertArrayEquals("(protected openpgp-s2k3-ocb-aes ((sha1 #0102# \"65011712\") #61622263#)#FF#)"
        .getBytes(StandardCharsets.ISO_8859_1), SecretKeys.protectionAsHex(quotedIv));
    byte[] tokens = "((sha1 Ab9-x \"1024\")Zq1.)".getBytes(StandardCharsets.ISO_8859_1);
    assertArrayEquals("((sha1 #4162392D78# \"1024\")#5A71312E#)".getBytes(StandardCharsets.ISO_8859_1),
        SecretKeys.protectionAsHex(tokens));
  }

  private static byte[] resource(String name) throws Exception {
    try (InputStream in = QuotedSaltTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }
}
