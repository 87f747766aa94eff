package spa.server.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.server.testkit.TestKit;

/**
 * The plugin directories: jars dropped in, directories with private dependencies, several directories, and each
 * fault stopping start-up with one line that names the jar.
 */
class PluginDirectoryTest {
  @TempDir
  Path dir;

  private PluginJars jars;
  private Path plugins;

  @BeforeEach
  void setUp() {
    jars = new PluginJars(dir.resolve("build"));
    plugins = dir.resolve("plugins");
  }

  /** Start-up of spad with the plugin directories, up to the configuration check. */
  private TestKit.Run check(String pluginPath) throws Exception {
    Path conf = dir.resolve("fwknopd.conf");
    Files.writeString(conf, "");
    Path access = dir.resolve("access.conf");
    Files.writeString(access, "SOURCE ANY\nKEY " + TestKit.KEY + "\n");
    return TestKit.spad("--exit-parse-config", "--plugins", pluginPath, "-c", conf.toString(), "-a",
        access.toString(), "--capture", "udp", "--firewall", "none");
  }

  /** Standard error without the warnings about the test's own files. */
  private static List<String> errors(TestKit.Run r) {
    return r.err().lines().filter(l -> !l.startsWith("spad: warning: ")).toList();
  }

  private static List<String> problems(TestKit.Run r) {
    return r.out().lines().filter(l -> l.startsWith("problem: ")).toList();
  }

  @Test
  void aJarDroppedInIsAPluginAndADirectoryHoldsOneWithItsDependencies() throws Exception {
    Path alone = jars.authorizer(plugins.resolve("alone.jar"), "test.alone", "test.alone", "alone", true);
    jars.library(plugins.resolve("withlib/lib.jar"), "test.lib", "test.lib");
    jars.authorizer(plugins.resolve("withlib/main.jar"), "test.main", "test.main", "main", true, "test.lib");
    Files.writeString(plugins.resolve("README"), "not a plugin, and not a problem");

    Plugins loaded = Plugins.load(List.of(plugins), Set.of());
    assertEquals(List.of(), loaded.problems());
    assertEquals(List.of("boot", "alone", "withlib"), loaded.layers().stream().map(Plugins.Layer::name).toList());
    List<String> errors = new ArrayList<>();
    PluginInfo info = loaded.all(errors).stream().map(Plugins.Found::info).filter(i -> i.name().equals("alone"))
        .findFirst().orElseThrow();
    assertEquals(new PluginInfo("alone", "Authorizer", "test.alone", "1.2.3", "alone", alone.toRealPath().toString()),
        info);
    assertEquals(List.of(), errors);

    TestKit.Run list = TestKit.spad("--list-plugins", "--plugins", plugins.toString());
    assertEquals(0, list.status(), list.out());
    assertTrue(list.out().lines().anyMatch(l -> l.matches(
        "main\\s+Authorizer\\s+test\\.main\\s+1\\.2\\.3\\s+\\S*/plugins/withlib/main\\.jar")), list.out());
    assertTrue(list.out().lines().anyMatch(l -> l.matches(
        "udp\\s+CaptureSource\\s+spa\\.capture\\.udp\\s+\\S+\\s+/\\S+")), list.out());
  }

  @Test
  void severalDirectoriesAreSearched() throws Exception {
    jars.authorizer(dir.resolve("a/one.jar"), "test.one", "test.one", "one", true);
    jars.authorizer(dir.resolve("b/two.jar"), "test.two", "test.two", "two", true);
    TestKit.Run list = TestKit.spad("--list-plugins", "--plugins", dir.resolve("a") + ":" + dir.resolve("b"));
    assertEquals(0, list.status(), list.out());
    assertTrue(list.out().contains("test.one") && list.out().contains("test.two"), list.out());
  }

  @Test
  void aMissingDirectoryIsRefused() throws Exception {
    Files.createDirectories(dir.resolve("a"));
    TestKit.Run r = TestKit.spad("--list-plugins", "--plugins", dir.resolve("a") + ":" + dir.resolve("nowhere"));
    assertEquals(1, r.status());
    assertEquals(List.of("spad: --plugins: " + dir.resolve("nowhere") + " is not a plugin directory (no such directory)"),
        errors(r));
  }

