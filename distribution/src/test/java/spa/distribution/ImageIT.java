package spa.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The layout of the assembled image, its module graph, and its launchers. */
class ImageIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static final Set<String> BOOT_MODULES = Set.of("spa.core", "spa.cipher.aes", "spa.client", "spa.server",
      "spa.cmd.exec", "spa.pcap.format", "info.picocli", "typesafe.config", "org.apache.commons.exec");
  private static final Map<String, String> PLUGINS = Map.of(
      "capture-udp", "spa.capture.udp",
      "capture-pcap", "spa.capture.pcap",
      "capture-ulogd", "spa.capture.ulogd",
      "cipher-gpg", "spa.cipher.gpg",
      "fw-nftables", "spa.fw.nftables",
      "fw-iptables", "spa.fw.iptables",
      "fw-ipfw", "spa.fw.ipfw",
      "fw-pf", "spa.fw.pf",
      "replay-redis", "spa.replay.redis");

  private final Image image = Image.get();

  @Test
  void launchersAreExecutable() throws IOException {
    for (Path p : List.of(image.spa(), image.spad())) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
      assertTrue(perms.containsAll(Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE)),
          p + " is " + perms);
    }
  }

  @Test
  void libHoldsTheBootLayer() {
    Set<String> names = moduleNames(image.lib());
    assertTrue(names.containsAll(BOOT_MODULES), "lib/ has " + names + ", needs " + BOOT_MODULES);
    // Bouncy Castle lives in plugins/cipher-gpg only
    assertTrue(names.stream().noneMatch(n -> n.startsWith("org.bouncycastle")), "lib/ has " + names);
  }

  @Test
  void eachPluginHasItsOwnDirectoryWithoutCopiesOfBootModules() throws IOException {
    Set<String> dirs;
    try (Stream<Path> s = Files.list(image.plugins())) {
      dirs = s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(new TreeSet<>(PLUGINS.keySet()), dirs);
    Set<String> boot = moduleNames(image.lib());
    for (var e : PLUGINS.entrySet()) {
      Set<String> names = moduleNames(image.plugins().resolve(e.getKey()));
      assertTrue(names.contains(e.getValue()), e.getKey() + " lacks " + e.getValue() + ": " + names);
      Set<String> dup = new TreeSet<>(names);
      dup.retainAll(boot);
      assertTrue(dup.isEmpty(), "plugins/" + e.getKey() + " repeats boot-layer modules " + dup);
    }
  }

  /** spad, started by its launcher, loads every plugin directory as its own layer, with no problem reported. */
  /**
   * Plugin jars are quick to open (QuickOpenJars): no JAR signature to verify (Bouncy Castle's cost every spad start
   * ~200 ms), and every explicit module's packages recorded in its module-info (else the JDK lists every entry to
   * find them), the same packages its classes are in.
   */
  @Test
  void pluginJarsAreQuickToOpen() throws IOException {
    List<Path> jars;
    try (Stream<Path> s = Files.walk(image.plugins())) {
      jars = s.filter(f -> f.toString().endsWith(".jar")).toList();
    }
    assertTrue(jars.stream().anyMatch(j -> j.getFileName().toString().startsWith("bcprov-")), jars.toString());
    for (Path jar : jars) {
      ModuleDescriptor module = ModuleFinder.of(jar).findAll().iterator().next().descriptor();
      try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile(), false, java.util.zip.ZipFile.OPEN_READ,
          Runtime.version())) {
        List<String> signatures = j.stream().map(java.util.jar.JarEntry::getName)
            .filter(n -> n.matches("META-INF/[^/]+\\.(SF|RSA|DSA|EC)")).toList();
        assertEquals(List.of(), signatures, jar.toString());
        assertTrue(j.getManifest() == null || j.getManifest().getEntries().isEmpty(), jar + ": per-entry digests left");
        if (module.isAutomatic()) {
          continue;
        }
        byte[] info = j.getInputStream(j.getJarEntry("module-info.class")).readAllBytes();
        assertTrue(new String(info, java.nio.charset.StandardCharsets.ISO_8859_1).contains("ModulePackages"),
            jar + ": no ModulePackages attribute in its module-info");
        Set<String> classPackages = j.versionedStream().map(java.util.jar.JarEntry::getName)
            .filter(n -> n.endsWith(".class") && n.contains("/") && !n.startsWith("META-INF/"))
            .map(n -> n.substring(0, n.lastIndexOf('/')).replace('/', '.')).collect(Collectors.toSet());
        assertTrue(module.packages().containsAll(classPackages), jar + ": packages " + module.packages()
            + " lack some of " + classPackages);
      }
    }
  }

  @Test
  void spadListsEveryPluginInItsOwnLayer(@TempDir Path dir) throws Exception {
    Run.Result r = Run.run(List.of(image.spad().toString(), "--list-plugins"), Map.of(), dir, LIMIT);
    assertEquals(0, r.exitCode(), r::describe);
    List<String> lines = r.stdout().lines().toList();
    assertTrue(lines.stream().noneMatch(l -> l.startsWith("problem")), r::describe);
    for (var e : PLUGINS.entrySet()) {
      String layer = " " + image.plugins().toRealPath().resolve(e.getKey()) + "/";
      assertTrue(lines.stream().anyMatch(l -> l.contains(" " + e.getValue() + " ") && l.contains(layer)
              && l.endsWith(".jar")), () -> e.getValue() + " not listed from" + layer + ":\n" + r.describe());
    }
    String lib = image.lib().toRealPath().toString();
    assertTrue(lines.stream().anyMatch(l -> l.matches("aes +Decryptor +spa\\.cipher\\.aes +\\S+ +" + lib
        + "/spa\\.cipher\\.aes-\\S+\\.jar")), r::describe);
  }

  /**
   * Each shipped plugin names its providers in its jar's manifest, exactly those spad finds once it loads it, so that
   * a spad loads only the plugins its configuration uses.
   */
  @Test
  void everyShippedPluginDeclaresWhatItProvides(@TempDir Path dir) throws Exception {
    Run.Result r = Run.run(List.of(image.spad().toString(), "--list-plugins"), Map.of(), dir, LIMIT);
    assertEquals(0, r.exitCode(), r::describe);
    for (var e : PLUGINS.entrySet()) {
      Path unit = image.plugins().toRealPath().resolve(e.getKey());
      Set<String> listed = r.stdout().lines().filter(l -> l.contains(" " + unit + "/"))
          .map(l -> l.split(" +")).map(f -> f[1] + " " + f[0]).collect(Collectors.toCollection(TreeSet::new));
      Path jar;
      try (Stream<Path> jars = Files.list(unit)) {
        jar = jars.filter(j -> j.getFileName().toString().startsWith(e.getValue() + "-")).findFirst().orElseThrow();
      }
      String declared;
      try (java.util.jar.JarInputStream in = new java.util.jar.JarInputStream(Files.newInputStream(jar))) {
        declared = in.getManifest() == null ? null : in.getManifest().getMainAttributes().getValue("Spa-Provides");
      }
      assertTrue(declared != null, jar + " declares nothing: spad would load it at every start");
      Set<String> items = Stream.of(declared.split(",")).map(String::strip)
          .collect(Collectors.toCollection(TreeSet::new));
      assertEquals(listed, items, jar.toString());
    }
  }

  /**
   * A spad that captures with UDP, opens no firewall and has only Rijndael stanzas loads no class of the other
   * plugins (GnuPG and Bouncy Castle, pcap and pcap4j, ulogd, the firewalls, Redis and Jedis), and does load UDP's.
   */
  @Test
  void spadLoadsOnlyThePluginsItsConfigurationUses(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("fwknopd.conf");
    Path access = dir.resolve("access.conf");
    Files.writeString(conf, "");
    Files.writeString(access, "SOURCE ANY\nREQUIRE_SOURCE_ADDRESS Y\nKEY_BASE64 QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=\n");
    Set<PosixFilePermission> owner = Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    Files.setPosixFilePermissions(conf, owner);
    Files.setPosixFilePermissions(access, owner);
    Path log = dir.resolve("classes.log");
    Run.Result r = Run.run(List.of(image.spad().toString(), "--exit-parse-config", "-c", conf.toString(), "-a",
        access.toString(), "--capture", "udp", "--firewall", "none"),
        Map.of("SPA_JAVA_OPTS", "-Xlog:class+load=info:file=" + log), dir, LIMIT);
    assertEquals(0, r.exitCode(), r::describe);
    List<String> loaded = Files.readAllLines(log);
    assertTrue(loaded.stream().anyMatch(l -> l.contains(" spa.capture.udp.")), "UDP's provider is loaded");
    for (String other : List.of("spa.cipher.gpg.", "org.bouncycastle.", "spa.capture.pcap.", "org.pcap4j.",
        "spa.capture.ulogd.", "spa.fw.", "spa.replay.redis.", "redis.clients.")) {
      assertTrue(loaded.stream().noneMatch(l -> l.contains("] " + other)),
          () -> other + " loaded: " + loaded.stream().filter(l -> l.contains("] " + other)).findFirst().orElse(""));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"spa", "spad"})
  void launcherFindsItsHomeThroughSymlinksFromAnyDirectory(String launcher, @TempDir Path dir) throws Exception {
    // dir/a/link -> ../b/link -> <image>/bin/<launcher>, run from dir/cwd
    Path a = Files.createDirectories(dir.resolve("a"));
    Path b = Files.createDirectories(dir.resolve("b"));
    Files.createSymbolicLink(b.resolve("link"), image.home().resolve("bin").resolve(launcher));
    Files.createSymbolicLink(a.resolve("link"), Path.of("../b/link"));
    Path cwd = Files.createDirectories(dir.resolve("cwd"));
    Map<String, String> env = new HashMap<>();
    env.put("SPA_JAVA_OPTS", "--dry-run -XshowSettings:properties");
    Run.Result r = Run.run(List.of(a.resolve("link").toString()), env, cwd, LIMIT);
    assertEquals(0, r.exitCode(), r::describe);
    Map<String, String> props = properties(r.stderr());
    Path real = image.home().toRealPath();
    assertEquals(real.resolve("lib").toString(), props.get("jdk.module.path"), r::describe);
    assertEquals(launcher.equals("spa") ? "spa.client" : "spa.server", props.get("jdk.module.main"));
    assertTrue(Integer.parseInt(props.get("java.specification.version")) >= 21, r::describe);
    if (launcher.equals("spad")) {
      assertEquals(real.toString(), props.get("spa.home"));
    }
    assertFalse(r.stderr().contains("WARNING: Unknown module"), r::describe);
  }

  @ParameterizedTest
  @ValueSource(strings = {"spa", "spad"})
  void launcherRefusesJavaOlderThan21InOneLine(String launcher, @TempDir Path dir) throws Exception {
    Path jdk = Files.createDirectories(dir.resolve("jdk17/bin"));
    Path java = jdk.resolve("java");
    Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"17.0.2\" 2022-01-18' >&2\n");
    java.toFile().setExecutable(true);
    Run.Result r = Run.run(List.of(image.home().resolve("bin").resolve(launcher).toString()),
        Map.of("JAVA_HOME", jdk.getParent().toString()), dir, LIMIT);
    assertEquals(1, r.exitCode(), r::describe);
    assertEquals("", r.stdout());
    assertEquals(launcher + ": needs Java 21 or newer, but " + java + " is Java 17; set JAVA_HOME to a Java 21+ runtime",
        r.stderr().strip());
  }

  @Test
  void spadLeavesOutAStaleAheadOfTimeCacheAndKeepsJvmMessagesOffStandardOutput(@TempDir Path dir) throws Exception {
    // a copy of bin/spad and lib/ (jars, launcher.sh), so that lib/spad.aot can be planted; the JDK is the one running this test
    Path home = dir.resolve("spa");
    Files.createDirectories(home.resolve("bin"));
    Files.copy(image.spad(), home.resolve("bin/spad"));
    Files.createDirectories(home.resolve("lib"));
    try (Stream<Path> jars = Files.list(image.lib())) {
      for (Path j : jars.filter(p -> p.toString().endsWith(".jar") || p.toString().endsWith(".sh")).toList()) {
        Files.copy(j, home.resolve("lib").resolve(j.getFileName()));
      }
    }
    Path aot = home.resolve("lib/spad.aot");
    String javaCmd = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Map<String, String> env = Map.of("JAVA_HOME", System.getProperty("java.home"));
    String version = Run.run(List.of(image.spad().toString(), "-V"), env, dir, LIMIT).stdout();
    assertTrue(version.startsWith("spad "), version);

    Files.writeString(aot, "not an AOT cache");
    Files.writeString(home.resolve("lib/spad.aot.for"), "/somewhere/else\n" + javaCmd + "\n");
    Run.Result elsewhere = Run.run(List.of(home.resolve("bin/spad").toString(), "-V"), env, dir, LIMIT);
    assertEquals(0, elsewhere.exitCode(), elsewhere::describe);
    assertEquals(version, elsewhere.stdout(), elsewhere::describe);
    assertEquals("", elsewhere.stderr(), "a cache made for another directory is left out without a word");

    Files.writeString(home.resolve("lib/spad.aot.for"), home.toRealPath() + "\n" + javaCmd + "\n");
    Files.setLastModifiedTime(aot, java.nio.file.attribute.FileTime.fromMillis(946_684_800_000L)); // 2000
    Run.Result stale = Run.run(List.of(home.resolve("bin/spad").toString(), "-V"), env, dir, LIMIT);
    assertEquals(0, stale.exitCode(), stale::describe);
    assertEquals(version, stale.stdout(), stale::describe);
    if (Runtime.version().feature() >= 25) {
      assertTrue(stale.stderr().contains(aot + " is older than the jars in " + home.resolve("lib")
          + " and is not used"), stale::describe);
    }

    Files.setLastModifiedTime(aot, java.nio.file.attribute.FileTime.from(java.time.Instant.now().plusSeconds(60)));
    Run.Result broken = Run.run(List.of(home.resolve("bin/spad").toString(), "-V"), env, dir, LIMIT);
    assertEquals(0, broken.exitCode(), broken::describe);
    assertEquals(version, broken.stdout(), broken::describe);
    assertFalse(broken.stderr().contains("is older than"), broken::describe);
    if (Runtime.version().feature() >= 25) {
      assertTrue(broken.stderr().contains("AOT cache"), broken::describe); // the JVM's complaint, on stderr
    }
  }

  @Test
  void spadStartsFromTheAheadOfTimeCacheTheBuildTrained() throws Exception {
    Assumptions.assumeTrue(Runtime.version().feature() >= 25, "ahead-of-time caches of this kind need Java 25");
    Path aot = image.lib().resolve("spad.aot");
    assertTrue(Files.size(aot) > 0, aot + " is missing");
    assertEquals(List.of(image.home().toRealPath().toString(), Path.of(System.getProperty("java.home"), "bin", "java")
        .toString()), Files.readAllLines(image.lib().resolve("spad.aot.for")));
    Run.Result r = Run.run(List.of(image.spad().toString(), "-V"),
        Map.of("JAVA_HOME", System.getProperty("java.home"), "SPA_JAVA_OPTS", "-Xlog:class+load=info:stdout"),
        image.home(), LIMIT);
    assertEquals(0, r.exitCode(), r::describe);
    // spa's own classes, not only the JDK's, come from the cache
    assertTrue(r.stdout().lines().anyMatch(l -> l.contains(" spa.server.cli.SpadCommand source: shared objects file")),
        r::describe);
  }

  private static Set<String> moduleNames(Path dir) {
    return ModuleFinder.of(dir).findAll().stream().map(ModuleReference::descriptor).map(ModuleDescriptor::name)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** {@code -XshowSettings:properties} output as a map (first line of multi-line values). */
  private static Map<String, String> properties(String text) {
    Map<String, String> m = new TreeMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf(" = ");
      if (line.startsWith("    ") && !line.startsWith("     ") && eq > 0) {
        m.put(line.substring(0, eq).strip(), line.substring(eq + 3).strip());
      }
    }
    return m;
  }
}
