package spa.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code %include_keys} files with GnuPG variables: the ones fwknopd 2.6.10 reads there are the stanza's, and
 * GPG_HOME_DIR and GPG_EXE, which fwknopd ignores there (measured: its -D dump keeps the server's home), make the
 * file unusable rather than being silently applied or dropped.
 */
class KeyFileTest {
  @TempDir
  Path dir;

  private Path write(String text) throws Exception {
    Path p = dir.resolve("user.keys");
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    return p;
  }

  @Test
  void gnupgVariablesFwknopdReadsInAKeyFileAreTheStanzas() throws Exception {
    Path f = write("""
        GPG_DECRYPT_ID 3FFE7AAC
        GPG_DECRYPT_PW its passphrase
        GPG_ALLOW_NO_PW N
        GPG_REQUIRE_SIG Y
        GPG_DISABLE_SIG N
        GPG_IGNORE_SIG_VERIFY_ERROR Y
        GPG_REMOTE_ID 15A75ADF
        GPG_FINGERPRINT_ID 19DC58B0D255CB3C5B55FFE8FE849D3515A75ADF
        HMAC_KEY_BASE64 c2VjcmV0IGhtYWMga2V5
        HMAC_DIGEST_TYPE SHA512
        """);
    KeyFile.Result r = KeyFile.read(f, w -> { });
    assertTrue(r.usable(), r.problem());
    assertEquals(List.of("GPG_DECRYPT_ID", "GPG_DECRYPT_PW", "GPG_ALLOW_NO_PW", "GPG_REQUIRE_SIG", "GPG_DISABLE_SIG",
        "GPG_IGNORE_SIG_VERIFY_ERROR", "GPG_REMOTE_ID", "GPG_FINGERPRINT_ID", "HMAC_KEY_BASE64", "HMAC_DIGEST_TYPE"),
        r.keys().stream().map(FwknopFormat.Line::var).toList());
    assertEquals("its passphrase", r.keys().get(1).value());
  }

  @Test
  void gnupgHomeOrProgramInAKeyFileMakesItUnusable() throws Exception {
    for (String line : List.of("GPG_HOME_DIR /home/user/.gnupg", "GPG_EXE /usr/bin/gpg")) {
      Path f = write("GPG_DECRYPT_ID 3FFE7AAC\nGPG_DECRYPT_PW pw\nGPG_REMOTE_ID 15A75ADF\n" + line + "\n");
      KeyFile.Result r = KeyFile.read(f, w -> { });
      assertFalse(r.usable(), line);
      String var = line.substring(0, line.indexOf(' '));
      assertTrue(r.problem().startsWith(f + ":4: " + var + ": not a key variable"), r.problem());
      assertTrue(r.problem().contains("which fwknopd does not read there"), r.problem());
    }
  }
}
