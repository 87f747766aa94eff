package spa.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.test.support.Required;

/** {@code --save-rc-stanza} and {@code --force-stanza}: the stanza fwknop writes, written by spa. */
class SaveStanzaTest {
  private static final String KEY = "rMq6v0QoxOPTxjFgnTmYDV0ia2ZYygBvQd0Lu503slk=";
  private static final String HMAC = "CrA08FGVerIOSYV1f8ChWv+posE/rNWaoAAm22LxfhjdbezA3pwicjIv5L9RWtR4dW/ym1B5gvVWItKNkSM/tQ==";

  /** Option sets both programs save; each sends (with -T) a packet that the saved stanza reproduces. */
  private static final List<List<String>> OPTION_SETS = List.of(
      List.of("-A", "tcp/22", "-a", "198.18.0.5", "-D", "198.18.0.1", "--key-base64-rijndael", KEY,
          "--key-base64-hmac", HMAC, "-p", "62202", "-f", "30", "-M", "cfb", "--hmac-digest-type", "sha512"),
      List.of("-A", "tcp/22,udp/53", "-a", "198.18.0.6", "-D", "198.18.0.1", "-m", "sha1", "-P", "tcp", "-S", "40000",
          "-r", "--time-offset-plus", "5m", "--key-rijndael", "k", "--key-hmac", "hm", "-U", "bob",
          "--nat-access", "198.18.0.2:22", "-u", "agent1"),
      List.of("-A", "udp/53", "-a", "198.18.0.7", "-D", "198.18.0.1", "--time-offset-minus", "2h", "--key-rijndael",
          "k", "--nat-local", "--nat-port", "2222", "-v", "--no-save-args"));

  @TempDir
  Path dir;

  @Test
  void aNewFileIsTheFileFwknopWritesAndEachProgramReadsTheOther() throws Exception {
    Path fwknop = Required.programs("fwknop");
    for (int i = 0; i < OPTION_SETS.size(); i++) {
      Path spaHome = Files.createDirectories(dir.resolve("spa" + i));
      Path fwHome = Files.createDirectories(dir.resolve("fwknop" + i));
      List<String> args = new ArrayList<>(List.of("--save-rc-stanza", "-n", "x"));
      args.addAll(OPTION_SETS.get(i));
      args.add("-T");
      CliHarness.Result r = new CliHarness(spaHome).run(args.toArray(String[]::new));
      assertEquals(0, r.status(), r.err());
      assertTrue(r.out().startsWith("[*] Creating initial rc file: " + spaHome.resolve(".fwknoprc") + ".\n"), r.out());
      run(fwknop, fwHome, args);

      String spaFile = Files.readString(spaHome.resolve(".fwknoprc"));
      assertEquals(Files.readString(fwHome.resolve(".fwknoprc")), spaFile, "option set " + i);
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(spaHome.resolve(".fwknoprc"))));

