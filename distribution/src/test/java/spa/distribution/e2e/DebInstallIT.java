package spa.distribution.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.distribution.e2e.Site.A4;
import static spa.distribution.e2e.Site.SERVER4;
import static spa.distribution.e2e.Site.SSH;
import static spa.distribution.e2e.Site.WEB;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import spa.test.support.Required;

/**
 * The .deb's life on a machine, as root with dpkg, in a {@link Sandbox} (overlays over /usr, /etc, /var; a tmpfs
 * /run; no systemd): {@code dpkg -i} puts its files in place and creates the user spa, a second {@code dpkg -i}
 * keeps the admin's conffile, the unit's ExecStartPre and ExecStart run as user spa with the two capabilities and
 * open tcp/22 for a knock, the unit's ExecReload applies a changed configuration, an upgrade leaves spad running
 * with its openings, {@code dpkg -r} stops that spad and leaves no opening behind, {@code dpkg --purge}
 * removes configuration and state. The machine itself ends as it began.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DebInstallIT {
  private static final List<String> INSTALLED = List.of("/usr/lib/spa/bin/spad", "/usr/lib/spa/bin/spa",
      "/usr/lib/spa/lib/launcher.sh", "/usr/bin/spa", "/usr/bin/spad", "/etc/spa/spad.conf",
      "/lib/systemd/system/spad.service", "/lib/systemd/system/spad@.service", "/usr/lib/tmpfiles.d/spa.conf",
      "/usr/lib/sysusers.d/spa.conf", "/usr/share/man/man1/spa.1.gz", "/usr/share/man/man8/spad.8.gz",
      "/usr/share/bash-completion/completions/spa", "/usr/share/bash-completion/completions/spad",
      "/usr/share/doc/spa/examples/spad.conf", "/usr/share/doc/spa/examples/access.conf");
  /** What the machine must not hold before or after: the test would not be telling its own files apart. */
  private static final List<Path> HOST = List.of(Path.of("/usr/lib/spa"), Path.of("/etc/spa"), Path.of("/var/lib/spa"),
      Path.of("/var/lib/dpkg/info/spa.list"));

  private final Path image = Path.of(System.getProperty("spa.image")).toAbsolutePath();
  private final ExecRunner exec = new ExecRunner();
  private Path dir;
  private Path deb;
  private Site site;
  private Sandbox sandbox;
  private Process spad;

  @BeforeAll
  void build(@TempDir Path dir) {
    Required.root();
    Required.programs("dpkg", "unshare", "nsenter", "setpriv", "nft", "nc");
    for (Path p : HOST) {
      Required.that(!Files.exists(p), "a machine without spa installed for real (" + p + " exists)");
    }
    this.dir = dir;
    deb = dir.resolve("spa.deb");
    CommandResult r = exec.run(Command.of("env", "JAVA_HOME=" + System.getProperty("java.home"),
        image.resolve("bin/spa-assemble").toString(), "--deb", deb.toString()).withTimeout(Duration.ofSeconds(120)));
    assertTrue(r.ok(), r::failure);
  }

  @AfterAll
  void cleanUp() throws Exception {
    if (spad != null) {
      spad.destroyForcibly();
      spad.waitFor(10, TimeUnit.SECONDS);
    }
    if (sandbox != null) {
      sandbox.close();
    }
    if (site != null) {
      site.close();
    }
  }

  @Test
  void installUpgradeRunRemoveAndPurgeLeaveTheMachineAsItWas() throws Exception {
    String passwd = Files.readString(Path.of("/etc/passwd"));
    String group = Files.readString(Path.of("/etc/group"));
    site = Site.create(); // before the sandbox: its /run/netns is the machine's as it is then
    Backend.NFTABLES.reset(site);
    sandbox = Sandbox.create(dir.resolve("sandbox"), "usr", "etc", "var", "run");

    ok(sandbox.run("dpkg", "-i", deb.toString()));
    assertEquals(List.of(), sandbox.missing(INSTALLED));
    CommandResult user = sandbox.run("getent", "passwd", "spa");
    assertTrue(user.ok() && user.stdout().strip().endsWith(":/var/lib/spa:/usr/sbin/nologin"), user::failure);
    assertEquals("spa:spa 600", sandbox.owner("/etc/spa/spad.conf"));
    assertEquals("spa:spa 750", sandbox.owner("/var/lib/spa"));
    assertEquals("spa:spa 750", sandbox.owner("/run/spa")); // tmpfiles.d, as at boot

    // the admin's configuration survives a second installation of the package
    Keys keys = Keys.random();
    String conf = conf(keys, "tcp/22");
    ok(sandbox.run(Command.of("sh", "-c", "cat > /etc/spa/spad.conf").withInput(conf)));
    ok(sandbox.run("dpkg", "-i", deb.toString()));
    assertEquals(conf, ok(sandbox.run("cat", "/etc/spa/spad.conf")));
    assertEquals("spa:spa 600", sandbox.owner("/etc/spa/spad.conf"));

    // the unit's ExecStartPre and ExecStart, as systemd would run them (User=spa, the two capabilities)
    String unit = ok(sandbox.run("cat", "/lib/systemd/system/spad.service"));
    CommandResult pre = asUnit(line(unit, "ExecStartPre"));
    assertTrue(pre.ok() && pre.stdout().contains("configuration is valid"), pre::failure);
    Path out = dir.resolve("spad.out");
    Path err = dir.resolve("spad.err");
    List<String> argv = new ArrayList<>(sandbox.prefix());
    argv.addAll(site.inServer());
    argv.addAll(unitUser());
    argv.addAll(line(unit, "ExecStart"));
    spad = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    awaitReady(err, out);
    Knocker.SPA.knock(site, image, Files.createDirectories(dir.resolve("client")), keys, "-A", "tcp/22", "-a", A4,
        "-D", SERVER4);
    awaitOpenings(1, out, err);
    assertEquals(Probe.Outcome.REACHED, site.connect(A4, SERVER4, SSH).outcome(), () -> read(out) + read(err));

    // systemctl reload: the unit's ExecReload, as user spa, with $MAINPID; the new configuration protects tcp/80
    // at once and takes only the new keys
    Keys newKeys = Keys.random();
    conf = conf(newKeys, "tcp/22,tcp/80");
    ok(sandbox.run(Command.of("sh", "-c", "cat > /etc/spa/spad.conf").withInput(conf)));
    List<String> reload = line(unit, "ExecReload").stream()
        .map(w -> w.replace("$MAINPID", Long.toString(spad.pid()))).toList();
    ok(asUnit(reload));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (site.connect(A4, SERVER4, WEB).outcome() != Probe.Outcome.FILTERED) {
      assertTrue(spad.isAlive() && System.nanoTime() < deadline, () -> "no reload:\n" + read(out) + read(err));
    }
    Knocker.SPA.knock(site, image, dir.resolve("client"), newKeys, "-A", "tcp/80", "-a", A4, "-D", SERVER4);
    awaitOpenings(2, out, err);
    assertEquals(Probe.Outcome.REACHED, site.connect(A4, SERVER4, WEB).outcome(), () -> read(out) + read(err));

    // an upgrade while spad runs: spad runs on (on the files it has open), its openings stay
    ok(sandbox.run(Command.of(concat(site.inServer(), "dpkg", "-i", deb.toString()))));
    assertTrue(spad.isAlive(), () -> "an upgrade stopped spad:\n" + read(out) + read(err));
    assertEquals(2, Backend.NFTABLES.openings(site, A4), () -> site.server("nft", "list", "ruleset"));

    // dpkg -r in the daemon's network namespace, where its firewall is: prerm stops it and flushes its openings
    CommandResult remove = sandbox.run(Command.of(concat(site.inServer(), "dpkg", "-r", "spa")));
    assertTrue(remove.ok(), remove::failure);
    assertTrue(spad.waitFor(5, TimeUnit.SECONDS), () -> "spad still runs after dpkg -r:\n" + remove.stdout()
        + remove.stderr());
    assertEquals(List.of(), ProcessHandle.allProcesses().filter(p -> p.info().arguments()
        .map(a -> Arrays.asList(a).contains("-Dspa.home=/usr/lib/spa")).orElse(false)).map(ProcessHandle::pid).toList(),
        "processes of the removed package");
    assertTrue(remove.stdout().contains("spad: stopped pid " + spad.pid())
        && remove.stdout().contains("spad: removed every opening nftables held for spa"),
        () -> remove.stdout() + remove.stderr());
    String ruleset = site.server("nft", "list", "ruleset");
    assertFalse(ruleset.contains(A4), ruleset); // the opening, and spa's table, gone: the admin's policy rules
    assertEquals(List.of("/usr/lib/spa", "/usr/bin/spad", "/lib/systemd/system/spad.service"),
        sandbox.missing(List.of("/usr/lib/spa", "/usr/bin/spad", "/lib/systemd/system/spad.service")));
    assertEquals(conf, ok(sandbox.run("cat", "/etc/spa/spad.conf")), "dpkg -r keeps the conffiles");
    assertTrue(sandbox.exists("/var/lib/spa/digest.cache"), "dpkg -r keeps the state");

    ok(sandbox.run("dpkg", "--purge", "spa"));
    assertEquals(List.of("/etc/spa", "/var/lib/spa", "/run/spa"),
        sandbox.missing(List.of("/etc/spa", "/var/lib/spa", "/run/spa")));
    assertFalse(sandbox.run("dpkg-query", "-W", "spa").ok(), "spa still known to dpkg after --purge");

    sandbox.close();
    sandbox = null;
    for (Path p : HOST) {
      assertFalse(Files.exists(p), () -> p + " left on the machine");
    }
    assertEquals(passwd, Files.readString(Path.of("/etc/passwd")), "the machine's /etc/passwd changed");
    assertEquals(group, Files.readString(Path.of("/etc/group")), "the machine's /etc/group changed");
  }

  /** A spad.conf with the examples' settings, real keys and a long timeout: an opening outlives the test. */
  private static String conf(Keys keys, String ports) {
    return "ENABLE_UDP_SERVER = Y\nUDPSERV_PORT = " + ServerFiles.UDP_PORT + "\nFIREWALL = nftables\n"
        + "access = [\n  {\n    SOURCE = ANY\n    REQUIRE_SOURCE_ADDRESS = Y\n    OPEN_PORTS = \"" + ports + "\"\n"
        + "    FW_ACCESS_TIMEOUT = 300s\n    KEY_BASE64 = \"" + keys.key() + "\"\n    HMAC_KEY_BASE64 = \""
        + keys.hmacKey() + "\"\n    HMAC_DIGEST_TYPE = sha256\n  }\n]\n";
  }

  /** setpriv as systemd applies User=, Group=, AmbientCapabilities=, CapabilityBoundingSet=, NoNewPrivileges=. */
  private static List<String> unitUser() {
    return List.of("setpriv", "--reuid=spa", "--regid=spa", "--clear-groups", "--inh-caps=-all,+net_admin,+net_raw",
        "--ambient-caps=-all,+net_admin,+net_raw", "--bounding-set=-all,+net_admin,+net_raw", "--no-new-privs");
  }

  private CommandResult asUnit(List<String> command) {
    return sandbox.run(Command.of(concat(concat(site.inServer(), unitUser()), command)));
  }

  /** The words of the unit's {@code key=} line (spa's units quote nothing). */
  private static List<String> line(String unit, String key) {
    return unit.lines().filter(l -> l.startsWith(key + "=")).findFirst()
        .map(l -> List.of(l.substring(key.length() + 1).strip().split("\\s+"))).orElseThrow();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static List<String> concat(List<String> a, String... b) {
    return concat(a, List.of(b));
  }

  private void awaitReady(Path err, Path out) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.readString(err).contains("spad: ready")) {
      assertTrue(spad.isAlive() && System.nanoTime() < deadline, () -> "spad did not start:\n" + read(out) + read(err));
      Thread.sleep(50);
    }
  }

  private void awaitOpenings(int n, Path out, Path err) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Backend.NFTABLES.openings(site, A4) < n) {
      assertTrue(System.nanoTime() < deadline,
          () -> "not " + n + " openings for " + A4 + ":\n" + read(out) + read(err));
      Thread.sleep(50);
    }
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (java.io.IOException e) {
      return "(" + e + ")";
    }
  }

  private static String ok(CommandResult r) {
    assertTrue(r.ok(), r::failure);
    return r.stdout();
  }
}
