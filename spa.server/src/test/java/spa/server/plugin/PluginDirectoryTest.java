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
import spa.core.spi.Authorizer;
import spa.server.testkit.TestKit;

/**
 * The plugin directories: jars dropped in, directories with private dependencies, several directories, each fault
 * stopping start-up with one line that names the jar, and plugins that declare their providers, made into layers
 * only when one is asked for.
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

  @Test
  void listPluginsNamesADeclaredPluginsFaultOnce() throws Exception {
    Path liar = jars.declaring("Authorizer promised", plugins.resolve("liar.jar"), "test.liar", "test.liar", "other");
    jars.declaring("Authorizer fine", plugins.resolve("fine.jar"), "test.fine", "test.fine", "fine");
    TestKit.Run r = TestKit.spad("--list-plugins", "--plugins", plugins.toString());
    assertEquals(1, r.status());
    assertEquals(List.of("problem: " + liar + ": declares [Authorizer promised] in Spa-Provides but provides "
        + "[Authorizer other]"), problems(r), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("fine ") && l.contains("Authorizer")), r.out());
  }

  // plugins that declare their providers in their manifest: made into layers only when asked for, held to what they
  // declared, and still counted for duplicate names and listings

  private Plugins load() {
    return Plugins.load(List.of(plugins), Set.of());
  }

  private static List<String> layerNames(Plugins p) {
    return p.layers().stream().map(Plugins.Layer::name).toList();
  }

  @Test
  void aDeclaredPluginBecomesALayerOnlyWhenOneOfItsProvidersIsAskedFor() throws Exception {
    jars.declaring("Authorizer alpha", plugins.resolve("a.jar"), "test.a", "test.a", "alpha");
    jars.declaring("Authorizer beta", plugins.resolve("b.jar"), "test.b", "test.b", "beta");
    jars.authorizer(plugins.resolve("c.jar"), "test.c", "test.c", "gamma", true); // declares nothing
    Plugins p = load();
    assertEquals(List.of(), p.problems());
    assertEquals(List.of("boot", "c"), layerNames(p), "only the plugin without a declaration is made at once");

    List<String> errors = new ArrayList<>();
    assertTrue(p.names(Authorizer.class, errors).containsAll(List.of("alpha", "beta", "gamma")));
    assertEquals(List.of("boot", "c"), layerNames(p), "names come from the declarations");

    List<Plugins.Found<Authorizer>> beta = p.providers(Authorizer.class, "beta", errors);
    assertEquals(1, beta.size());
    assertEquals("beta", beta.get(0).provider().name());
    assertEquals("b", beta.get(0).info().layer());
    assertEquals(List.of("boot", "c", "b"), layerNames(p));

    assertTrue(p.providers(Authorizer.class, "beta", errors).size() == 1, "made once");
    assertEquals(List.of("boot", "c", "b"), layerNames(p));

    List<String> all = p.all(errors).stream().map(f -> f.info().name()).toList();
    assertTrue(all.containsAll(List.of("alpha", "beta", "gamma")), all.toString());
    assertEquals(List.of("boot", "c", "b", "a"), layerNames(p));
    assertEquals(List.of(), errors);
  }

  @Test
  void aPluginThatProvidesOtherThanItDeclaresIsRefusedWhenNeeded() throws Exception {
    Path jar = jars.declaring("Authorizer promised", plugins.resolve("liar.jar"), "test.liar", "test.liar", "other");
    Plugins p = load();
    assertEquals(List.of(), p.problems(), "nothing is read beyond the declaration until the plugin is needed");

    List<String> errors = new ArrayList<>();
    assertEquals(List.of(), p.providers(Authorizer.class, "promised", errors));
    String why = jar + ": declares [Authorizer promised] in Spa-Provides but provides [Authorizer other]";
    assertEquals(List.of(why), errors);
    assertEquals(List.of(why), p.problems());
    assertEquals(List.of("boot"), layerNames(p), "its layer is not used");
    assertTrue(p.providers(Authorizer.class, new ArrayList<>()).stream()
        .noneMatch(f -> f.info().name().equals("other")), "nor is the provider it did not declare");
  }

  @Test
  void twoPluginsDeclaringOneNameAreFoundWithoutMakingTheirLayers() throws Exception {
    Path one = jars.declaring("Authorizer same", plugins.resolve("one.jar"), "test.one", "test.one", "same");
    Path two = jars.declaring("Authorizer same", plugins.resolve("two.jar"), "test.two", "test.two", "same");
    Plugins p = load();
    List<String> errors = new ArrayList<>();
    assertEquals(List.of("two Authorizer plugins are named 'same': " + one + " and " + two), p.duplicates(errors));
    assertEquals(List.of(), errors);
    assertEquals(List.of("boot"), layerNames(p));
  }

  @Test
  void aDeclarationThatIsNotAServiceAndANameIsAProblem() throws Exception {
    Path jar = jars.declaring("Firewall nftables", plugins.resolve("bad.jar"), "test.bad", "test.bad", "bad");
    jars.declaring("Authorizer", plugins.resolve("half.jar"), "test.half", "test.half", "half");
    Plugins p = load();
    assertEquals(2, p.problems().size(), p.problems().toString());
    assertTrue(p.problems().get(0).startsWith(jar + ": Spa-Provides: 'Firewall nftables' is not a service and a name"),
        p.problems().get(0));
    assertTrue(p.problems().get(1).contains("half.jar: Spa-Provides: 'Authorizer' is not"), p.problems().get(1));
    assertEquals(List.of(), p.names(Authorizer.class, new ArrayList<>()).stream()
        .filter(n -> n.equals("bad") || n.equals("half")).toList(), "neither plugin is offered");
  }
}
