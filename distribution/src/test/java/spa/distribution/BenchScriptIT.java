package spa.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The side-by-side benchmark script, run small against this image and Debian's fwknopd: it must finish, check
 * spad's counts, and print the ratios. (The figures themselves come from full-size runs; see the README.)
 */
class BenchScriptIT {
  private static final Path SCRIPT = Path.of("..", "spa.server", "bench", "compare-fwknopd.sh").toAbsolutePath();

  @Test
  void comparesSpadWithFwknopdAndPrintsTheRatios(@TempDir Path dir) throws Exception {
    assertTrue(Files.isRegularFile(SCRIPT), SCRIPT.toString());
    Path work = Files.createDirectories(dir.resolve("work"));
    Run.Result r = Run.run(List.of("bash", SCRIPT.toString(), "-n", "3000", "-d", "2000", "-k", "20", "-R", "2",
        "-s", "300", "-S", "200",
        "-w", work.toString()), Map.of("SPA_HOME", Image.get().home().toString(),
        "JAVA_HOME", System.getProperty("java.home")), dir, Duration.ofMinutes(5));
    assertEquals(0, r.exitCode(), r::describe);
    String out = r.stdout();
    for (String c : List.of("fwknopd-valid", "spad-valid", "fwknopd-garbage", "spad-garbage", "spad-valid-cache",
        "spad-garbage-cache")) {
      Matcher m = Pattern.compile("(?m)^" + c + " +3000 pkts +[0-9.]+ s +[0-9]+ pkt/s +\\(runs: [0-9.]+ [0-9.]+ \\)$")
          .matcher(out);
      assertTrue(m.find(), c + " median line in\n" + out);
    }
    for (String c : List.of("fwknopd-valid-stanzas", "spad-valid-stanzas", "fwknopd-garbage-stanzas",
        "spad-garbage-stanzas")) {
      assertTrue(Pattern.compile("(?m)^" + c + " +300 pkts +[0-9.]+ s +[0-9]+ pkt/s").matcher(out).find(),
          c + " median line in\n" + out);
    }
    assertTrue(Pattern.compile("(?m)^spad/fwknopd valid, 200 stanzas: +[0-9.]+x \\(goal >= 4\\)$").matcher(out)
        .find(), out);
    assertTrue(Pattern.compile("(?m)^spad/fwknopd garbage, 200 stanzas: +[0-9.]+x \\(goal >= 4\\)$").matcher(out)
        .find(), out);
    assertTrue(Pattern.compile("(?m)^spad/fwknopd valid: +[0-9.]+x \\(goal >= 6\\)$").matcher(out).find(), out);
    assertTrue(Pattern.compile("(?m)^spad/fwknopd garbage: +[0-9.]+x \\(goal >= 8\\)$").matcher(out).find(), out);
    assertTrue(Pattern.compile("(?m)^spad 2000-record cache / empty cache: valid [0-9]+%, garbage [0-9]+% "
        + "\\(goal >= 90%\\)$").matcher(out).find(), out);
    // spad's own summary of the last valid run: every packet accepted in test mode
    String spadErr = Files.readString(work.resolve("spad-valid.err"));
    assertTrue(spadErr.contains("accepted=3000 "), r::describe);
    // and no JVM warning: JNA, loaded by the pcap plugin's layer, has native access
    assertFalse(spadErr.contains("WARNING"), spadErr);
    // the cache runs read the records from spad's compacted file (an image of its tables)
    String cacheErr = Files.readString(work.resolve("spad-garbage-cache.err"));
    assertTrue(cacheErr.contains("replay cache: 2000 records read from " + work.resolve("cache.spad.run")), cacheErr);
    assertTrue(cacheErr.contains("replay-cache=2000"), cacheErr);
    byte[] spadCache = Files.readAllBytes(work.resolve("cache.spad.run"));
    assertEquals("SPA-RPL1", new String(spadCache, 0, 8, java.nio.charset.StandardCharsets.ISO_8859_1));
  }
}
