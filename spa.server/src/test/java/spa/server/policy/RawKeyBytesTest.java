package spa.server.policy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.Settings;
import spa.core.spi.Decryptor;
import spa.server.config.ConfigLoader;
import spa.server.testkit.TestKit;

/**
 * A raw {@code KEY}/{@code HMAC_KEY} with bytes over 0x7F is the key exactly as written: the file's bytes for
 * access.conf (fwknopd uses them as they are), the UTF-8 bytes of the string for HOCON.
 */
class RawKeyBytesTest {
  private static final Path FWKNOP = Path.of("/usr/bin/fwknop");
  private static final byte[] HMAC = "hmac key".getBytes(StandardCharsets.US_ASCII);
  @TempDir
  Path dir;

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** The single stanza's decryptor, for access.conf bytes (or a HOCON file when {@code hocon}). */
  private Decryptor.Keyed stanza(byte[] access, boolean hocon) throws Exception {
    Path conf = dir.resolve("fwknopd.conf");
    Files.writeString(conf, "");
    Path a = dir.resolve(hocon ? "access.hocon" : "access.conf");
    Files.write(a, access);
    Settings cli = Settings.builder("command line").put("ACCESS_FILE", a.toString()).build();
    var config = new ConfigLoader(w -> { }).load(new ConfigLoader.Sources(conf, List.of(), cli, null));
    return TestKit.policy(config).stanzas().get(0).decryptors().get(0);
  }

  private static String wire(byte[] key) {
    var e = TestKit.encryptor("KEY_BASE64", Base64.getEncoder().encodeToString(key),
        "HMAC_KEY_BASE64", Base64.getEncoder().encodeToString(HMAC));
    return TestKit.wire(e, TestKit.access("alice", "127.0.0.1", "tcp/22", TestKit.now()).build());
  }

  private static byte[] fwknopConf(byte[] key) {
    return concat(ascii("SOURCE ANY\nKEY "), key, ascii("\nHMAC_KEY "), HMAC, ascii("\n"));
  }

  @Test
  void trailingBlanksOfARawKeyArePartOfTheKeyAsInFwknopd() throws Exception {
    for (String line : new String[] {"KEY fwknoptest   \n", "KEY fwknoptest   ;comment\n", "KEY\tfwknoptest   \r\n"}) {
      Decryptor.Keyed d = stanza(concat(ascii("SOURCE ANY\n" + line + "HMAC_KEY "), HMAC, ascii("\n")), false);
      assertDoesNotThrow(() -> d.decrypt(wire(ascii("fwknoptest   "))), line);
      assertThrows(Exception.class, () -> d.decrypt(wire(ascii("fwknoptest"))), line);
    }
    // other values lose them
    Decryptor.Keyed d = stanza(concat(ascii("SOURCE ANY\nKEY_BASE64 " + Base64.getEncoder().encodeToString(ascii("k1"))
        + "   \nHMAC_KEY "), HMAC, ascii("\n")), false);
    assertDoesNotThrow(() -> d.decrypt(wire(ascii("k1"))));
  }

  @Test
  void latin1KeyInAccessConfIsTheFilesByte() throws Exception {
    byte[] key = {'c', 'a', 'f', (byte) 0xE9};
    Decryptor.Keyed d = stanza(fwknopConf(key), false);
    assertDoesNotThrow(() -> d.decrypt(wire(key)));
    // the UTF-8 form of the same text is a different key
    assertThrows(Exception.class, () -> d.decrypt(wire("café".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void utf8KeyInAccessConfIsTheFilesBytes() throws Exception {
    byte[] key = {'c', 'a', 'f', (byte) 0xC3, (byte) 0xA9};
    Decryptor.Keyed d = stanza(fwknopConf(key), false);
    assertDoesNotThrow(() -> d.decrypt(wire(key)));
    assertThrows(Exception.class, () -> d.decrypt(wire(new byte[] {'c', 'a', 'f', (byte) 0xE9})));
  }

  @Test
  void hoconKeyIsTheUtf8BytesOfTheString() throws Exception {
    byte[] hocon = "access = [ { SOURCE = ANY, KEY = \"café\", HMAC_KEY = \"hmac key\" } ]\n"
        .getBytes(StandardCharsets.UTF_8);
    Decryptor.Keyed d = stanza(hocon, true);
    assertDoesNotThrow(() -> d.decrypt(wire("café".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void fwknopClientPacketWithTheRawKeyDecrypts() throws Exception {
    assertTrue(Files.isExecutable(FWKNOP), "Debian's fwknop-client must be installed (" + FWKNOP + ")");
    byte[] key = {'c', 'a', 'f', (byte) 0xE9, ' ', 'x'};
    Path home = Files.createDirectories(dir.resolve("home"));
    Path out = home.resolve("packet");
    ProcessBuilder pb = new ProcessBuilder(FWKNOP.toString(), "-A", "tcp/22", "-a", "127.0.0.1", "-D", "127.0.0.1",
        "--no-save-args", "--no-rc-file", "-T", "--save-packet", out.toString(),
        "--key-base64-rijndael", Base64.getEncoder().encodeToString(key),
        "--use-hmac", "--key-base64-hmac", Base64.getEncoder().encodeToString(HMAC)).redirectErrorStream(true);
    pb.environment().put("HOME", home.toString());
    Process p = pb.start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "fwknop hung");
    assertEquals(0, p.exitValue(), log);
    String packet = Files.readString(out).strip();
    Decryptor.Keyed d = stanza(fwknopConf(key), false);
    assertDoesNotThrow(() -> d.decrypt(packet));
  }
}
