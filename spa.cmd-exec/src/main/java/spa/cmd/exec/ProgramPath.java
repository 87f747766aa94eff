package spa.cmd.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where a command's program is: a name without a slash is looked up in the command's own PATH (the JDK would
 * search spad's), so what runs does not depend on the environment spad was started from.
 */
final class ProgramPath {
  private ProgramPath() {
  }

  /** The executable file {@code program} names under {@code environment}'s PATH, or null when there is none. */
  static String resolve(String program, Map<String, String> environment) {
    if (program.indexOf('/') >= 0) {
      return executable(Path.of(program)) ? program : null;
    }
    for (String dir : environment.getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, program);
        if (executable(candidate)) {
          return candidate.toString();
        }
      }
    }
    return null;
  }

  private static boolean executable(Path p) {
    return Files.isRegularFile(p) && Files.isExecutable(p);
  }
}
