package spa.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.fw.ipfw.IpfwSimulator;
import spa.fw.pf.PfctlSimulator;
import spa.fw.testkit.SimulatedTool;

/**
 * The image's pf and ipfw plugins, driven by {@code spad --fw-list} and {@code --fw-flush} as an admin would,
 * with the pfctl and ipfw simulators installed as PFCTL_EXE and IPFW_EXE (no BSD kernel here): spad finds each
 * plugin in its layer, lists the opening an earlier run left, and flushes spa's rules only.
 */
class BsdFirewallIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private final Image image = Image.get();

  @Test
  void pfOpeningsAreListedAndFlushedLeavingTheMainRuleset(@TempDir Path dir) throws Exception {
    Path state = dir.resolve("pf.state");
    Path pfctl = SimulatedTool.install(dir, "pfctl", PfctlSimulator.class, state, spa.core.IpAddresses.class);
    long exp = Instant.now().getEpochSecond() + 300;
    sim(PfctlSimulator::call, state, "anchor \"fwknop\"\nblock in proto tcp from any to any port 22\n", "-f", "-");
    sim(PfctlSimulator::call, state, "pass in quick proto tcp from 198.18.0.2 to any port 22 keep state label _exp_"
        + exp + "\n", "-a", "fwknop", "-f", "-");
    String main = sim(PfctlSimulator::call, state, null, "-s", "rules");

    Run.Result list = spad(dir, "pf", "PFCTL_EXE " + pfctl, "--fw-list");
    assertEquals(0, list.exitCode(), list::describe);
    assertTrue(list.stdout().matches("(?s)198\\.18\\.0\\.2 \\[tcp/22] expires in 2\\d\\ds.*"), list::describe);
    Run.Result all = spad(dir, "pf", "PFCTL_EXE " + pfctl, "--fw-list-all");
    assertEquals(1, all.exitCode(), all::describe);
    assertTrue(all.stderr().contains(
        "spad: firewall: pf cannot print the whole firewall policy; --fw-list shows spa's openings\n"), all::describe);

    Run.Result flush = spad(dir, "pf", "PFCTL_EXE " + pfctl, "--fw-flush");
    assertEquals(0, flush.exitCode(), flush::describe);
    assertTrue(flush.stdout().contains("removed every opening pf held for spa"), flush::describe);
    assertEquals("", sim(PfctlSimulator::call, state, null, "-a", "fwknop", "-s", "rules"));
    assertEquals(main, sim(PfctlSimulator::call, state, null, "-s", "rules"));
    assertTrue(spad(dir, "pf", "PFCTL_EXE " + pfctl, "--fw-list").stdout().contains("spad: no openings"));
  }

  @Test
  void ipfwOpeningsAreListedAndFlushedLeavingTheAdminsRules(@TempDir Path dir) throws Exception {
    Path state = dir.resolve("ipfw.state");
    Path ipfw = SimulatedTool.install(dir, "ipfw", IpfwSimulator.class, state, spa.core.IpAddresses.class);
    long exp = Instant.now().getEpochSecond() + 300;
    sim(IpfwSimulator::call, state, null, "-q", "add", "100", "allow", "tcp", "from", "any", "to", "me", "dst-port",
        "80");
    sim(IpfwSimulator::call, state, null, "-q", "add", "10000", "set", "1", "pass", "tcp", "from", "fd00::2", "to",
        "me6", "dst-port", "22", "setup", "keep-state", "//", "_exp_" + exp);
    sim(IpfwSimulator::call, state, null, "set", "disable", "2");

    Run.Result list = spad(dir, "ipfw", "IPFW_EXE " + ipfw, "--fw-list");
    assertEquals(0, list.exitCode(), list::describe);
    assertTrue(list.stdout().matches("(?s)fd00::2 \\[tcp/22] expires in 2\\d\\ds.*"), list::describe);

    Run.Result flush = spad(dir, "ipfw", "IPFW_EXE " + ipfw, "--fw-flush");
    assertEquals(0, flush.exitCode(), flush::describe);
    assertEquals("""
        00100 set 0 allow tcp from any to me dst-port 80
        65535 set 31 deny ip from any to any
        """, sim(IpfwSimulator::call, state, null, "-S", "list"));
  }

  private Run.Result spad(Path dir, String firewall, String conf, String option) throws Exception {
    Path fwknopd = write(dir, "fwknopd.conf", conf + "\n");
    Keys keys = Keys.randomBase64();
    Path access = write(dir, "access.conf", "SOURCE ANY\nKEY_BASE64 " + keys.key() + "\nHMAC_KEY_BASE64 "
        + keys.hmacKey() + "\n");
    Path run = Files.createDirectories(dir.resolve("run"));
    return Run.run(List.of(image.spad().toString(), "-c", fwknopd.toString(), "-a", access.toString(),
        "--firewall", firewall, "-r", run.toString(), "-d", run.resolve("digest.cache").toString(),
        "-p", run.resolve("spad.pid").toString(), option), Map.of(), dir, LIMIT);
  }

  private static Path write(Path dir, String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    return p;
  }

  /** Sets up or reads the simulated firewall directly, as the admin's own tooling would. */
  private static String sim(SimulatedTool.Program program, Path state, String stdin, String... args) throws Exception {
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    int status = program.call(state, new ArrayList<>(List.of(args)), stdin, out, err);
    assertEquals(0, status, err::toString);
    return out.toString();
  }
}
