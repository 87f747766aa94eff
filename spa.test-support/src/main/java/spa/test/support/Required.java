package spa.test.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A test's needs from the machine (root, a program). CI installs and grants everything the suite uses, so there
 * a missing need is a failure, never a silent skip; on a developer's machine it skips the test with the reason.
 */
public final class Required {
  private Required() {}

  /** Fails in CI, and skips elsewhere, unless {@code met}; {@code need} says what is missing. */
  public static void that(boolean met, String need) {
    that(met, need, System.getenv("CI") != null);
  }

  static void that(boolean met, String need, boolean ci) {
    if (met) {
      return;
    }
    if (ci) {
      Assertions.fail("CI must provide this test's needs: " + need);
    }
    Assumptions.abort("needs " + need);
  }

  /** Requires that the tests run as root. */
  public static void root() {
    that(isRoot(), "root");
  }

  /** Requires each program on the {@code PATH} (or in /usr/sbin); the first one's path. */
  public static Path programs(String... names) {
    Path first = null;
    for (String name : names) {
      Optional<Path> p = onPath(name);
      that(p.isPresent(), "the program " + name);
      first = first == null ? p.get() : first;
    }
    return first;
  }

  /** Whether the tests run as root. */
  public static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /** A program on the {@code PATH} or in /usr/sbin. */
  public static Optional<Path> onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + File.pathSeparator + "/usr/sbin";
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
