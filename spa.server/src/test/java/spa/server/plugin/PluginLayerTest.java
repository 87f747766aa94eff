package spa.server.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.server.testkit.TestKit.access;
import static spa.server.testkit.TestKit.now;
import static spa.server.testkit.TestKit.wire;

import com.typesafe.config.Config;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.spi.CaptureSource;
import spa.server.testkit.TestKit;

/** Builds a capture plugin jar at test time, drops it into a plugins directory and has spad load and use it. */
class PluginLayerTest {
  @TempDir
  Path dir;

  private static final String MODULE_INFO = """
      module test.burst {
        requires spa.core;
        provides spa.core.spi.CaptureSource with test.burst.Burst;
      }
      """;

  /** Delivers the packets listed in BURST_FILE (lines: source-address payload), then ends. */
  private static final String SOURCE = """
      package test.burst;

      import java.io.IOException;
      import java.net.InetAddress;
      import java.nio.charset.StandardCharsets;
      import java.nio.file.Files;
      import java.nio.file.Path;
      import java.time.Instant;
      import spa.core.ConfigException;
      import spa.core.Packet;
      import spa.core.Settings;
      import spa.core.spi.CaptureSource;

      public final class Burst implements CaptureSource {
        @Override
        public String name() {
          return "burst";
        }

        @Override
        public Capture start(Settings settings, Sink sink) throws ConfigException, IOException {
          String file = settings.get("BURST_FILE").orElseThrow(() -> settings.invalid("BURST_FILE", "missing"));
          Thread t = new Thread(() -> {
            try {
              for (String line : Files.readAllLines(Path.of(file))) {
                String[] f = line.split(" ");
                sink.accept(new Packet(InetAddress.getByName(f[0]), 5555, InetAddress.getByName("198.18.0.1"), 62201,
                    Packet.UDP, f[1].getBytes(StandardCharsets.US_ASCII), Instant.now()));
              }
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            } finally {
              sink.end();
            }
          }, "burst");
          t.start();
          return () -> { };
        }
      }
      """;

  private Path buildPlugin() throws Exception {
    Path src = dir.resolve("src");
    Files.createDirectories(src.resolve("test/burst"));
    Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
    Files.writeString(src.resolve("test/burst/Burst.java"), SOURCE);
    Path classes = dir.resolve("classes");
    String core = Path.of(ModuleLayer.boot().configuration().findModule("spa.core").orElseThrow().reference()
        .location().orElseThrow()).toString();
    ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(log, true);
    int rc = javac.run(ps, ps, "--release", "21", "--module-path", core, "-d", classes.toString(),
        src.resolve("module-info.java").toString(), src.resolve("test/burst/Burst.java").toString());
    assertEquals(0, rc, log.toString());
    Path plugins = dir.resolve("plugins");
    Files.createDirectories(plugins.resolve("burst"));
    ToolProvider jar = ToolProvider.findFirst("jar").orElseThrow();
    rc = jar.run(ps, ps, "--create", "--file", plugins.resolve("burst/test-burst.jar").toString(), "-C",
        classes.toString(), ".");
    assertEquals(0, rc, log.toString());
    return plugins;
  }

  @Test
  void aDroppedInJarBecomesALayerAndIsUsed() throws Exception {
    Path plugins = buildPlugin();

    assertTrue(Plugins.bootOnly().providers(CaptureSource.class, new ArrayList<>()).stream()
        .noneMatch(f -> f.info().name().equals("burst")), "not on the module path");
    Plugins loaded = Plugins.load(List.of(plugins), Set.of("com.sun.jna"));
    assertEquals(List.of(), loaded.problems());
    List<String> errors = new ArrayList<>();
    Plugins.Found<CaptureSource> burst = loaded.providers(CaptureSource.class, errors).stream()
        .filter(f -> f.info().name().equals("burst")).findFirst().orElseThrow();
    assertEquals(new PluginInfo("burst", "CaptureSource", "test.burst", "-", "burst",
        plugins.resolve("burst/test-burst.jar").toRealPath().toString()), burst.info());
    assertSame(loaded.layers().get(1).layer(), burst.provider().getClass().getModule().getLayer());
    assertEquals("burst", loaded.layers().get(1).name());
    assertTrue(errors.isEmpty(), errors.toString());

    TestKit.Run list = TestKit.spad("--list-plugins", "--plugins", plugins.toString());
    assertEquals(0, list.status(), list.out());
    assertTrue(list.out().lines().anyMatch(l -> l.matches("burst\\s+CaptureSource\\s+test\\.burst\\s+-\\s+\\S*/plugins/burst/test-burst\\.jar")),
        list.out());

    var enc = TestKit.defaultEncryptor();
    Path packets = dir.resolve("packets.txt");
    Files.writeString(packets, "198.18.0.10 " + wire(enc, access("alice", "10.0.0.5", "tcp/22", now()).build()) + "\n"
        + "198.18.0.11 " + wire(enc, access("bob", "10.0.0.6", "tcp/22", now()).build()) + "\n");
    Path conf = dir.resolve("fwknopd.conf");
    Files.writeString(conf, "BURST_FILE " + packets + "\n");
    Path access = dir.resolve("access.conf");
    Files.writeString(access, "SOURCE ANY\nKEY " + TestKit.KEY + "\nHMAC_KEY " + TestKit.HMAC + "\n");
    TestKit.Run r = TestKit.spad("-t", "--plugins", plugins.toString(), "--capture", "burst", "-c", conf.toString(),
        "-a", access.toString(), "--log-format", "json", "-r", dir.resolve("run").toString());
    assertEquals(0, r.status(), r.err());
    List<Config> ev = r.json();
    assertEquals(List.of("alice", "bob"), ev.stream().filter(c -> c.getString("event").equals("accept"))
        .map(c -> c.getString("user")).sorted().toList(), r.events());
  }

  @Test
  void aBrokenPluginDirectoryIsReportedWithItsName() throws Exception {
    Path plugins = dir.resolve("plugins");
    Files.createDirectories(plugins.resolve("broken"));
    Files.writeString(plugins.resolve("broken/not-a.jar"), "not a jar");
    Plugins loaded = Plugins.load(List.of(plugins), Set.of());
    assertEquals(1, loaded.problems().size());
    assertTrue(loaded.problems().get(0).contains("broken"), loaded.problems().toString());
    TestKit.Run r = TestKit.spad("--list-plugins", "--plugins", plugins.toString());
    assertEquals(1, r.status());
    assertTrue(r.out().contains("problem: ") && r.out().contains("broken"), r.out());
  }
}
