package spa.server.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.server.config.ConfigLoader;
import spa.server.config.Variables;

/** {@code -K}, {@code -R}, {@code -S}: stop, reload or ask the running spad, found through its pid file. */
final class ControlCommand {
  private final ConfigLoader loader;
  private final ConfigLoader.Sources sources;
  private final boolean restart;
  private final boolean status;
  private final PrintStream out;
  private final PrintStream err;

  /** {@code restart} asks for a reload, {@code status} for the state; with neither, the daemon is stopped. */
  ControlCommand(ConfigLoader loader, ConfigLoader.Sources sources, boolean restart, boolean status, PrintStream out,
      PrintStream err) {
    this.loader = loader;
    this.sources = sources;
    this.restart = restart;
    this.status = status;
    this.out = out;
    this.err = err;
  }

  int run() {
    Settings g;
    try {
      g = loader.globals(sources);
    } catch (ConfigException e) {
      g = Settings.of(java.util.Map.of("FWKNOP_RUN_DIR", Variables.DEFAULT_RUN_DIR), "default").with(sources.commandLine());
    }
    Path pid = RunFiles.pidPath(g);
    OptionalLong p = PidFile.read(pid);
    Optional<ProcessHandle> proc = p.isPresent() ? ProcessHandle.of(p.getAsLong()).filter(ProcessHandle::isAlive)
        : Optional.empty();
    if (status) {
      if (proc.isEmpty()) {
        out.println("spad is not running (" + pid + ")");
        return 1;
      }
      out.println("spad is running (pid " + p.getAsLong() + ")");
      try {
        out.println(ControlSocket.request(RunFiles.socketPath(pid), "status"));
      } catch (IOException e) {
        // running but not answering: the pid line says enough
      }
      return 0;
    }
    if (restart) {
      try {
        String reply = ControlSocket.request(RunFiles.socketPath(pid), "reload");
        out.println("spad: " + reply);
        return reply.startsWith("ok") ? 0 : 1;
      } catch (IOException e) {
        err.println("spad: no running spad answers at " + RunFiles.socketPath(pid) + ": " + e.getMessage());
        return 1;
      }
    }
    if (proc.isEmpty()) {
      err.println("spad: not running (" + pid + ")");
      return 1;
    }
    proc.get().destroy();
    try {
      proc.get().onExit().get(15, TimeUnit.SECONDS);
      out.println("spad: stopped pid " + p.getAsLong());
      return 0;
    } catch (Exception e) {
      err.println("spad: pid " + p.getAsLong() + " did not stop within 15 s");
      return 1;
    }
  }
}
