package spa.distribution.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** A test class whose tests share one {@link Site}, made before the first and removed after the last, and the image. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class OnSite {
  /** The assembled image under test (system property {@code spa.image}, set by the build). */
  final Path image;
  Site site;

  OnSite() {
    this.image = imageUnderTest();
  }

  /** The assembled image under test; fails the test when the build gave none. */
  static Path imageUnderTest() {
    String home = System.getProperty("spa.image");
    assertTrue(home != null && Files.isDirectory(Path.of(home, "bin")),
        "no assembled image in system property spa.image (run mvn verify)");
    return Path.of(home).toAbsolutePath();
  }

  @BeforeAll
  void createSite() {
    site = Site.create();
  }

  @AfterAll
  void deleteSite() {
    if (site != null) {
      site.close();
    }
  }
}
