package spa.server.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.server.testkit.TestKit;

/**
 * fwknopd.conf with access.conf (and a file they include), and spad.conf in HOCON, on arbitrary text: each set
 * of files compiles to a policy or is refused with a {@link ConfigException} that names its place, never another
 * exception, and every load ends within a second.
 */
class ConfigFuzzTest {
  private static final Path DIR;

  static {
    try {
      DIR = Files.createTempDirectory("spa-config-fuzz");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @FuzzTest(maxDuration = "5m")
  void fwknopFilesCompileOrAreRefusedWithTheirPlace(byte[] input) throws IOException {
    // fwknopd.conf, access.conf and included.conf, separated by NUL bytes
    byte[][] files = split(input, 3);
    Path server = DIR.resolve("fwknopd.conf");
    Path access = DIR.resolve("access.conf");
    Files.write(server, files[0]);
    Files.write(access, files[1]);
    Files.write(DIR.resolve("included.conf"), files[2]);
    Settings cli = Settings.builder("command line").put("ACCESS_FILE", access.toString()).build();
    check(new ConfigLoader.Sources(server, List.of(), cli, null));
  }

  @FuzzTest(maxDuration = "5m")
  void hoconCompilesOrIsRefusedWithItsPlace(byte[] input) throws IOException {
    Path conf = DIR.resolve("spad.conf");
    Files.write(conf, input);
    check(new ConfigLoader.Sources(conf, List.of(), Settings.empty(), null));
  }

  private static byte[][] split(byte[] input, int n) {
    byte[][] out = new byte[n][];
    int from = 0;
    for (int i = 0; i < n; i++) {
      int to = from;
      while (to < input.length && (input[to] != 0 || i == n - 1)) {
        to++;
      }
      out[i] = java.util.Arrays.copyOfRange(input, Math.min(from, input.length), Math.min(to, input.length));
      from = to + 1;
    }
    return out;
  }

  private static void check(ConfigLoader.Sources sources) {
    long start = System.nanoTime();
    try {
      TestKit.policy(new ConfigLoader(w -> { }).load(sources));
    } catch (ConfigException refused) {
      assertTrue(refused.origin() != null && !refused.origin().isEmpty(), refused::toString);
    } finally {
      assertTrue(System.nanoTime() - start < 1_000_000_000L, "loading took over a second");
    }
  }
}
