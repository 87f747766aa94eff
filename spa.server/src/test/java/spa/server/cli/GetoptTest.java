package spa.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** spad's command line read as getopt_long reads fwknopd's. */
class GetoptTest {
  private static SpadCommand parse(String... args) throws Getopt.UsageException {
    SpadCommand c = new SpadCommand();
    spadOptions().parse(args, c);
    return c;
  }

  private static Getopt<SpadCommand> spadOptions() {
    return SpadCommand.options();
  }

  private static String error(String... args) {
    return assertThrows(Getopt.UsageException.class, () -> parse(args)).getMessage();
  }

  @Test
  void shortFlagsClusterAndValuesAttachOrFollow() throws Exception {
    SpadCommand c = parse("-tvv", "-C5", "-a", "access.conf", "-fc/etc/fwknop/fwknopd.conf");
    assertTrue(c.test);
    assertEquals(2, c.verbose);
    assertEquals(5, c.packetLimit);
    assertEquals(Path.of("access.conf"), c.accessFile);
    assertTrue(c.foreground);
    assertEquals(Path.of("/etc/fwknop/fwknopd.conf"), c.configFile);
  }

  @Test
  void longValuesAfterEqualsOrNextAndDoubleDashEndsOptions() throws Exception {
    SpadCommand c = parse("--pcap-file=in.pcap", "--packet-limit", "7", "--log-format=json", "--verbose", "--");
    assertEquals(Path.of("in.pcap"), c.pcapFile);
    assertEquals(7, c.packetLimit);
    assertEquals("json", c.logFormat);
    assertEquals(1, c.verbose);
    SpadCommand eq = parse("--pcap-filter=udp port 62201 or udp port 1");
    assertEquals("udp port 62201 or udp port 1", eq.pcapFilter);
    SpadCommand dash = parse("-P", "-C"); // a value may start with '-'
    assertEquals("-C", dash.pcapFilter);
    assertEquals(0, dash.packetLimit);
  }

  @Test
  void overrideFilesSplitOnCommasAndRepeat() throws Exception {
    SpadCommand c = parse("-O", "a.conf,b.conf", "--override-config=c.conf");
    assertEquals(List.of(Path.of("a.conf"), Path.of("b.conf"), Path.of("c.conf")), c.overrideFiles);
  }

  @Test
  void defaultsWithoutOptions() throws Exception {
    SpadCommand c = parse();
    assertEquals("text", c.logFormat);
    assertEquals(0, c.verbose);
    assertFalse(c.test);
    assertTrue(c.overrideFiles.isEmpty());
  }

  @Test
  void fwknopdsLocaleAndSudoOptionsAreTaken() throws Exception {
    SpadCommand c = parse("-l", "C", "--locale=de_DE.UTF-8", "--sudo-exe", "/bin/true");
    assertEquals("/bin/true", c.commandLine().get("SUDO_EXE").orElseThrow());
  }

  @Test
  void badCommandLinesNameTheProblem() {
    assertEquals("Unknown option: '--no-such-option'", error("--no-such-option"));
    assertEquals("Unknown option: '--pcap'", error("--pcap=x")); // long names are not abbreviated
    assertEquals("Unknown option: '-x' in '-txv'", error("-txv"));
    assertEquals("Missing required parameter for option '--pcap-file' (FILE)", error("--pcap-file"));
    assertEquals("Missing required parameter for option '--packet-limit' (N)", error("-t", "-C"));
    assertEquals("Invalid value for option '--packet-limit': 'abc' is not a number of packets (0..2147483647)", error("-C", "abc"));
    assertEquals("Invalid value for option '--packet-limit': '-1' is not a number of packets (0..2147483647)", error("-C-1"));
    assertEquals("Invalid value for option '--access-file': empty path", error("--access-file="));
    assertTrue(error("-a", "bad\0path").startsWith("Invalid value for option '--access-file': "));
    assertEquals("Option '--test' takes no value", error("--test=yes"));
    assertEquals("Unexpected argument: 'foo'", error("-t", "foo"));
    assertEquals("Option '--syslog-enable' is not supported: spad writes its lines to standard output and error, and "
        + "to syslog too when the configuration sets SYSLOG_IDENTITY or SYSLOG_FACILITY", error("--syslog-enable"));
    assertTrue(error("--fw-del-chains").startsWith("Option '--fw-del-chains' is not supported: "));
    assertEquals("Invalid value for option '--sudo-exe': '/nonexistent/sudo' is not an executable file",
        error("--sudo-exe", "/nonexistent/sudo"));
    assertEquals("Unexpected argument: 'foo'", error("--", "foo"));
  }

  @Test
  void helpListsEveryOptionWithinEightyColumns() {
    String help = spadOptions().help(80);
    for (String name : List.of("-c, --config-file=FILE", "--access-folder=DIR", "-C, --packet-limit=N", "-v, --verbose",
        "--list-plugins", "--fw-flush", "-V, --version", "--log-format=FORMAT")) {
      assertTrue(help.contains(name), name + " in\n" + help);
    }
    help.lines().forEach(l -> assertTrue(l.length() <= 80, l));
    assertTrue(help.contains("no firewall change, no\n") || help.contains("no replay-cache write"), help);
  }
}
