package spa.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.client.Ciphers;
import spa.core.Settings;
import spa.core.spi.Decryptor;
import spa.test.support.GnupgHomes;

/** {@code spa -g}: the signing passphrase asked for without echo when not given, and the packet opens at the server. */
class GpgClientTest {
  @TempDir static Path dir;
  static GnupgHomes homes;
  static GnupgHomes.Home server;
  static GnupgHomes.Home client;

  @BeforeAll
  static void keys() throws Exception {
    homes = new GnupgHomes();
    server = homes.create(dir.resolve("server"), "server", 2048, "", false);
    client = homes.create(dir.resolve("client"), "client", 2048, "sign pass", false);
    homes.trust(server, client);
    homes.trust(client, server);
  }

  @AfterAll
  static void stop() throws Exception {
    homes.close();
  }

  @Test
  void signingPassphraseIsAskedForAndThePacketOpens(@TempDir Path home) throws Exception {
    CliHarness h = new CliHarness(home);
    h.answers.add(client.passphrase());
    Path out = home.resolve("packet");
    CliHarness.Result r = h.run("--no-rc-file", "-A", "tcp/22", "-a", "198.18.0.5", "-D", "127.0.0.1", "-p", "9", "-g",
        "--gpg-recipient-key", server.keyId(), "--gpg-signer-key", client.keyId(), "--gpg-home-dir",
        client.dir().toString(), "-B", out.toString());
    assertEquals(0, r.status(), r.err());
    assertEquals(List.of("Enter passphrase for signing: "), h.prompts);
    Decryptor gpg = Ciphers.installed().decryptor("gpg").orElseThrow();
    Decryptor.Keyed k = gpg.forStanza(Settings.of(Map.of("GPG_HOME_DIR", server.dir().toString(), "GPG_DECRYPT_ID",
        server.keyId(), "GPG_ALLOW_NO_PW", "Y", "GPG_FINGERPRINT_ID", client.fingerprint()), "access.conf"));
    byte[] wire = Files.readString(out).strip().getBytes(StandardCharsets.US_ASCII);
    Decryptor.Opened o = k.open(wire, 0, wire.length);
    assertNotNull(o);
    assertEquals(client.fingerprint(), o.signer());
    assertTrue(o.plaintext().contains(":MTk4LjE4LjAuNSx0Y3AvMjI:"), o.plaintext());
  }
}
