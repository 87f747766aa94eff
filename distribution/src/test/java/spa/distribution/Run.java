package spa.distribution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one external command to completion with a time limit, its output kept in files. */
final class Run {
  private Run() {}

  /** What a finished command left behind. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {
    boolean ok() {
      return exitCode == 0;
    }

    /** For assertion messages. */
    String describe() {
      return String.join(" ", command) + "\n  exit " + exitCode + "\n  stdout: " + stdout.strip()
          + "\n  stderr: " + stderr.strip();
    }
  }

  static Result run(List<String> command, Map<String, String> env, Path workDir, Duration limit)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(workDir, "out", ".txt");
    Path err = Files.createTempFile(workDir, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor();
      return new Result(command, -1, read(out), read(err) + "\n(killed after " + limit.toSeconds() + " s)");
    }
    return new Result(command, p.exitValue(), read(out), read(err));
  }

  private static String read(Path f) throws IOException {
    String s = Files.readString(f, StandardCharsets.UTF_8);
    Files.delete(f);
    return s;
  }
}
