package spa.server.engine;

import java.util.ArrayList;
import java.util.List;
import spa.core.Settings;

/**
 * A stanza's {@code ENABLE_CMD_SUDO_EXEC}: its commands run through {@code SUDO_EXE}, as
 * {@code CMD_SUDO_EXEC_USER} and {@code CMD_SUDO_EXEC_GROUP} when set. Only argv is built: no shell, and
 * {@code --} ends sudo's options so a command cannot pass it any.
 *
 * @param exe SUDO_EXE
 * @param user CMD_SUDO_EXEC_USER, or null (sudo's default, root)
 * @param group CMD_SUDO_EXEC_GROUP, or null
 */
public record SudoExec(String exe, String user, String group) {
  /** fwknopd's default SUDO_EXE. */
  public static final String DEFAULT_EXE = "/usr/bin/sudo";

  /** The stanza's sudo settings, or null when it has none ({@code SUDO_EXE} is put there from fwknopd.conf). */
  public static SudoExec of(Settings stanza) {
    if (!stanza.flag("ENABLE_CMD_SUDO_EXEC", false)) {
      return null;
    }
    return new SudoExec(stanza.get("SUDO_EXE").map(String::strip).orElse(DEFAULT_EXE),
        blankToNull(stanza.get("CMD_SUDO_EXEC_USER").orElse(null)),
        blankToNull(stanza.get("CMD_SUDO_EXEC_GROUP").orElse(null)));
  }

  /** {@code command} (already split into words) run through sudo. */
  public List<String> wrap(List<String> command) {
    List<String> argv = new ArrayList<>(List.of(exe));
    if (user != null) {
      argv.addAll(List.of("-u", user));
    }
    if (group != null) {
      argv.addAll(List.of("-g", group));
    }
    argv.add("--");
    argv.addAll(command);
    return argv;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
