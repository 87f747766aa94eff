package spa.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import spa.core.codec.SpaCodec;

/** {@code spa -T}: the dump layout of fwknop 2.6.10, the round trip, and the type chosen for each request. */
class TestModeTest {
  /** The labels of {@code fwknop -T}, in order, as fwknop 2.6.10 prints them. */
  private static final List<String> FWKNOP_LABELS = List.of(
      "   Random Value", "       Username", "      Timestamp", "    FKO Version", "   Message Type",
      " Message String", "     Nat Access", "    Server Auth", " Client Timeout", "    Digest Type",
      "      HMAC Type", "Encryption Type", "Encryption Mode", "   Encoded Data", "SPA Data Digest",
      "           HMAC", " Final SPA Data");

  @TempDir
  Path home;

  private static Map<String, String> fields(List<String> lines, int from) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = from; i < from + FWKNOP_LABELS.size(); i++) {
      String line = lines.get(i);
      assertEquals(FWKNOP_LABELS.get(i - from), line.substring(0, 15), "label of line " + i);
      assertEquals(": ", line.substring(15, 17));
      m.put(line.substring(0, 15).strip(), line.substring(17));
    }
    return m;
  }

  /** An option given again replaces its value only: the options given between the two stay (quick and picocli paths). */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"-A", "-Atcp/1 -A"})
  void aRepeatedOptionKeepsTheOthers(String firstAccess) throws Exception {
    List<String> args = new java.util.ArrayList<>(List.of("--no-rc-file"));
    args.addAll(List.of(firstAccess.split(" ")));
    args.addAll(List.of("tcp/22", "-a", "198.18.0.5", "-A", "udp/53", "-D", "127.0.0.1", "--key-rijndael", "k", "-T"));
    CliHarness.Result r = new CliHarness(home).run(args.toArray(String[]::new));
    assertEquals(0, r.status(), r.err());
    Map<String, String> built = fields(r.outLines(), 2);
    assertEquals("198.18.0.5,udp/53", built.get("Message String"));
  }

  @Test
  void printsFwknopsLayoutThenTheDecodedPacket() throws Exception {
    CliHarness h = new CliHarness(home);
    CliHarness.Result r = h.run("--no-rc-file", "-A", "tcp/22", "-a", "10.0.0.5", "-D", "127.0.0.1",
        "--key-rijndael", "fwknoptest", "--key-hmac", "hmactest", "-T");
    assertEquals(0, r.status(), r.err());
    assertEquals("", r.err());
    List<String> lines = r.outLines();
    assertEquals("SPA Field Values:", lines.get(0));
    assertEquals("=================", lines.get(1));
    Map<String, String> built = fields(lines, 2);
    assertEquals("", lines.get(19));
    assertEquals("test mode enabled, SPA packet not actually sent.", lines.get(20));
    assertEquals("", lines.get(21));
    assertEquals("Dump of the Decoded Data", lines.get(22));
    assertEquals("SPA Field Values:", lines.get(23));
    Map<String, String> decoded = fields(lines, 25);
    assertEquals(43, lines.size());

    assertTrue(built.get("Random Value").matches("\\d{16}"));
    assertEquals("alice", built.get("Username"));
    assertEquals(Long.toString(CliHarness.NOW), built.get("Timestamp"));
    assertEquals("3.0.0", built.get("FKO Version"));
    assertEquals("1 (Access msg)", built.get("Message Type"));
    assertEquals("10.0.0.5,tcp/22", built.get("Message String"));
    assertEquals("<NULL>", built.get("Nat Access"));
    assertEquals("<NULL>", built.get("Server Auth"));
    assertEquals("0", built.get("Client Timeout"));
    assertEquals("3 (SHA256)", built.get("Digest Type"));
    assertEquals("3 (SHA256)", built.get("HMAC Type"));
    assertEquals("1 (Rijndael)", built.get("Encryption Type"));
    assertEquals("2 (CBC)", built.get("Encryption Mode"));
    String plaintext = built.get("Encoded Data") + ":" + built.get("SPA Data Digest");
    assertEquals("10.0.0.5,tcp/22", SpaCodec.decode(plaintext).message());
    String wire = built.get("Final SPA Data");
    assertTrue(wire.endsWith(built.get("HMAC")));
    assertEquals(43, built.get("HMAC").length());

    for (String k : List.of("Random Value", "Username", "Timestamp", "Message Type", "Message String",
        "Encoded Data", "SPA Data Digest", "HMAC", "Digest Type", "HMAC Type", "Encryption Mode")) {
      assertEquals(built.get(k), decoded.get(k), k);
    }
    assertEquals(wire.substring(0, wire.length() - 43), decoded.get("Final SPA Data"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "-A tcp/22                                  | 1 (Access msg)                       | <NULL>",
      "-A tcp/22 -f 60                            | 3 (Client timeout access msg)        | <NULL>",
      "-A tcp/22 -N 192.168.1.2:80                | 2 (NAT access msg)                   | 192.168.1.2,80",
      "-A tcp/22 -N 192.168.1.2,80 -f 5           | 4 (Client timeout NAT access msg)    | 192.168.1.2,80",
      "-A tcp/22,udp/53 --nat-local               | 5 (Local NAT access msg)             | 127.0.0.1,22",
      "-A tcp/22 --nat-local -f 9                 | 6 (Client timeout local NAT access msg) | 127.0.0.1,22",
      "-C touch_/tmp/x -f 30                      | 0 (Command msg)                      | <NULL>",
      "-A tcp/22 -N 192.168.1.2 --nat-port 4444   | 2 (NAT access msg)                   | 192.168.1.2,22"})
  void choosesTheMessageTypeLikeFwknop(String args, String type, String nat) {
    List<String> argv = new java.util.ArrayList<>(List.of("--no-rc-file", "-a", "10.0.0.5", "-D", "127.0.0.1",
        "--key-rijndael", "k", "-T"));
    for (String a : args.split(" +")) {
      argv.add(a.replace('_', ' '));
    }
    CliHarness.Result r = new CliHarness(home).run(argv.toArray(String[]::new));
    assertEquals(0, r.status(), r.err());
    Map<String, String> f = fields(r.outLines(), 2);
    assertEquals(type, f.get("Message Type"));
    assertEquals(nat, f.get("Nat Access"));
    assertEquals("0 (None)", f.get("HMAC Type"));
    assertEquals("<NULL>", f.get("HMAC"));
    if (args.contains("--nat-port")) {
      assertEquals("10.0.0.5,tcp/4444", f.get("Message String"));
    }
    if (args.startsWith("-C")) {
      assertEquals("0", f.get("Client Timeout"));
      assertEquals("10.0.0.5,touch /tmp/x", f.get("Message String"));
    }
  }

  @Test
  void digestModeAndOffsetsShowInTheDump() {
    CliHarness h = new CliHarness(home);
    h.env.put("SPOOF_USER", "mallory");
    CliHarness.Result r = h.run("--no-rc-file", "-A", "tcp/22", "-s", "-m", "sha3_512", "-M", "ofb",
        "--key-base64-rijndael", "Zndrbm9wdGVzdA==", "--hmac-digest-type", "sha1", "--key-base64-hmac",
        "aG1hY3Rlc3Q", "--time-offset-minus", "2m", "-T");
    assertEquals(0, r.status(), r.err());
    Map<String, String> f = fields(r.outLines(), 2);
    assertEquals("mallory", f.get("Username"));
    assertEquals("0.0.0.0,tcp/22", f.get("Message String"));
    assertEquals(Long.toString(CliHarness.NOW - 120), f.get("Timestamp"));
    assertEquals("7 (SHA3_512)", f.get("Digest Type"));
    assertEquals("2 (SHA1)", f.get("HMAC Type"));
    assertEquals("5 (OFB)", f.get("Encryption Mode"));
    assertEquals(27, f.get("HMAC").length());
  }

  @Test
  void verboseAddsTheSendingBlock() {
    CliHarness.Result r = new CliHarness(home).run("--no-rc-file", "-A", "tcp/22", "-a", "10.0.0.5",
        "-D", "fw.example", "-P", "tcp", "-p", "4000", "--key-rijndael", "k", "-T", "-v");
    assertEquals(0, r.status(), r.err());
    List<String> lines = r.outLines();
    int g = lines.indexOf("Generating SPA packet:");
    assertEquals(List.of(
        "Generating SPA packet:",
        "            protocol: tcp",
        "         source port: <OS assigned>",
        "    destination port: 4000",
        "             IP/host: fw.example",
        "test mode enabled, SPA packet not actually sent."), lines.subList(g, g + 6));
  }

  @Test
  void usernameFallsBackToLognameAccountUserThenNoUser() {
    CliHarness h = new CliHarness(home);
    h.env.put("LOGNAME", "carol");
    String[] args = {"--no-rc-file", "-A", "tcp/22", "-a", "10.0.0.5", "--key-rijndael", "k", "-T"};
    assertEquals("carol", fields(h.run(args).outLines(), 2).get("Username"));
    h.env.remove("LOGNAME");
    assertEquals("alice", fields(h.run(args).outLines(), 2).get("Username"));
    h.account = "root";
    assertEquals("root", fields(h.run(args).outLines(), 2).get("Username"), "the account comes before USER");
    h.account = null;
    h.env.remove("USER");
    assertEquals("NO_USER", fields(h.run(args).outLines(), 2).get("Username"));
    String[] spoofed = {"--no-rc-file", "-A", "tcp/22", "-a", "10.0.0.5", "--key-rijndael", "k", "-T", "-U", "dave"};
    assertEquals("dave", fields(h.run(spoofed).outLines(), 2).get("Username"));
  }

  @Test
  void eachRunHasItsOwnRandomValue() {
    CliHarness h = new CliHarness(home);
    String[] args = {"--no-rc-file", "-A", "tcp/22", "-a", "10.0.0.5", "--key-rijndael", "k", "-T"};
    assertNotEquals(fields(h.run(args).outLines(), 2).get("Random Value"),
        fields(h.run(args).outLines(), 2).get("Random Value"));
  }
}
