package spa.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.test.support.Required;

/** {@code -l}, {@code --show-last} and {@code --no-save-args}: fwknop's ~/.fwknop.run, read and written as fwknop does. */
class LastCommandTest {
  @TempDir
  Path home;

  private Path runFile() {
    return home.resolve(".fwknop.run");
  }

  /** The value of a {@code -T} dump's field, from the first dump. */
  private static String field(String out, String label) {
    return out.lines().filter(l -> l.startsWith(label, 15 - label.length()) && l.length() > 17)
        .map(l -> l.substring(17)).findFirst().orElseThrow(() -> new AssertionError(label + " in\n" + out));
  }

  @Test
  void aBuiltPacketSavesTheCommandLineAndDashLRunsItAgain() throws Exception {
    CliHarness h = new CliHarness(home);
    CliHarness.Result first = h.run("--no-rc-file", "-C", "echo it's here", "-a", "10.0.0.5", "-D", "127.0.0.1",
        "--key-rijndael", "k", "-T");
    assertEquals(0, first.status(), first.err());
    assertEquals("spa --no-rc-file -C 'echo it'\\''s here' -a 10.0.0.5 -D 127.0.0.1 --key-rijndael k -T \n",
        Files.readString(runFile()));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(runFile())));

    CliHarness.Result shown = h.run("--show-last");
    assertEquals(0, shown.status(), shown.err());
    assertEquals("Last spa command line: spa --no-rc-file -C 'echo it'\\''s here' -a 10.0.0.5 -D 127.0.0.1"
        + " --key-rijndael k -T\n", shown.out());

    CliHarness.Result again = h.run("-l", "-v");
    assertEquals(0, again.status(), again.err());
    assertTrue(again.out().startsWith("Executing: spa --no-rc-file -C "), again.out());
    assertEquals("10.0.0.5,echo it's here", field(again.out(), "Message String"));
  }

  @Test
  void readsFwknopsOwnLine() throws Exception {
    Files.writeString(runFile(), "fwknop -A tcp/22,udp/53 -a 10.0.0.5 -D 127.0.0.1 --key-rijndael k -T --no-rc-file \n");
    CliHarness.Result r = new CliHarness(home).run("--last-cmd");
    assertEquals(0, r.status(), r.err());
    assertEquals("10.0.0.5,tcp/22,udp/53", field(r.out(), "Message String"));
    assertTrue(Files.readString(runFile()).startsWith("fwknop "), "-l leaves the saved line as it was");
  }

  @Test
  void failuresAndNoSaveArgsSaveNothing() {
    CliHarness h = new CliHarness(home);
    assertEquals(1, h.run("--no-rc-file", "-A", "tcp/22", "-a", "10.0.0", "--key-rijndael", "k", "-T").status());
    assertEquals(0, h.run("--no-rc-file", "--no-save-args", "-A", "tcp/22", "-a", "10.0.0.5", "--key-rijndael", "k",
        "-T").status());
    assertFalse(Files.exists(runFile()));
    CliHarness.Result r = h.run("-l");
    assertEquals(1, r.status());
    assertEquals("spa: no saved command line: " + runFile() + " does not exist (spa saves one each time it builds"
        + " a packet)\n", r.err());
  }

  @Test
  void refusalsAreOneLine() throws Exception {
    Files.writeString(runFile(), "spa -l -v\n");
    CliHarness h = new CliHarness(home);
    CliHarness.Result loop = h.run("-l");
    assertEquals(1, loop.status());
    assertEquals("spa: the command line saved in " + runFile() + " has -l/--last-cmd itself; not run again\n",
        loop.err());
    CliHarness.Result others = h.run("-l", "-A", "tcp/22");
    assertEquals(1, others.status());
    assertEquals("spa: -l/--last-cmd takes the whole saved command line; give no other options (--access)\n",
        others.err());
    Files.writeString(runFile(), "spa -C 'unclosed\n");
    CliHarness.Result unclosed = h.run("-l");
    assertEquals("spa: the saved command line has an unclosed ': spa -C 'unclosed\n", unclosed.err());
  }

  /** Side by side: fwknop runs the line spa saved, and spa runs the line fwknop saved, to the same message. */
  @Test
  void fwknopAndSpaShareTheFile() throws Exception {
    Path fwknop = Required.programs("fwknop");
    CliHarness h = new CliHarness(home);
    assertEquals(0, h.run("--no-rc-file", "-A", "tcp/2222", "-a", "10.0.0.7", "-D", "127.0.0.1", "-f", "45",
        "--key-rijndael", "k", "-T").status());
    String fromSpa = fwknop(fwknop, "-l");
    assertEquals("10.0.0.7,tcp/2222", field(fromSpa, "Message String"));
    assertEquals("45", field(fromSpa, "Client Timeout"));

    fwknop(fwknop, "--no-rc-file", "-A", "udp/53", "-a", "10.0.0.8", "-D", "127.0.0.1", "--key-rijndael", "k", "-T");
    assertTrue(Files.readString(runFile()).startsWith(fwknop + " --no-rc-file -A udp/53 "), Files.readString(runFile()));
    CliHarness.Result r = h.run("-l");
    assertEquals(0, r.status(), r.err());
    assertEquals("10.0.0.8,udp/53", field(r.out(), "Message String"));
  }

  private String fwknop(Path program, String... args) throws Exception {
    List<String> argv = new java.util.ArrayList<>(List.of(program.toString()));
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().put("HOME", home.toString());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
