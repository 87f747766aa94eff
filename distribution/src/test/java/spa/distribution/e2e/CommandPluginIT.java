package spa.distribution.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.distribution.e2e.ServerFiles.TIMEOUT;
import static spa.distribution.e2e.Site.A4;
import static spa.distribution.e2e.Site.A6;
import static spa.distribution.e2e.Site.B4;
import static spa.distribution.e2e.Site.SERVER4;
import static spa.distribution.e2e.Site.SERVER6;
import static spa.distribution.e2e.Site.SSH;
import static spa.distribution.e2e.Site.tcp;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.cmd.exec.ExecRunner;
import spa.fw.testkit.BackendContract;
import spa.fw.testkit.Probe;
import spa.test.support.Required;

/**
 * The example plugin examples/fw-command, built as a third party builds it: its own pom, spa's artifacts from the
 * build's own repository (target/it-repo, written by the invoker plugin), everything else from the real local
 * repository as its only remote one, so nothing is installed into it and nothing comes from the network. Its jar
 * dropped into a copy of the image's {@code plugins/fw-command/}: spad lists it, and with {@code --firewall command}
 * its templates drive nft in the server namespace for real knocks ({@link Backend#COMMAND}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CommandPluginIT {
  private static final String JAR = "fw-command-0.1.0.jar";
  private static final Duration EVENT_WAIT = Duration.ofSeconds(10);

  private final Backend backend = Backend.COMMAND;
  private Path project;
  private Path image;

  @BeforeAll
  void buildThePluginWithItsOwnPomAndDropItIntoAnImage() throws Exception {
    Path work = Path.of(property("spa.it.repo")).resolveSibling("example-plugin");
    delete(work);
    Path example = Path.of(property("spa.example")).toRealPath();
    project = copy(example, work.resolve("fw-command"), example.resolve("target"));
    Path settings = work.resolve("settings.xml");
    Files.writeString(settings, Files.readString(Path.of(property("spa.it.settings")))
        .replace("@localRepositoryUrl@", Path.of(property("spa.local.repo")).toUri().toString()));
    Path log = work.resolve("build.log");
    Process mvn = new ProcessBuilder(Path.of(property("maven.home"), "bin", "mvn").toString(), "-B", "-ntp",
        "-s", settings.toString(), "-Dmaven.repo.local=" + property("spa.it.repo"), "verify")
        .directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    if (!mvn.waitFor(4, TimeUnit.MINUTES)) {
      mvn.destroyForcibly().waitFor();
    }
    assertEquals(0, mvn.exitValue(), () -> "the example's own build failed:\n" + tail(log));

    image = copy(Path.of(property("spa.image")).toRealPath(), work.resolve("spa"), null);
    Path plugin = Files.createDirectories(image.resolve("plugins/fw-command"));
    Files.copy(project.resolve("target").resolve(JAR), plugin.resolve(JAR));
  }

  /** The example's build ran the whole contract of the kit it was built against, nothing skipped. */
  @Test
  void theExamplesBuildRanTheKitsWholeContract() throws IOException {
    String report = Files.readString(project.resolve(
        "target/surefire-reports/TEST-example.fw.command.CommandContractTest.xml"));
    long scenarios = Arrays.stream(BackendContract.class.getDeclaredMethods())
        .filter((Method m) -> m.isAnnotationPresent(Test.class)).count();
    assertTrue(scenarios > 0);
    Matcher m = Pattern.compile("<testsuite [^>]*").matcher(report);
    assertTrue(m.find(), report);
    String suite = m.group();
    assertTrue(suite.contains("tests=\"" + scenarios + "\"") && suite.contains("failures=\"0\"")
        && suite.contains("errors=\"0\"") && suite.contains("skipped=\"0\""), suite);
  }

  @Test
  void spadListsTheDroppedInPluginInItsOwnLayer() throws Exception {
    CommandResult r = new ExecRunner().run(Command.of("env", "JAVA_HOME=" + System.getProperty("java.home"),
        image.resolve("bin/spad").toString(), "--list-plugins").withTimeout(Duration.ofSeconds(30)));
    List<String> lines = r.stdout().lines().toList();
    String layer = image.resolve("plugins/fw-command").toRealPath().resolve("fw-command-0.1.0.jar").toString();
    assertTrue(r.ok() && lines.stream().noneMatch(l -> l.startsWith("problem")), r.failure() + "\n" + r.stdout());
    assertTrue(lines.stream().anyMatch(l -> l.matches("command +FirewallBackend +example\\.fw\\.command +0\\.1\\.0 +.*")
        && l.endsWith(layer)), () -> "no command plugin in " + layer + ":\n" + r.stdout());
  }

  @Test
  void knocksOpenTcp22ThroughTheTemplatesDrivingNftForTheKnockerUntilTheTimeout(@TempDir Path dir)
      throws Exception {
    Required.root();
    Required.programs("nft", "nc");
    ServerFiles.StanzaKeys keys = ServerFiles.StanzaKeys.random();
    try (Site site = Site.create()) {
      backend.reset(site);
      String before = backend.snapshot(site);
      ServerFiles files = ServerFiles.write(dir, keys, backend.conf());
      try (Spad spad = Spad.start(site, image, files, backend, "spad")) {
        assertOutcome(Probe.Outcome.FILTERED, site.connect(A4, SERVER4, SSH), site, "before the knock");

        Knocker.SPA.knock(site, image, dir, keys.access(), "-A", "tcp/22", "-a", A4, "-D", SERVER4);
        Json grant = spad.await("grant for " + A4, e -> e.is("grant", A4), EVENT_WAIT);
        List<Probe> open = site.connectAll(tcp(A4, SERVER4, SSH), tcp(B4, SERVER4, SSH));
        assertTrue(open.get(0).reached("ssh") && open.get(0).peerIs(A4), () -> open + "\n" + spad.output());
        assertOutcome(Probe.Outcome.FILTERED, open.get(1), site, "for B, who did not knock");
        String set = site.server("nft", "list", "set", "inet", "fwcmd", "allow4");
        Matcher element = Pattern.compile(Pattern.quote(A4 + " . tcp . 22 comment \"exp") + "(\\d+)\"")
            .matcher(set);
        assertTrue(element.find(), set);
        long expires = Long.parseLong(element.group(1)) - grant.ts().getEpochSecond();
        assertTrue(expires >= TIMEOUT - 1 && expires <= TIMEOUT + 1, "the element's expiry, " + set + grant.line());
        CommandResult listed = Spad.tool(site, image, files, backend, "--fw-list");
        assertTrue(listed.ok() && listed.stdout().contains(A4 + " [tcp/22]"), listed.failure() + listed.stdout());

        spad.await("expire for " + A4, e -> e.is("expire", A4), EVENT_WAIT);
        assertEquals(0, backend.openings(site, A4), backend.snapshot(site));
        assertOutcome(Probe.Outcome.FILTERED, site.connect(A4, SERVER4, SSH), site, "after the expiry");

        // allow IP 0.0.0.0: the server opens for the packet's source, fd00::2, in the set of ${IPV} 6
        Knocker.SPA.knock(site, image, dir, keys.access(), "-A", "tcp/22", "-s", "-D", SERVER6);
        spad.await("grant for " + A6, e -> e.is("grant", A6), EVENT_WAIT);
        assertEquals(1, backend.openings(site, A6), backend.snapshot(site));
        Probe v6 = site.connect(A6, SERVER6, SSH);
        assertTrue(v6.reached("ssh") && v6.peerIs(A6), () -> v6 + "\n" + backend.snapshot(site) + spad.output());
        spad.stop();
      }
      CommandResult flush = Spad.tool(site, image, files, backend, "--fw-flush");
      assertTrue(flush.ok(), flush::failure);
      assertEquals(before, backend.snapshot(site), "spa's flush leaves the admin's ruleset as it was");
    }
  }

  private void assertOutcome(Probe.Outcome expected, Probe p, Site site, String when) {
    assertEquals(expected, p.outcome(), () -> "a connection " + when + ": " + p + "\n" + backend.snapshot(site));
  }

  private static String property(String name) {
    String v = System.getProperty(name);
    assertTrue(v != null && !v.isBlank(), "system property " + name + " is not set (run the tests with mvn verify)");
    return v;
  }

  /** Copies the tree {@code from} (without {@code except}) to {@code to}, keeping permissions. */
  private static Path copy(Path from, Path to, Path except) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (except != null && p.startsWith(except)) {
          continue;
        }
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return to;
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no build log: " + e + ")";
    }
  }
}