      // each reads the other's stanza to the same message
      String fromSpasFile = run(fwknop, spaHome, List.of("-n", "x", "-T"));
      CliHarness.Result fromFwknopsFile = new CliHarness(fwHome).run("-n", "x", "-T");
      assertEquals(0, fromFwknopsFile.status(), fromFwknopsFile.err());
      for (String field : List.of("Message String", "Client Timeout", "Digest Type", "Encryption Mode", "Nat Access")) {
        assertEquals(field(fromSpasFile, field), field(fromFwknopsFile.out(), field), field + " of set " + i);
      }
    }
  }

  @Test
  void anExistingStanzaIsReplacedOnlyWhenTheUserSaysSoOrWithForce() throws Exception {
    Path rc = dir.resolve(".fwknoprc");
    String before = "# my servers\n[default]\nVERBOSE Y\n\n[a]\nACCESS tcp/1\nSPA_SERVER 198.18.0.2\n\n[b]\nACCESS tcp/2\n";
    Files.writeString(rc, before);
    Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-r--r--"));
    CliHarness h = new CliHarness(dir);
    String[] args = {"--save-rc-stanza", "-n", "a", "-A", "tcp/22", "-a", "198.18.0.5", "-D", "198.18.0.1",
        "--key-rijndael", "k", "-T"};

    h.terminal = false;
    CliHarness.Result noTerminal = h.run(args);
    assertEquals(1, noTerminal.status());
    assertTrue(noTerminal.err().endsWith("spa: no terminal to ask for the key: stanza 'a' exists in " + rc
        + " (--force-stanza replaces it)\n"), noTerminal.err());
    assertEquals(before, Files.readString(rc));

    h.terminal = true;
    h.answers.add("n");
    CliHarness.Result no = h.run(args);
    assertEquals(1, no.status());
    assertTrue(no.err().endsWith("spa: stanza 'a' in " + rc + " left as it was (--force-stanza replaces it)\n"), no.err());
    assertEquals(before, Files.readString(rc));

    h.answers.add("y");
    CliHarness.Result yes = h.run(args);
    assertEquals(0, yes.status(), yes.err());
    assertEquals(List.of("Stanza 'a' exists in " + rc + "; replace it? [N/y] ").getFirst(), h.prompts.getLast());
    assertEquals(2, h.prompts.size(), "asked once for each run with a terminal");
    String replaced = "# my servers\n[default]\nVERBOSE Y\n\n[a]\n"
        + "ALLOW_IP                    198.18.0.5\nACCESS                      tcp/22\n"
        + "SPA_SERVER                  198.18.0.1\nKEY                         k\n\n[b]\nACCESS tcp/2\n";
    assertEquals(replaced, Files.readString(rc));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(rc)));

    String[] forced = {"--save-rc-stanza", "--force-stanza", "-n", "b", "-A", "tcp/23", "-a", "198.18.0.5", "-D",
        "198.18.0.1", "--key-rijndael", "k", "-T"};
    CliHarness.Result force = h.run(forced);
    assertEquals(0, force.status(), force.err());
    assertEquals(2, h.prompts.size(), "--force-stanza asks nothing");
    assertTrue(Files.readString(rc).endsWith("\n\n[b]\nALLOW_IP                    198.18.0.5\n"
        + "ACCESS                      tcp/23\nSPA_SERVER                  198.18.0.1\nKEY                         k\n"),
        Files.readString(rc));

    CliHarness.Result added = h.run("--save-rc-stanza", "-A", "tcp/24", "-s", "-D", "198.18.0.9", "--key-rijndael", "k", "-T");
    assertEquals(0, added.status(), added.err());
    assertTrue(Files.readString(rc).endsWith("KEY                         k\n\n[198.18.0.9]\n"
        + "ALLOW_IP                    source\nACCESS                      tcp/24\nSPA_SERVER                  198.18.0.9\n"
        + "KEY                         k\n"), Files.readString(rc));
    assertFalse(Files.exists(dir.resolve(".fwknoprc.spa-new")));
  }

  @Test
  void keyGenerationSavesTheNewKeys() throws Exception {
    CliHarness.Result r = new CliHarness(dir).run("-A", "tcp/22", "-R", "-D", "198.18.0.1", "--key-gen",
        "--save-rc-stanza", "--hmac-digest-type", "sha512");
    assertEquals(0, r.status(), r.err());
    Path rc = dir.resolve(".fwknoprc");
    assertTrue(r.out().endsWith("[+] Wrote Rijndael and HMAC keys to rc file: " + rc + "\n"), r.out());
    List<String> lines = Files.readAllLines(rc);
    assertEquals(List.of("[default]", "", "[198.18.0.1]", "ACCESS                      tcp/22",
        "SPA_SERVER                  198.18.0.1"), lines.subList(0, 5));
    assertTrue(lines.get(5).matches("KEY_BASE64 {18}[A-Za-z0-9+/]{43}="), lines.get(5));
    assertEquals("HMAC_DIGEST_TYPE            SHA512", lines.get(6));
    assertTrue(lines.get(7).matches("HMAC_KEY_BASE64 {13}[A-Za-z0-9+/]{171}="), lines.get(7));
    assertEquals(List.of("USE_HMAC                    Y", "RESOLVE_IP_HTTPS            Y"), lines.subList(8, 10));
    assertEquals(10, lines.size());
  }

  @Test
  void refusalsAreOneLine() {
    CliHarness h = new CliHarness(dir);
    assertEquals("spa: --save-rc-stanza needs the stanza's name: -n <stanza> (or -D <server>)\n",
        h.run("--save-rc-stanza", "-A", "tcp/22", "-s", "--key-rijndael", "k", "-T").err());
    assertEquals("spa: --force-stanza needs --save-rc-stanza\n",
        h.run("--force-stanza", "-A", "tcp/22", "-s", "-D", "198.18.0.1", "--key-rijndael", "k", "-T").err());
    assertEquals("spa: --save-rc-stanza needs an rc file, but --no-rc-file was given\n",
        h.run("--save-rc-stanza", "--no-rc-file", "-A", "tcp/22", "-s", "-D", "198.18.0.1", "--key-rijndael", "k").err());
    assertEquals("spa: --save-rc-stanza: 'a]b' cannot be a stanza name (printable, without [ or ])\n",
        h.run("--save-rc-stanza", "-n", "a]b", "-A", "tcp/22", "-s", "-D", "198.18.0.1", "--key-rijndael", "k").err());
    assertFalse(Files.exists(dir.resolve(".fwknoprc")));
  }

  /** The value of a {@code -T} dump's field, from the first dump. */
  private static String field(String out, String label) {
    return out.lines().filter(l -> l.startsWith(label, 15 - label.length()) && l.length() > 17)
        .map(l -> l.substring(17)).findFirst().orElseThrow(() -> new AssertionError(label + " in\n" + out));
  }

  private static String run(Path program, Path home, List<String> args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(program.toString()));
    argv.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true).directory(home.toFile());
    pb.environment().put("HOME", home.toString());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
