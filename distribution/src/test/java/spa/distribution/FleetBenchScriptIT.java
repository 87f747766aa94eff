package spa.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.test.support.Required;

/**
 * The fleet benchmark, run small against this image and Debian's redis-server: it must finish, find every packet
 * accepted once and refused as a replay at the other gateway, and print the latency and the three rates.
 */
class FleetBenchScriptIT {
  private static final Path SCRIPT = Path.of("..", "spa.replay.redis", "bench", "fleet-bench.sh").toAbsolutePath();

  @Test
  void measuresTheSharedCheckAndTheThroughputOfOneAndTwoGateways(@TempDir Path dir) throws Exception {
    Required.programs("redis-server", "redis-cli");
    assertTrue(Files.isRegularFile(SCRIPT), SCRIPT.toString());
    Path work = Files.createDirectories(dir.resolve("work"));
    Run.Result r = Run.run(List.of("bash", SCRIPT.toString(), "-n", "2000", "-l", "2000", "-R", "2",
        "-w", work.toString()), Map.of("SPA_HOME", Image.get().home().toString(),
        "JAVA_HOME", System.getProperty("java.home")), dir, Duration.ofMinutes(5));
    assertEquals(0, r.exitCode(), r::describe);
    String out = r.stdout();
    assertTrue(Pattern.compile("(?m)^redis firstSeen: 2000 calls, median [0-9.]+ us, p99 [0-9.]+ us, max [0-9.]+ us, "
        + "not-first 0$").matcher(out).find(), out);
    for (String c : List.of("local cache, one gateway", "shared Redis, one gateway", "shared Redis, two gateways at once")) {
      assertTrue(Pattern.compile("(?m)^" + Pattern.quote(c) + " +[0-9.]+ s +[0-9]+ pkt/s").matcher(out).find(),
          c + " in\n" + out);
    }
    assertTrue(out.contains("the second gateway's 2000 packets, sent to the first, all refused"), out);
    assertTrue(Files.readString(work.resolve("two-b.err")).contains("accepted=2000 "), r::describe);
  }
}
