package spa.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import spa.client.Ciphers;
import spa.core.Settings;
import spa.core.codec.SpaCodec;

/** Key generation, key sources (options, key files, stdin, prompt) and ~/.fwknoprc layering through {@code spa}. */
class KeysAndRcTest {
  @TempDir
  Path home;

  private static String wire(CliHarness.Result r) {
    return r.outLines().stream().filter(l -> l.startsWith(" Final SPA Data: ")).findFirst().orElseThrow()
        .substring(" Final SPA Data: ".length());
  }

  private static String field(CliHarness.Result r, String label) {
    String prefix = String.format("%15s: ", label);
    return r.outLines().stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length());
  }

  private static String decrypt(String wire, String... kv) throws Exception {
    Settings.Builder b = Settings.builder("test");
    for (int i = 0; i < kv.length; i += 2) {
      b.put(kv[i], kv[i + 1]);
    }
    return Ciphers.installed().decryptor("aes").orElseThrow().forStanza(b.build()).decrypt(wire);
  }

  @ParameterizedTest(name = "{0} -> {1} bytes")
  @CsvSource({"md5,16", "sha1,20", "sha256,64", "sha384,128", "sha512,128", "sha3_256,128", "sha3_512,72"})
  void keyGenSizesFollowTheHmacType(String type, int hmacBytes) {
    CliHarness.Result r = new CliHarness(home).run("--no-rc-file", "-k", "--hmac-digest-type", type);
    assertEquals(0, r.status(), r.err());
    List<String> lines = r.outLines();
    assertEquals(2, lines.size());
    assertEquals(32, Base64.getDecoder().decode(lines.get(0).substring("KEY_BASE64: ".length())).length);
    String hmac = lines.get(1).substring("HMAC_KEY_BASE64: ".length());
    assertEquals(hmacBytes, Base64.getDecoder().decode(hmac).length);
    assertEquals((hmacBytes + 2) / 3 * 4, hmac.length(), "padded with '='");
  }

  @Test
  void keyGenLengthsAndFile() throws Exception {
    CliHarness h = new CliHarness(home);
    CliHarness.Result r = h.run("--no-rc-file", "-k", "--key-len", "16", "--hmac-key-len", "10");
    assertEquals("KEY_BASE64: ".length() + 24, r.outLines().get(0).length());
    assertEquals("HMAC_KEY_BASE64: ".length() + 16, r.outLines().get(1).length());
    CliHarness.Result tooLong = h.run("--no-rc-file", "-k", "--key-len", "64");
    assertEquals(1, tooLong.status());
    assertEquals("spa: --key-len 64: encryption keys are 1..32 bytes\n", tooLong.err());
    assertEquals(1, h.run("--no-rc-file", "-k", "--hmac-key-len", "129").status());

    Path file = home.resolve("keys");
    CliHarness.Result k = h.run("--no-rc-file", "-K", file.toString());
    assertEquals(0, k.status(), k.err());
    assertEquals("[+] Wrote Rijndael and HMAC keys to: " + file + "\n", k.out());
    List<String> lines = Files.readAllLines(file);
    assertTrue(lines.get(0).startsWith("KEY_BASE64: ") && lines.get(1).startsWith("HMAC_KEY_BASE64: "));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

    // the generated file is a valid rc stanza body: use it to send
    Files.writeString(home.resolve(".fwknoprc"), "[default]\n" + Files.readString(file) + "USE_HMAC Y\n");
    Files.setPosixFilePermissions(home.resolve(".fwknoprc"), PosixFilePermissions.fromString("rw-------"));
    CliHarness.Result t = h.run("-A", "tcp/22", "-a", "10.0.0.5", "-T");
    assertEquals(0, t.status(), t.err());
    assertEquals("", t.err());
    String key = lines.get(0).substring("KEY_BASE64: ".length());
    String hmac = lines.get(1).substring("HMAC_KEY_BASE64: ".length());
    assertEquals("10.0.0.5,tcp/22", SpaCodec.decode(decrypt(wire(t), "KEY_BASE64", key, "HMAC_KEY_BASE64", hmac)).message());
  }

  @Test
  void rcLayersDefaultThenStanzaThenCommandLine() throws Exception {
    Files.writeString(home.resolve(".fwknoprc"), String.join("\n",
        "[default]",
        "DIGEST_TYPE      md5",
        "SPA_SERVER_PORT  1000",
        "KEY              default-key",
        "ALLOW_IP         10.9.9.9",
        "",
        "[web]",
        "SPA_SERVER       fw.example",
        "ACCESS           tcp/443",
        "SPA_SERVER_PORT  2000",
        "FW_TIMEOUT       45",
        "HMAC_KEY_BASE64  aG1hY3Rlc3Q=",
        ""));
    Files.setPosixFilePermissions(home.resolve(".fwknoprc"), PosixFilePermissions.fromString("rw-r--r--"));
    CliHarness h = new CliHarness(home);
    CliHarness.Result r = h.run("-n", "web", "-T", "-v", "-p", "3000");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.err().contains("is readable by others"), r.err());
    assertEquals("10.9.9.9,tcp/443", field(r, "Message String"));
    assertEquals("1 (MD5)", field(r, "Digest Type"));
    assertEquals("45", field(r, "Client Timeout"));
    assertEquals("3 (SHA256)", field(r, "HMAC Type"));
    assertTrue(r.out().contains("    destination port: 3000\n"));
    assertTrue(r.out().contains("             IP/host: fw.example\n"));
    decrypt(wire(r), "KEY", "default-key", "HMAC_KEY", "hmactest");

    CliHarness.Result cli = h.run("-n", "web", "-T", "--key-base64-rijndael", "Y2xpLWtleQ", "-A", "udp/53", "-m", "sha1");
    assertEquals(0, cli.status(), cli.err());
    assertEquals("10.9.9.9,udp/53", field(cli, "Message String"));
    assertEquals("2 (SHA1)", field(cli, "Digest Type"));
    decrypt(wire(cli), "KEY", "cli-key", "HMAC_KEY", "hmactest");

    CliHarness.Result noStanza = h.run("-n", "nope", "-T");
    assertEquals(1, noStanza.status());
    assertTrue(noStanza.err().endsWith(".fwknoprc: no stanza named 'nope'\n"), noStanza.err());

    CliHarness.Result list = h.run("--stanza-list");
    assertEquals("web\n", list.out());
  }

  @Test
  void badRcValueNamesFileLineAndKey() throws Exception {
    Path rc = home.resolve("myrc");
    Files.writeString(rc, "[default]\nACCESS tcp/22\nUNKNOWN_THING 1\nSPA_SERVER_PROTO smtp\n");
    Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-r-----"));
    CliHarness.Result r = new CliHarness(home).run("--rc-file", rc.toString(), "-a", "10.0.0.5", "--key-rijndael", "k", "-T");
    assertEquals(1, r.status());
    assertEquals(List.of(
        "spa: warning: " + rc + ":3: unknown variable UNKNOWN_THING ignored",
        "spa: warning: " + rc + " is readable by others; it may hold keys (chmod 600 it)",
        "spa: " + rc + ":4: SPA_SERVER_PROTO: unknown server protocol 'smtp'; use udp, tcp, http, udpraw, tcpraw"
            + " or icmp"), r.err().lines().toList());
    assertEquals("", r.out());
  }

  @Test
  void keyFilesGiveKeysPerServer() throws Exception {
    Path keys = home.resolve("keys");
    Files.writeString(keys, "# mine\n10.1.1.1: other\n127.0.0.1: key with space\n");
    Path hmacKeys = home.resolve("hmac");
    Files.writeString(hmacKeys, "127.0.0.1: hmac-secret\n");
    CliHarness h = new CliHarness(home);
    CliHarness.Result r = h.run("--no-rc-file", "-A", "tcp/22", "-a", "10.0.0.5", "-D", "127.0.0.1", "-G",
        keys.toString(), "--get-hmac-key", hmacKeys.toString(), "-T");
    assertEquals(0, r.status(), r.err());
    decrypt(wire(r), "KEY", "key with space", "HMAC_KEY", "hmac-secret");
    assertTrue(h.prompts.isEmpty());

    CliHarness.Result missing = h.run("--no-rc-file", "-A", "tcp/22", "-a", "10.0.0.5", "-D", "10.2.2.2", "-G",
        keys.toString(), "-T");
    assertEquals(1, missing.status());
    assertEquals("spa: --get-key: no key for '10.2.2.2' in " + keys + "\n", missing.err());
  }

  @Test
  void missingKeysAreAskedForWithoutEcho() throws Exception {
    CliHarness h = new CliHarness(home);
    h.answers.add("typed-key");
    h.answers.add("typed-hmac");
    CliHarness.Result r = h.run("--no-rc-file", "-A", "tcp/22", "-a", "10.0.0.5", "--use-hmac", "-T");
    assertEquals(0, r.status(), r.err());
    assertEquals(List.of("Enter encryption key: ", "Enter HMAC key: "), h.prompts);
    decrypt(wire(r), "KEY", "typed-key", "HMAC_KEY", "typed-hmac");
  }

  @Test
  void incompleteRequestsFailBeforeAnyKeyIsAskedFor() {
    CliHarness h = new CliHarness(home);
    h.answers.add("unused");
    assertEquals("spa: no allow IP: use -a <ip>, -s (the packet's source) or -R (resolve the external address)\n",
        h.run("--no-rc-file", "-A", "tcp/22", "-D", "127.0.0.1").err());
    assertEquals(1, h.run("--no-rc-file", "-a", "10.0.0.5", "-D", "127.0.0.1").status());
    assertEquals(1, h.run("--no-rc-file", "-A", "tcp/22", "-a", "10.0.0.5").status());
    assertEquals(1, h.run("--no-rc-file", "-A", "tcp/22,tcp/80", "--nat-port", "5", "-a", "10.0.0.5", "-T").status());
    assertTrue(h.prompts.isEmpty(), h.prompts.toString());
  }

  @Test
  void withoutATerminalTheErrorSaysHowToPassTheKey() {
    CliHarness h = new CliHarness(home);
    h.terminal = false;
    CliHarness.Result r = h.run("--no-rc-file", "-A", "tcp/22", "-a", "10.0.0.5", "-T");
    assertEquals(1, r.status());
    assertEquals("spa: no terminal to ask for the key: pass it with --key-rijndael, --key-base64-rijndael,"
        + " -G <file> or --stdin, or set KEY or KEY_BASE64 in ~/.fwknoprc\n", r.err());
  }

  @Test
  void stdinSuppliesTheKey() throws Exception {
    CliHarness h = new CliHarness(home);
    h.stdin = "piped-key\n";
    CliHarness.Result r = h.run("--no-rc-file", "-A", "tcp/22", "-a", "10.0.0.5", "--stdin", "-T");
    assertEquals(0, r.status(), r.err());
    decrypt(wire(r), "KEY", "piped-key");
  }
}
