package spa.fw.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import spa.cmd.exec.CommandResult;
import spa.cmd.exec.CommandRunner;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Installs a simulator of a firewall tool as an executable: a small shell wrapper, named like the tool, that runs
 * the simulator's {@code main} class in a fresh JVM with the state file as first argument and the tool's own
 * arguments after it. A backend then runs it as it would the real tool, through its {@code *_EXE} setting or the
 * runner's PATH. The simulator must need nothing but the JDK and the directory or jar its class came from.
 */
public final class SimulatedTool {

  private SimulatedTool() {
  }

  /** A simulator's entry point in this JVM: runs {@code args}, appends its output, returns its exit status. */
  @FunctionalInterface
  public interface Program {
    int call(Path state, List<String> args, String stdin, StringBuilder out, StringBuilder err) throws IOException;
  }

  /**
   * The simulator {@code program} as a runner in this JVM, on {@code state}: the same answers as the installed
   * wrapper without a process per command (golden transcripts run thousands of commands). The program name in the
   * argv is not looked at; the rest are the tool's arguments.
   */
  public static CommandRunner inProcess(Program program, Path state) {
    return c -> {
      StringBuilder out = new StringBuilder();
      StringBuilder err = new StringBuilder();
      byte[] in = c.input();
      try {
        int status = program.call(state, c.argv().subList(1, c.argv().size()),
            in == null ? null : new String(in, StandardCharsets.UTF_8), out, err);
        return new CommandResult(c, CommandResult.Status.EXITED, status, out.toString(), err.toString(),
            Duration.ZERO);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  /**
   * Writes {@code dir/name} running {@code main} on {@code state}; returns the wrapper's path.
   *
   * @param dir where the wrapper goes (a test's temporary directory, put first on a PATH if wanted)
   * @param name the tool's name, such as {@code pfctl} or {@code ipfw}
   * @param main the simulator class, whose {@code main(String[])} takes the state file and then the tool's args
   * @param state the file the simulator keeps the firewall's state in
   * @param alsoFrom classes whose jar or directory the simulator needs too (such as spa.core's)
   */
  public static Path install(Path dir, String name, Class<?> main, Path state, Class<?>... alsoFrom)
      throws IOException {
    StringBuilder cp = new StringBuilder(location(main).toString());
    for (Class<?> c : alsoFrom) {
      cp.append(':').append(location(c));
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    String script = "#!/bin/sh\nexec '" + java + "' -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx32m"
        + " -cp '" + cp + "' " + main.getName() + " '" + state + "' \"$@\"\n";
    Path p = dir.resolve(name);
    Files.writeString(p, script);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    return p;
  }

  private static Path location(Class<?> c) {
    try {
      return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
