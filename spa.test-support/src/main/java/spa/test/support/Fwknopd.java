package spa.test.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code fwknopd} asked only to read a configuration ({@code --exit-parse-config}): no network, no
 * firewall, its pid and digest files kept in a given directory. The reference the side-by-side tests compare
 * spad's reading of the same files against.
 */
public final class Fwknopd {
  private Fwknopd() {}

  /** What fwknopd said: its exit status and everything it printed. */
  public record Parse(int status, String output) {
    public boolean accepted() {
      return status == 0 && output.contains("Configs parsed, exiting.");
    }
  }

  /**
   * Runs {@code fwknopd -c conf -a access --exit-parse-config} in {@code workDir} (relative paths in the files
   * are relative to it), with {@code extra} arguments after; its pid and digest files go beside {@code conf}.
   * Requires the program.
   */
  public static Parse parse(Path workDir, Path conf, Path access, String... extra) {
    List<String> args = new ArrayList<>(List.of("--exit-parse-config"));
    args.addAll(List.of(extra));
    return run(workDir, conf, access, args);
  }

  /** As {@link #parse}, with {@code -D}: fwknopd prints the configuration it read, each stanza's values. */
  public static Parse dump(Path workDir, Path conf, Path access) {
    return run(workDir, conf, access, List.of("-D"));
  }

  private static Parse run(Path workDir, Path conf, Path access, List<String> extra) {
    Path fwknopd = Required.programs("fwknopd");
    Path state = conf.toAbsolutePath().getParent();
    List<String> cmd = new ArrayList<>(List.of(fwknopd.toString(), "-c", conf.toString(), "-a", access.toString(),
        "-p", state.resolve("fwknopd.pid").toString(), "-d", state.resolve("fwknopd.digest").toString()));
    cmd.addAll(extra);
    try {
      Path out = Files.createTempFile("fwknopd-parse", ".log");
      try {
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
            .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
            .start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError("fwknopd did not finish: " + cmd);
        }
        return new Parse(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + cmd + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
