package spa.distribution.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.distribution.e2e.Site.A4;
import static spa.distribution.e2e.Site.SERVER4;
import static spa.distribution.e2e.Site.SSH;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.cmd.exec.ExecRunner;
import spa.fw.testkit.Probe;

/**
 * {@code spa-assemble --deb} of the image: the package's layout, conffile and units ({@code systemd-analyze verify}
 * on the unpacked tree), and the unit's ExecStart run as systemd would, as an unprivileged user with only
 * CAP_NET_ADMIN and CAP_NET_RAW ({@code setpriv}), opening tcp/22 for a knock in the namespaces.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = java.util.concurrent.TimeUnit.SECONDS)
class DebPackageIT {
  /** The user the test runs spad as: nobody, as nothing is installed here (DebInstallIT: the package's spa). */
  private static final String USER = "nobody";

  private final Path image = Path.of(System.getProperty("spa.image")).toAbsolutePath();
  private final ExecRunner exec = new ExecRunner();
  private Path dir;
  private Path deb;
  private Path root;
  private Site site;

  @BeforeAll
  void build(@TempDir Path dir) throws Exception {
    this.dir = dir;
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // nobody reaches the tree
    deb = dir.resolve("spa.deb");
    CommandResult r = run("env", "JAVA_HOME=" + System.getProperty("java.home"),
        image.resolve("bin/spa-assemble").toString(), "--deb", deb.toString());
    assertTrue(r.ok(), r::failure);
    root = dir.resolve("root");
    CommandResult x = run("dpkg-deb", "-x", deb.toString(), root.toString());
    assertTrue(x.ok(), x::failure);
  }

  @AfterAll
  void deleteSite() {
    if (site != null) {
      site.close();
    }
  }

  private CommandResult run(String... argv) {
    return exec.run(Command.of(argv).withTimeout(Duration.ofSeconds(120)));
  }

  @Test
  void thePackageInstallsUnderUsrLibSpaWithItsConffileAndUnits() {
    CommandResult c = run("dpkg-deb", "-c", deb.toString());
    assertTrue(c.ok(), c::failure);
    for (String p : List.of("./usr/lib/spa/bin/spad", "./usr/lib/spa/lib/launcher.sh", "./usr/bin/spad -> ../lib/spa/bin/spad",
        "./usr/bin/spa -> ../lib/spa/bin/spa", "./etc/spa/spad.conf", "./usr/share/doc/spa/examples/access.conf",
        "./lib/systemd/system/spad.service", "./lib/systemd/system/spad@.service", "./usr/lib/tmpfiles.d/spa.conf",
        "./usr/lib/sysusers.d/spa.conf")) {
      assertTrue(c.stdout().contains(p), () -> p + " not in the package:\n" + c.stdout());
    }
    assertTrue(c.stdout().lines().noneMatch(l -> l.contains("./usr/lib/spa/conf")), "the examples are docs, not read");
    CommandResult f = run("dpkg-deb", "-f", deb.toString(), "Package", "Architecture");
    assertEquals("Package: spa\nArchitecture: all\n", f.stdout(), f::failure);
    CommandResult conffiles = run("dpkg-deb", "-I", deb.toString(), "conffiles");
    assertEquals("/etc/spa/spad.conf\n", conffiles.stdout(), conffiles::failure);
  }

  @Test
  void manPagesAndCompletionsCoverEveryOptionOfTheHelp() throws Exception {
    CommandResult help = run(image.resolve("bin/spad").toString(), "--help");
    assertTrue(help.ok(), help::failure);
    String page;
    try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(root.resolve("usr/share/man/man8/spad.8.gz")))) {
      page = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    assertTrue(page.startsWith(".TH SPAD 8 "), page);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("--[a-z][a-z-]+").matcher(help.stdout());
    int options = 0;
    while (m.find()) {
      options++;
      String escaped = m.group().replace("-", "\\-");
      assertTrue(page.contains(escaped), () -> m.group() + " not in spad(8)");
    }
    assertTrue(options > 20, help.stdout());
    assertTrue(Files.isRegularFile(root.resolve("usr/share/man/man1/spa.1.gz")));
    CommandResult complete = run("bash", "-c", "source " + root.resolve("usr/share/bash-completion/completions/spad")
        + "; COMP_WORDS=(spad --exit-p); COMP_CWORD=1; _spad; echo \"${COMPREPLY[*]}\"");
    assertEquals("--exit-parse-config\n", complete.stdout(), complete::failure);
  }

  @Test
  void theUnitsPassSystemdAnalyzeVerifyAndScoreWellInSecurity() throws Exception {
    // the units as installed, but with spad where the unpacked package has it (verify checks the executables)
    Path units = Files.createDirectories(dir.resolve("units"));
    Path unitDir = root.resolve("lib/systemd/system");
    for (String[] u : new String[][] {{"spad.service", "spad.service"}, {"spad@.service", "spad@main.service"}}) {
      Path copy = units.resolve(u[1]);
      Files.writeString(copy, Files.readString(unitDir.resolve(u[0])).replace("/usr/bin/spad", root + "/usr/bin/spad"));
      CommandResult v = run("systemd-analyze", "verify", copy.toString());
      assertTrue(v.ok() && v.stderr().isBlank(), () -> u[1] + ": " + v.failure() + "\n" + v.stderr());
      CommandResult sec = run("systemd-analyze", "security", "--offline=yes", copy.toString());
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d)")
          .matcher(sec.stdout());
      assertTrue(m.find(), sec::failure);
      assertTrue(Double.parseDouble(m.group(1)) <= 2.5, () -> u[1] + " exposure " + m.group(1) + ":\n" + sec.stdout());
    }
  }

  @Test
  void execStartAsAnUnprivilegedUserWithTwoCapabilitiesOpensAPort() throws Exception {
    site = Site.create();
    Backend.NFTABLES.reset(site);
    Path work = Files.createDirectories(dir.resolve("e2e"));
    ServerFiles.StanzaKeys keys = ServerFiles.StanzaKeys.random();
    ServerFiles files = ServerFiles.write(work, keys, Backend.NFTABLES.conf());
    CommandResult own = run("chown", "-R", USER, work.toString());
    assertTrue(own.ok(), own::failure);
    // as systemd starts ExecStart: User=, AmbientCapabilities=, CapabilityBoundingSet=, NoNewPrivileges=
    List<String> asUnit = new ArrayList<>(List.of("setpriv", "--reuid=" + USER, "--regid=nogroup", "--clear-groups",
        "--inh-caps=-all,+net_admin,+net_raw", "--ambient-caps=-all,+net_admin,+net_raw",
        "--bounding-set=-all,+net_admin,+net_raw", "--no-new-privs", "env", "JAVA_HOME=" + System.getProperty("java.home")));
    Path pkg = root.resolve("usr/lib/spa");
    try (Spad spad = Spad.start(site, pkg, files, Backend.NFTABLES, "spad", asUnit)) {
      String status = Files.readString(Path.of("/proc", Long.toString(spad.pid()), "status"));
      assertTrue(status.lines().anyMatch(l -> l.matches("Uid:\\s+65534\\s+65534\\s+65534\\s+65534")), status);
      assertTrue(status.lines().anyMatch(l -> l.equals("CapEff:\t0000000000003000")), status); // NET_ADMIN, NET_RAW
      Knocker.SPA.knock(site, image, work, keys.access(), "-A", "tcp/22", "-a", A4, "-D", SERVER4);
      spad.await("grant for " + A4, e -> e.is("grant", A4), Duration.ofSeconds(10));
      assertEquals(Probe.Outcome.REACHED, site.connect(A4, SERVER4, SSH).outcome(), spad::output);
    }
  }
}
