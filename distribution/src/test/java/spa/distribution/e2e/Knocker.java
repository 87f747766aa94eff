package spa.distribution.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;

/** The two clients that knock: the image's {@code bin/spa} and Debian's fwknop 2.6 client. */
enum Knocker {
  SPA, FWKNOP;

  /** The program and its fixed options; the test adds the request, destination, port and keys. */
  List<String> argv(Path image) {
    return this == SPA
        ? List.of(image.resolve("bin/spa").toString(), "--no-rc-file")
        : List.of("fwknop", "--no-save-args", "--no-rc-file");
  }

  /**
   * Sends one packet from the client namespace to spad's UDP port, with a fresh home directory under
   * {@code dir}; fails the test unless the client succeeds.
   */
  void knock(Site site, Path image, Path dir, Keys with, String... request) throws IOException {
    Path home = Files.createTempDirectory(dir, "home");
    List<String> argv = new ArrayList<>(List.of("env", "HOME=" + home, "JAVA_HOME=" + System.getProperty("java.home")));
    argv.addAll(argv(image));
    argv.addAll(List.of(request));
    argv.addAll(List.of("-p", String.valueOf(ServerFiles.UDP_PORT)));
    argv.addAll(with.clientArgs());
    CommandResult r = site.runInClient(Command.of(argv).withTimeout(Duration.ofSeconds(30)));
    assertTrue(r.ok(), () -> this + " failed: " + r.failure());
  }
}
