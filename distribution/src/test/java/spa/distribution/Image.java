package spa.distribution;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The assembled image under test: {@code target/spa}, passed in by the build as system property {@code spa.image}. */
record Image(Path home) {

  static Image get() {
    String dir = System.getProperty("spa.image");
    assertTrue(dir != null && !dir.isBlank(), "system property spa.image is not set (run the tests with mvn verify)");
    Path home = Path.of(dir).toAbsolutePath();
    assertTrue(Files.isDirectory(home.resolve("bin")), "no assembled image at " + home + " (run mvn package first)");
    return new Image(home);
  }

  Path spa() {
    return home.resolve("bin/spa");
  }

  Path spad() {
    return home.resolve("bin/spad");
  }

  Path lib() {
    return home.resolve("lib");
  }

  Path plugins() {
    return home.resolve("plugins");
  }

  Path conf() {
    return home.resolve("conf");
  }
}
