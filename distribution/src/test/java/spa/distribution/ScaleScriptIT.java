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
 * The scale benchmark script, run small against this image: every knock from its own source must be in place
 * before its expiry, all must be gone in the end, another user's knock must open, and {@code --fw-list} must
 * list them all. (Times are the full-size run's business; see the script.)
 */
class ScaleScriptIT {
  private static final Path SCRIPT = Path.of("bench", "scale.sh").toAbsolutePath();
  private static final int N = 2000;

  @Test
  void twoThousandDistinctKnocksAreAllInPlaceAndAllExpire(@TempDir Path dir) throws Exception {
    Required.root();
    Required.programs("nft", "ip", "nc");
    assertTrue(Files.isRegularFile(SCRIPT), SCRIPT.toString());
    Run.Result r = Run.run(List.of("bash", SCRIPT.toString(), Integer.toString(N), "1000", "10"),
        Map.of("SPA_HOME", Image.get().home().toString(), "JAVA_HOME", System.getProperty("java.home")), dir,
        Duration.ofMinutes(3));
    assertEquals(0, r.exitCode(), r::describe);
    String out = r.stdout();
    assertTrue(out.contains("knocks never granted: 0, granted after their expiry: 0, granted but never seen in a listing: 0"),
        out);
    assertTrue(Pattern.compile("(?m)^time-to-in-place, send to grant event \\(ms\\):.* \\(" + N + " knocks\\)$")
        .matcher(out).find(), out);
    // the N knocks and the other user's opening, all at once
    assertTrue(Pattern.compile("(?m)^in place at peak: " + (N + 1) + " of " + N + " ").matcher(out).find(), out);
    assertTrue(Pattern.compile("(?m)^all gone: -?[0-9]+ ms after").matcher(out).find(), out);
    assertTrue(Pattern.compile("(?m)^other user's knock-to-connect: [0-9.]+ ms$").matcher(out).find(), out);
    Matcher listed = Pattern.compile("(?m)^spad --fw-list: [0-9]+ ms, ([0-9]+) openings listed$").matcher(out);
    assertTrue(listed.find(), out);
    assertEquals(N + 1, Integer.parseInt(listed.group(1)), out);
    assertTrue(Pattern.compile("(?m)^scale: ok$").matcher(out).find(), out);
  }
}