  @Test
  void twoPluginsWithOneNameStopStartUp() throws Exception {
    Path a = jars.authorizer(plugins.resolve("a.jar"), "test.a", "test.a", "same", true);
    Path b = jars.authorizer(plugins.resolve("b.jar"), "test.b", "test.b", "same", true);
    TestKit.Run r = check(plugins.toString());
    assertEquals(1, r.status(), r.out());
    assertEquals(List.of("spad: plugin two Authorizer plugins are named 'same': " + a.toRealPath() + " and "
        + b.toRealPath()), errors(r));
  }

  @Test
  void aSplitPackageStopsStartUp() throws Exception {
    jars.library(plugins.resolve("split/lib.jar"), "test.lib", "test.shared");
    Path main = jars.authorizer(plugins.resolve("split/main.jar"), "test.main", "test.shared", "main", true);
    TestKit.Run r = check(plugins.toString());
    assertEquals(1, r.status(), r.out());
    assertEquals(1, errors(r).size(), r.err());
    assertTrue(r.err().contains("package test.shared is split") && r.err().contains("lib.jar")
        && r.err().contains(main.getFileName().toString()), r.err());
  }

  @Test
  void aPackageOfTheBootLayerIsASplitPackageToo() throws Exception {
    Path jar = jars.library(plugins.resolve("clash/lib.jar"), "test.clash", "spa.core");
    jars.authorizer(plugins.resolve("clash/main.jar"), "test.main", "test.main", "main", true, "test.clash");
    Plugins loaded = Plugins.load(List.of(plugins), Set.of());
    assertEquals(List.of(jar.toRealPath() + ": package spa.core is split: it is also in boot-layer module spa.core"),
        loaded.problems());
  }

  @Test
  void aPlainJarWithoutServicesStopsStartUp() throws Exception {
    Path jar = jars.authorizer(plugins.resolve("plain.jar"), "-", "test.plain", "plain", false);
    TestKit.Run r = check(plugins.toString());
    assertEquals(1, r.status(), r.out());
    assertEquals(1, errors(r).size(), r.err());
    assertTrue(errors(r).get(0).startsWith("spad: plugin " + jar.toRealPath() + ": provides no spa plugin service"),
        r.err());
  }

  @Test
  void aMissingRequiresStopsStartUp() throws Exception {
    Path jar = jars.authorizer(plugins.resolve("needy/needy.jar"), "test.needy", "test.needy", "needy", true,
        "test.absent");
    TestKit.Run r = check(plugins.toString());
    assertEquals(1, r.status(), r.out());
    assertEquals(List.of("spad: plugin " + jar.toRealPath() + ": module test.needy requires test.absent, which is "
        + "neither in the boot layer (lib/ and the Java runtime) nor in " + jar.getParent().toRealPath()),
        errors(r));
  }

  @Test
  void anUnreadableJarStopsStartUp() throws Exception {
    Path jar = jars.authorizer(plugins.resolve("locked.jar"), "test.locked", "test.locked", "locked", true);
    Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("---------"));
    Assumptions.assumeFalse(Files.isReadable(jar), "root reads every file");
    TestKit.Run r = check(plugins.toString());
    assertEquals(1, r.status(), r.out());
    assertEquals(List.of("spad: plugin " + jar.toRealPath() + ": cannot read the jar (permissions)"),
        errors(r));
  }

  @Test
  void listPluginsNamesEachProblemAndFails() throws Exception {
    jars.authorizer(plugins.resolve("a.jar"), "test.a", "test.a", "same", true);
    jars.authorizer(plugins.resolve("b.jar"), "test.b", "test.b", "same", true);
    jars.authorizer(plugins.resolve("plain.jar"), "-", "test.plain", "plain", false);
    TestKit.Run r = TestKit.spad("--list-plugins", "--plugins", plugins.toString());
    assertEquals(1, r.status());
    assertEquals(2, problems(r).size(), r.out());
  }
}
