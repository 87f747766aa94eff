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
 * The knock-to-open benchmark script, run small against this image and Debian's fwknopd in network namespaces: it
 * must finish, open the port for every knock of every server, print ordered figures, and say that spad used
 * libnftables. (The figures themselves come from full-size runs.)
 */
class LatencyScriptIT {
  private static final Path SCRIPT = Path.of("bench", "latency.sh").toAbsolutePath();
  private static final String MS = "([0-9]+\\.[0-9]{2}) ms";

  @Test
  void measuresEveryServerAndPrintsMedianAndP99(@TempDir Path dir) throws Exception {
    Required.root();
    Required.programs("fwknop", "fwknopd", "nft", "iptables", "nc", "ip");
    assertTrue(Files.isRegularFile(SCRIPT), SCRIPT.toString());
    Run.Result r = Run.run(List.of("bash", SCRIPT.toString(), "3", "1"), Map.of("SPA_HOME",
        Image.get().home().toString(), "JAVA_HOME", System.getProperty("java.home"), "TMPDIR", dir.toString()), dir,
        Duration.ofMinutes(5));
    assertEquals(0, r.exitCode(), r::describe);
    String out = r.stdout();
    for (String s : List.of("fwknopd-udp", "fwknopd-pcap", "spad-udp", "spad-pcap")) {
      Matcher m = Pattern.compile("(?m)^" + s + " +" + MS + " +" + MS + " +" + MS + " +" + MS + " +" + MS
          + " +[0-9.]+x +[0-9.]+x +([0-9]+) us$").matcher(out);
      assertTrue(m.find(), s + " line in\n" + out);
      double median = Double.parseDouble(m.group(1));
      double p90 = Double.parseDouble(m.group(2));
      double p99 = Double.parseDouble(m.group(3));
      double min = Double.parseDouble(m.group(4));
      double max = Double.parseDouble(m.group(5));
      assertTrue(min > 0 && min <= median && median <= p90 && p90 <= p99 && p99 <= max, s + ": " + m.group());
      assertTrue(Long.parseLong(m.group(6)) > 0, "the client's pace: " + m.group());
    }
    assertTrue(out.contains("spad-udp: nftables in-process through libnftables.so.1"), out);
    assertTrue(out.contains("spad-pcap: nftables in-process through libnftables.so.1"), out);
    assertTrue(out.contains("knock-to-open latency, 3 knocks each (after 1 warm-up), attempts every 100 us"), out);
  }
}
