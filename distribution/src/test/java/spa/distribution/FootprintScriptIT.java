package spa.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import spa.test.support.Required;

/**
 * The start-up and footprint benchmark script, run small against this image and Debian's fwknop: it must finish,
 * measure every client and server case with consistent figures, and flood spad without losing a datagram to a full
 * queue or socket buffer while spad keeps running. (The figures themselves come from full-size runs.)
 */
class FootprintScriptIT {
  private static final Path SCRIPT = Path.of("bench", "footprint.sh").toAbsolutePath();
  private static final String ROW = " +([0-9]+) ms +([0-9]+) ms +([0-9]+) ms +([0-9.]+) MB";

  @Test
  void measuresClientsServersAndAFlood(@TempDir Path dir) throws Exception {
    Required.programs("fwknop", "fwknopd", "time");
    assertTrue(Files.isRegularFile(SCRIPT), SCRIPT.toString());
    Run.Result r = Run.run(List.of("bash", SCRIPT.toString(), "2", "3"), Map.of("SPA_HOME",
        Image.get().home().toString(), "JAVA_HOME", System.getProperty("java.home"), "TMPDIR", dir.toString(),
        "FLOOD_RATE", "20000"), dir, Duration.ofMinutes(3));
    assertEquals(0, r.exitCode(), r::describe);
    String out = r.stdout();
    for (String c : List.of("spa-T", "fwknop-T", "spa-send", "fwknop-send", "spad-ready", "fwknopd-ready")) {
      Matcher m = Pattern.compile("(?m)^" + c + ROW).matcher(out);
      assertTrue(m.find(), c + " line in\n" + out);
      long median = Long.parseLong(m.group(1));
      long min = Long.parseLong(m.group(2));
      assertTrue(min <= median, c + ": " + m.group());
      assertTrue(Double.parseDouble(m.group(4)) > 1, c + ": a process of over 1 MB RSS: " + m.group());
    }
    assertTrue(Pattern.compile("(?m)^ratios spa/fwknop \\(wall medians\\): -T [0-9.]+x, send [0-9.]+x, ready [0-9.]+x;"
        + " idle RSS [0-9.]+x$").matcher(out).find(), out);
    Matcher flood = Pattern.compile("(?m)^flood: ([0-9]+) garbage datagrams in 3 s").matcher(out);
    assertTrue(flood.find(), out);
    long sent = Long.parseLong(flood.group(1));
    assertTrue(sent > 20_000, "the flood sent " + sent);
    Matcher idle = Pattern.compile("(?m)^idle: spad RSS ([0-9.]+) MB 2 s after ready, ([0-9.]+) MB 10 s after$")
        .matcher(out);
    assertTrue(idle.find(), out);
    assertTrue(Double.parseDouble(idle.group(1)) > 1 && Double.parseDouble(idle.group(2)) > 1, idle.group());
    Matcher rss = Pattern.compile("(?m)^flood: spad RSS idle ([0-9.]+) MB, peak ([0-9.]+) MB;").matcher(out);
    assertTrue(rss.find(), out);
    assertTrue(Double.parseDouble(rss.group(1)) > 1 && Double.parseDouble(rss.group(2)) > 1, rss.group());
    // spad's own count: every datagram received and none dropped
    assertTrue(out.contains("received=" + sent + " "), "spad -S counts all " + sent + " datagrams:\n" + out);
    assertTrue(out.contains(" queue-dropped=0 capture-dropped=0 "), out);
  }
}
