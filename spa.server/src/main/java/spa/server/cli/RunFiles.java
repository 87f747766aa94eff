package spa.server.cli;

import java.nio.file.Path;
import spa.core.Settings;
import spa.server.config.Variables;

/** Where the daemon keeps its pid file, control socket and grant journal. */
final class RunFiles {
  private RunFiles() {}

  static Path pidPath(Settings g) {
    return g.get("FWKNOP_PID_FILE").map(Path::of)
        .orElse(Path.of(g.get("FWKNOP_RUN_DIR").orElse(Variables.DEFAULT_RUN_DIR), "spad.pid"));
  }

  static Path socketPath(Path pid) {
    return pid.resolveSibling("spad.sock");
  }

  static Path journalPath(Settings g) {
    return g.get("GRANT_JOURNAL").map(Path::of)
        .orElse(Path.of(g.get("FWKNOP_RUN_DIR").orElse(Variables.DEFAULT_RUN_DIR), "grants.journal"));
  }
}
