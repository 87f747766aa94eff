package spa.distribution.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.distribution.e2e.Site.A4;
import static spa.distribution.e2e.Site.B4;
import static spa.distribution.e2e.Site.SERVER4;
import static spa.distribution.e2e.Site.SSH;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.fw.testkit.Probe;

/**
 * {@code bin/spa-assemble} of the image makes the minimal image (udp, aes, nftables) with its own runtime; that
 * image lists exactly its plugins and knocks tcp/22 open in the namespaces with no JAVA_HOME and no java on the
 * PATH, running on its runtime/. Unknown plugins and missing dependencies are refused with one line each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = java.util.concurrent.TimeUnit.SECONDS)
class AssembledImageIT {
  /** No JAVA_HOME, and a PATH with nft but no java. */
  private static final List<String> NO_JAVA = List.of("env", "-u", "JAVA_HOME", "PATH=/usr/sbin:/sbin");

  private final Path image = Path.of(System.getProperty("spa.image")).toAbsolutePath();
  private Path dir;
  private Path minimal;
  private Site site;

  @BeforeAll
  void assemble(@TempDir Path dir) {
    this.dir = dir;
    minimal = dir.resolve("spa-min");
    CommandResult r = assembleFrom(image, "--plugins", "capture-udp,fw-nftables,cipher-aes", "--jlink", "--output",
        minimal.toString());
    assertTrue(r.ok(), r::failure);
  }

  @AfterAll
  void deleteSite() {
    if (site != null) {
      site.close();
    }
  }

  /** bin/spa-assemble of {@code from}, run with the JDK running this test. */
  private CommandResult assembleFrom(Path from, String... args) {
    List<String> argv = new ArrayList<>(List.of("env", "JAVA_HOME=" + System.getProperty("java.home"),
        from.resolve("bin/spa-assemble").toString()));
    argv.addAll(List.of(args));
    return new spa.cmd.exec.ExecRunner().run(Command.of(argv).withTimeout(Duration.ofSeconds(120)));
  }

  @Test
  void theMinimalImageHoldsOnlyItsPluginsAndARuntime() throws IOException {
    assertTrue(Files.isExecutable(minimal.resolve("runtime/bin/java")));
    assertTrue(Files.isRegularFile(dir.resolve("spa-min.tar.gz")));
    assertEquals(Set.of("capture-udp", "fw-nftables"), names(minimal.resolve("plugins")));
    Set<String> lib = names(minimal.resolve("lib"));
    assertTrue(lib.stream().noneMatch(n -> n.startsWith("spa.pcap-format")), lib::toString); // only pcap, ulogd need it
    CommandResult list = new spa.cmd.exec.ExecRunner().run(Command.of(concat(NO_JAVA,
        minimal.resolve("bin/spad").toString(), "--list-plugins")).withTimeout(Duration.ofSeconds(30)));
    assertTrue(list.ok(), list::failure);
    List<String> rows = list.stdout().lines().skip(1).toList();
    assertEquals(List.of("udp", "aes", "nftables", "local"), rows.stream().map(l -> l.split("\\s+")[0]).toList(), list.stdout());
    String home = " " + minimal.toRealPath() + "/";
    assertTrue(rows.stream().allMatch(l -> l.endsWith(".jar") && l.contains(home)),
        list.stdout());
  }

  @Test
  void theMinimalImageKnocksOpenTcp22OnItsOwnRuntime() throws Exception {
    site = Site.create();
    Backend.NFTABLES.reset(site);
    Path work = Files.createDirectories(dir.resolve("e2e"));
    ServerFiles.StanzaKeys keys = ServerFiles.StanzaKeys.random();
    ServerFiles files = ServerFiles.write(work, keys, Backend.NFTABLES.conf());
    try (Spad spad = Spad.start(site, minimal, files, Backend.NFTABLES, "spad", NO_JAVA)) {
      assertEquals(minimal.toRealPath().resolve("runtime/bin/java"), spad.executable(), spad::output);
      assertEquals(Probe.Outcome.FILTERED, site.connect(A4, SERVER4, SSH).outcome(), "before the knock");
      Knocker.SPA.knock(site, minimal, work, keys.access(), "-A", "tcp/22", "-a", A4, "-D", SERVER4);
      spad.await("grant for " + A4, e -> e.is("grant", A4), Duration.ofSeconds(10));
      List<Probe> p = site.connectAll(Site.tcp(A4, SERVER4, SSH), Site.tcp(B4, SERVER4, SSH));
      assertEquals(Probe.Outcome.REACHED, p.get(0).outcome(), spad::output);
      assertEquals(Probe.Outcome.FILTERED, p.get(1).outcome(), "for B, who did not knock");
    }
  }

  @Test
  void unknownPluginsAreRefusedOneLineEachAndNothingIsWritten() {
    Path out = dir.resolve("never");
    CommandResult r = assembleFrom(image, "--plugins", "capture-udp,capture-nope,fw-pfff", "--output", out.toString());
    assertEquals(1, r.exitCode(), r::failure);
    assertEquals(List.of(
        "spa-assemble: unknown plugin 'capture-nope' (spa-assemble --list shows the plugins of this image)",
        "spa-assemble: unknown plugin 'fw-pfff' (spa-assemble --list shows the plugins of this image)"),
        r.stderr().lines().toList());
    assertFalse(Files.exists(out));
    assertFalse(Files.exists(dir.resolve("never.tar.gz")));
  }

  @Test
  void aMissingDependencyIsRefusedWithOneLine() throws IOException {
    // an image whose lib/ lacks spa.pcap-format, which the pcap capture plugin requires
    Path broken = dir.resolve("broken");
    CommandResult copy = new spa.cmd.exec.ExecRunner().run(Command.of("cp", "-a", image.toString(), broken.toString()));
    assertTrue(copy.ok(), copy::failure);
    try (Stream<Path> s = Files.list(broken.resolve("lib"))) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith("spa.pcap-format")).toList()) {
        Files.delete(p);
      }
    }
    Path out = dir.resolve("never");
    CommandResult r = assembleFrom(broken, "--plugins", "capture-pcap,cipher-aes", "--output", out.toString());
    assertEquals(1, r.exitCode(), r::failure);
    assertEquals(1, r.stderr().lines().count(), r.stderr());
    assertTrue(r.stderr().matches("spa-assemble: capture-pcap: spa\\.capture\\.pcap-\\S+\\.jar requires module "
        + "spa\\.pcap\\.format, which neither lib/ nor the Java runtime has\\s*"), r.stderr());
    assertFalse(Files.exists(out));
  }

  @Test
  void listShowsThePluginsOfTheImage() {
    CommandResult r = assembleFrom(image, "--list");
    assertTrue(r.ok(), r::failure);
    Set<String> names = r.stdout().lines().skip(1).map(l -> l.split("\\s+")[0]).collect(Collectors.toSet());
    assertTrue(names.containsAll(Set.of("capture-udp", "capture-pcap", "capture-ulogd", "cipher-aes", "fw-nftables",
        "fw-iptables")), r.stdout());
  }

  private static Set<String> names(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static List<String> concat(List<String> a, String... b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(List.of(b));
    return out;
  }
}
