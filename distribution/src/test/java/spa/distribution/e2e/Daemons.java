package spa.distribution.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Daemons run side by side in the server namespace (spad and fwknopd on the same files), each with its output in
 * files the test reads back; stopped together at the end.
 */
final class Daemons implements AutoCloseable {
  private final Site site;
  private final Path dir;
  private final List<Process> running = new ArrayList<>();

  Daemons(Site site, Path dir) {
    this.site = site;
    this.dir = dir;
  }

  /** Starts {@code argv} in the server namespace in {@code dir}, standard output to {@code out}, errors to {@code err}. */
  void start(Path out, Path err, String... argv) throws IOException {
    List<String> cmd = new ArrayList<>(site.inServer());
    cmd.addAll(List.of(argv));
    ProcessBuilder b = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    if (out.equals(err)) {
      b.redirectErrorStream(true).redirectOutput(out.toFile());
    } else {
      b.redirectOutput(out.toFile()).redirectError(err.toFile());
    }
    running.add(b.start());
  }

  /** Waits until {@code done}; fails the test with {@code output} after {@code limit}. */
  static void await(String what, BooleanSupplier done, Supplier<String> output, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not " + what + " within " + limit.toSeconds() + " s:\n" + output.get());
      }
      Thread.sleep(25);
    }
  }

  /** A file's text, empty while it does not exist. */
  static String read(Path f) {
    try {
      return Files.exists(f) ? Files.readString(f, StandardCharsets.ISO_8859_1) : "";
    } catch (IOException e) {
      return "(" + e + ")\n";
    }
  }

  /** Writes a configuration file only its owner may read, as both daemons want. */
  static Path writePrivate(Path p, String text) throws IOException {
    Files.writeString(p, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    return p;
  }

  /** SIGTERM to each, SIGKILL to any still running after 10 s. */
  @Override
  public void close() throws InterruptedException {
    for (Process p : running) {
      p.destroy();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }
}
