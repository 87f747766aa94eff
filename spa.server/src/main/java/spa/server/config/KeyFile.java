package spa.server.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import spa.core.ConfigException;

/**
 * An {@code %include_keys} file: the keys of the stanza that names it, or the one reason the stanza cannot use
 * it. As in fwknopd, a bad key file costs only its own stanza (one user's file cannot stop the server); the
 * caller skips that stanza with a warning.
 */
final class KeyFile {
  private KeyFile() {}

  /** What the file gave: its key lines, or (when {@code problem} is set) nothing usable. */
  record Result(List<FwknopFormat.Line> keys, String problem) {
    boolean usable() {
      return problem == null;
    }
  }

  static Result read(Path file, Consumer<String> warn) {
    if (!Files.isRegularFile(file)) {
      return failed(file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
    }
    List<FwknopFormat.Line> lines;
    try {
      lines = FwknopFormat.lines(file, warn);
    } catch (ConfigException e) {
      return failed(e.toString());
    }
    List<FwknopFormat.Line> keys = new ArrayList<>();
    for (FwknopFormat.Line l : lines) {
      String var = l.var().endsWith(":") ? l.var().substring(0, l.var().length() - 1) : l.var();
      String problem = problem(var, l.value());
      if (problem != null) {
        return failed(l.origin() + ": " + var + ": " + problem);
      }
      keys.add(new FwknopFormat.Line(var, l.value(), l.origin()));
    }
    if (keys.isEmpty()) {
      return failed(file + ": holds no keys");
    }
    return new Result(List.copyOf(keys), null);
  }

  private static String problem(String var, String value) {
    if (!Variables.KEYS.contains(var)) {
      // fwknopd ignores such a line; a setting written here and silently not applied could widen access
      return "not a key variable (a key file holds only KEY, KEY_BASE64, HMAC_KEY, HMAC_KEY_BASE64, HMAC_DIGEST_TYPE"
          + " and GPG_* variables other than GPG_HOME_DIR and GPG_EXE, which fwknopd does not read there)";
    }
    if (value.isEmpty()) {
      return "has no value";
    }
    if (value.equals(Variables.PLACEHOLDER)) {
      return "still holds the placeholder " + Variables.PLACEHOLDER;
    }
    if (var.endsWith("_BASE64")) {
      try {
        if (Base64.getDecoder().decode(value).length == 0) {
          return "is empty once decoded";
        }
      } catch (IllegalArgumentException e) {
        return "not base64: " + e.getMessage();
      }
    }
    return null;
  }

  private static Result failed(String problem) {
    return new Result(List.of(), problem);
  }
}
