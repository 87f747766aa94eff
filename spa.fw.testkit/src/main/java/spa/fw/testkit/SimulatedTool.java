package spa.fw.testkit;

import java.io.IOException;
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

  /**
   * Writes {@code dir/name} running {@code main} on {@code state}; returns the wrapper's path.
   *
   * @param dir where the wrapper goes (a test's temporary directory, put first on a PATH if wanted)
   * @param name the tool's name, such as {@code pfctl} or {@code ipfw}
   * @param main the simulator class, whose {@code main(String[])} takes the state file and then the tool's args
   * @param state the file the simulator keeps the firewall's state in
   */
  public static Path install(Path dir, String name, Class<?> main, Path state) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    String script = "#!/bin/sh\nexec '" + java + "' -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx32m"
        + " -cp '" + location(main) + "' " + main.getName() + " '" + state + "' \"$@\"\n";
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
