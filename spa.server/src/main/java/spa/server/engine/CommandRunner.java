package spa.server.engine;

import java.io.IOException;
import java.util.List;

/**
 * Runs the commands of command messages and command cycles: an argv list, never a shell. The engine
 * itself starts no process; a runner is plugged in by whoever assembles the daemon.
 */
public interface CommandRunner {

  /** How a command ended. */
  record Result(int exitCode, String output) {}

  /**
   * @param argv the command split on whitespace, as fwknopd splits it
   * @param user the user to run as, or null for spad's own
   */
  Result run(List<String> argv, String user) throws IOException;

  /** Splits a command on whitespace (fwknopd's {@code strtoargv}, no quoting). */
  static List<String> split(String command) {
    return List.of(command.strip().split("\\s+"));
  }
}
