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
 * A key file gpg 2.2 wrote with its S2K salt as a quoted string (its bytes happened to be printable), kept from a
 * test run: it unlocks with its passphrase ({@code a pass}) and not with another.
 */
class QuotedSaltTest {

  @Test
  void keyWithAQuotedSaltUnlocks(@TempDir Path home) throws Exception {
    Path grips = Files.createDirectories(home.resolve("private-keys-v1.d"));
    Files.write(grips.resolve("5D9E57AE3E58FC758B1A56161A3797606BC34787.key"), resource("quoted-salt.key"));
    Files.write(home.resolve("pubring.gpg"), resource("quoted-salt.pub.asc"));
    PGPPublicKey key = null;
    for (var ring : Keyring.read(home).rings()) {
      for (PGPPublicKey k : ring) {
        if (SecretKeys.keygrip(k).equals("5D9E57AE3E58FC758B1A56161A3797606BC34787")) {
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
