package spa.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every failure is one line on standard error with a non-zero status; help and version read well. */
class ErrorsAndHelpTest {
  @TempDir
  Path home;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "-A tcp/22 -a 10.0.0.5 -k2                          | 2 | spa: Unknown option: '-2' (while processing option: '-k2') (see spa --help)",
      "-A tcp/22 -a 10.0.0.5 --key-rijndael k stray        | 2 | spa: Unmatched argument at index 7: 'stray' (see spa --help)",
      "-A                                                  | 2 | spa: Missing required parameter for option '--access' (<proto/port>[,...]) (see spa --help)",
      "-A tcp/22 --key-rijndael k -T                       | 1 | spa: no allow IP: use -a <ip>, -s (the packet's source) or -R (resolve the external address)",
      "-a 10.0.0.5 --key-rijndael k -T                     | 1 | spa: nothing to request: use -A proto/port (or ACCESS in the rc file), or -C <command>",
      "-A tcp/22 -a 10.0.0.5 --key-rijndael k              | 1 | spa: no server given: use -D <host> or SPA_SERVER in the rc file",
      "-A tcp/22 -a 10.0.0.5 -D 1.2.3.4 -P smtp --key-rijndael k | 1 | spa: --server-proto: unknown server protocol 'smtp'; use udp, tcp, http, udpraw, tcpraw or icmp",
      "-A tcp/22 -a 10.0.0.5 -D 1.2.3.4 -Q 1.1.1.1 --key-rijndael k | 1 | spa: --spoof-source: a spoofed source needs a raw mode: -P udpraw, tcpraw or icmp (as root)",
      "-A tcp/22 -a 10.0.0.5 -D 1.2.3.4 -P icmp -6 --key-rijndael k | 1 | spa: -P icmp sends over IPv4 only (as fwknop does); drop -6",
      "-A tcp/22 -a 10.0.0 --key-rijndael k -T             | 1 | spa: --allow-ip: '10.0.0' is not an IPv4 address, 'source' or 'resolve'",
      "-A tcp/22 -a 10.0.0.5 -s --key-rijndael k -T        | 1 | spa: options -a and -s both give the allow IP; use one",
      "-A tcp/22 -a 10.0.0.5 -m sha2 --key-rijndael k -T   | 1 | spa: --digest-type: unknown digest 'sha2'; use md5, sha1, sha256, sha384, sha512, sha3_256, sha3_512",
      "-A tcp/22 -a 10.0.0.5 -f 70000 --key-rijndael k -T  | 1 | spa: --fw-timeout: '70000' is not a number of seconds 0..65536",
      "-A tcp/22 -a 10.0.0.5 -p 0 --key-rijndael k -T      | 1 | spa: --server-port: '0' is not a port number 1..65535",
      "-A tcp/99999 -a 10.0.0.5 --key-rijndael k -T        | 1 | spa: --access: port must be 1..65535 in 'tcp/99999'",
      "-A tcp/22 -a 10.0.0.5 --time-offset-plus 3x --key-rijndael k -T | 1 | spa: --time-offset-plus: '+3x' is not a time offset (0..65536 with an optional m, h or d suffix)",
      "-A tcp/22,udp/53 -a 10.0.0.5 --nat-port 5 --key-rijndael k -T | 1 | spa: --nat-port: replacing the access port needs exactly one proto/port in ACCESS, not 2",
      "-A tcp/22 -a 10.0.0.5 -b --key-rijndael k -T        | 1 | spa: -b/--save-packet-append needs -B <file>",
      "-A tcp/22 -a 10.0.0.5 --key-rijndael 123456789012345678901234567890123 -T | 1 | spa: --key-rijndael: Invalid key length: 33 bytes, Rijndael keys are 0..32 bytes",
      "-A tcp/22 -a 10.0.0.5 -M legacy --key-rijndael k --key-hmac h -T | 1 | spa: --encryption-mode: legacy mode cannot be combined with an HMAC",
      "-A tcp/22 -a 10.0.0.5 -U a:b --key-rijndael k -T    | 1 | spa: --spoof-user: character ':' is not allowed",
      "-A tcp/22 -a 10.0.0.5 --key-rijndael k -G f -T      | 1 | spa: options --key-rijndael and -G both give the encryption key; use one",
      "-A tcp/22 -a fd00::5 --key-rijndael k -T           | 1 | spa: --allow-ip: 'fd00::5' is an IPv6 address, and fwknop 2.6's SPA message carries an IPv4 allow IP only (-s lets the server use the packet's source)",
      "-A tcp/22 -a 10.0.0.5 -4 -6 --key-rijndael k -T     | 1 | spa: options -4 and -6 both give the server's address family; use one",
      "-A tcp/22 -a 10.0.0.5 -6 --server-resolve-ipv4 --key-rijndael k -T | 1 | spa: options -6 and --server-resolve-ipv4 both give the server's address family; use one",
      "-A tcp/22 -a 10.0.0.5 -4 -D ::1 --key-rijndael k    | 1 | spa: server '::1' has no IPv4 address",
      "-A tcp/22 -a 10.0.0.5 -6 -D 127.0.0.1 --key-rijndael k | 1 | spa: server '127.0.0.1' has no IPv6 address",
      "-A tcp/22 -a 10.0.0.5 -6 -D 127.0.0.1 -P tcp --key-rijndael k | 1 | spa: server '127.0.0.1' has no IPv6 address",
      "-A tcp/22 -R -w /usr/bin/wget --key-rijndael k -T   | 1 | spa: -w/--wget-cmd: spa runs no external program; it fetches the -R page itself over HTTP(S) (drop the option)",
      "-A tcp/22 -R --curl-cmd /usr/bin/curl --key-rijndael k -T | 1 | spa: --curl-cmd: spa runs no external program; it fetches the -R page itself over HTTP(S) (drop the option)",
      "-k --key-len 0                                      | 1 | spa: --key-len 0: encryption keys are 1..32 bytes",
      "-n x                                                | 1 | spa: --named-config: needs an rc file, but --no-rc-file was given"})
  void errorsAreOneLine(String args, int status, String message) {
    List<String> argv = new java.util.ArrayList<>(List.of("--no-rc-file"));
    argv.addAll(List.of(args.trim().split(" +")));
    CliHarness.Result r = new CliHarness(home).run(argv.toArray(String[]::new));
    assertEquals(status, r.status(), r.err());
    assertEquals(message + "\n", r.err());
    assertFalse(r.err().contains("\tat "));
  }

  @Test
  void commandTooLongForRijndaelIsRefused() {
    CliHarness.Result r = new CliHarness(home).run("--no-rc-file", "-C", "echo " + "A".repeat(150), "-a",
        "10.0.0.5", "--key-rijndael", "k", "-T");
    assertEquals(1, r.status());
    assertTrue(r.err().startsWith("spa: cannot build the SPA packet: ") && r.err().contains("271"), r.err());
    assertEquals(1, r.err().lines().count());
    CliHarness.Result ok = new CliHarness(home).run("--no-rc-file", "-C", "echo " + "A".repeat(100), "-a",
        "10.0.0.5", "--key-rijndael", "k", "-T");
    assertEquals(0, ok.status(), ok.err());
  }

  @Test
  void sendFailureIsOneLine() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    CliHarness.Result r = new CliHarness(home).run("--no-rc-file", "-A", "tcp/22", "-a", "10.0.0.5", "-D",
        "127.0.0.1", "-p", Integer.toString(port), "-P", "tcp", "--key-rijndael", "k");
    assertNotEquals(0, r.status());
    assertTrue(r.err().startsWith("spa: cannot send the SPA packet over tcp to 127.0.0.1:" + port + ": "), r.err());
    assertEquals(1, r.err().lines().count());
  }

  @Test
  void helpIsGroupedWithOneLinePerOption() {
    CliHarness.Result r = new CliHarness(home).run("--help");
    assertEquals(0, r.status());
    String help = r.out();
    List<String> headings = List.of("What to ask for:", "Where and how to send:", "Keys and encryption:",
        "Key generation:", "Configuration:", "Output:");
    int last = -1;
    for (String h : headings) {
      int at = help.indexOf("\n" + h + "\n");
      assertTrue(at > last, h + " in order in\n" + help);
      last = at;
    }
    for (String opt : List.of("-A, --access", "-a, --allow-ip", "-s, --source-ip", "-D, --destination",
        "-p, --server-port", "-P, --server-proto", "-n, --named-config", "-f, --fw-timeout", "-C, --server-cmd",
        "-N, --nat-access", "--nat-local", "--nat-port", "-m, --digest-type", "-M, --encryption-mode",
        "--use-hmac", "--hmac-digest-type", "--key-rijndael", "--key-base64-rijndael", "--key-hmac",
        "--key-base64-hmac", "-G, --get-key", "--get-hmac-key", "-k, --key-gen", "-K, --key-gen-file",
        "--key-len", "--hmac-key-len", "-T, --test", "-B, --save-packet", "-b, --save-packet-append",
        "-U, --spoof-user", "--time-offset-plus", "--time-offset-minus", "--rc-file", "--no-rc-file",
        "-R, ", "--resolve-ip-https", "--resolve-url", "-v, --verbose", "-V, --version", "-h, --help")) {
      assertTrue(help.contains(opt), opt);
    }
    for (String line : help.lines().toList()) {
      assertTrue(line.length() <= 100, "line too long: " + line);
    }
    String options = help.substring(help.indexOf("What to ask for:"), help.indexOf("Settings come from"));
    boolean described = false;
    for (String line : options.lines().toList()) {
      boolean option = line.matches("\\s+-.*");
      if (!option && line.startsWith(" ")) {
        assertFalse(described, "a description goes on over two lines: " + line);
        described = true;
      } else {
        described = option && line.strip().contains("  ");
      }
    }
    assertFalse(help.contains("--wget-cmd"), "unsupported options stay out of the help");
  }

  @Test
  void plainSpaPrintsAShortUsage() {
    CliHarness.Result r = new CliHarness(home).run();
    assertEquals(2, r.status());
    assertEquals("", r.out());
    List<String> lines = r.err().lines().toList();
    assertEquals("Send a Single Packet Authorization (SPA) packet to an fwknop-compatible server.", lines.get(0));
    assertTrue(lines.get(1).startsWith("Usage: spa -A <proto/port>"), r.err());
    assertEquals("See spa --help for the options.", lines.get(lines.size() - 1));
    assertTrue(lines.size() <= 6, r.err());
    assertFalse(r.err().contains("allow IP"), r.err());
  }

  @Test
  void plainSpaUsesADefaultStanzaThatNamesTheServer() throws Exception {
    java.nio.file.Files.writeString(home.resolve(".fwknoprc"), "[default]\nSPA_SERVER 127.0.0.1\n");
    java.nio.file.Files.setPosixFilePermissions(home.resolve(".fwknoprc"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    CliHarness.Result r = new CliHarness(home).run();
    assertEquals(1, r.status());
    assertEquals("spa: no allow IP: use -a <ip>, -s (the packet's source) or -R (resolve the external address)\n",
        r.err());
  }

  @Test
  void versionNamesTheProject() {
    CliHarness.Result r = new CliHarness(home).run("-V");
    assertEquals(0, r.status());
    assertTrue(r.out().matches("spa client \\d+\\.\\d+\\.\\d+.*, FKO protocol version 3\\.0\\.0 \\(fwknop 2\\.6 compatible\\)\n"),
        r.out());
  }
}
