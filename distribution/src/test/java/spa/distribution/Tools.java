package spa.distribution;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds the external programs the tests run, and free loopback ports. */
public final class Tools {
  private Tools() {}

  /** The path of {@code program} on PATH or in /usr/sbin, /sbin; fails the test naming the Debian package if absent. */
  public static Path require(String program, String debianPackage) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin"));
    for (String d : dirs) {
      if (d.isEmpty()) {
        continue;
      }
      Path p = Path.of(d, program);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return fail(program + " not found: install the Debian package " + debianPackage + " (.ci/run does)");
  }

  /** A UDP port that was free on loopback a moment ago. */
  static int freeUdpPort() {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether some socket is bound to UDP {@code port}, IPv4 or IPv6, per /proc/net/udp and /proc/net/udp6. */
  static boolean udpPortBound(int port) throws IOException {
    String suffix = String.format(":%04X", port);
    for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
      Path p = Path.of(table);
      if (!Files.exists(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p)) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 1 && f[1].endsWith(suffix)) {
          return true;
        }
      }
    }
    return false;
  }
}
