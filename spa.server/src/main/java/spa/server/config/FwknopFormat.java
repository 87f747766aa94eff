package spa.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import spa.core.ConfigException;
import spa.core.Settings;

/**
 * fwknop's own file syntax: {@code fwknopd.conf} ({@code VAR value[;]}, {@code $VAR} expansion) and
 * {@code access.conf} ({@code SOURCE} starts a stanza, {@code %include}, {@code %include_folder},
 * {@code %include_keys}).
 */
public final class FwknopFormat {
  /** fwknopd follows {@code %include} at most this deep. */
  static final int MAX_INCLUDE_DEPTH = 3;

  private FwknopFormat() {}

  /** One meaningful line: variable, value, and where. */
  record Line(String var, String value, String origin) {}

  /**
   * Parses a fwknopd.conf file into {@code into}. A value starting with {@code $NAME} is expanded from a
   * variable set earlier (or a default), as fwknopd does. Unknown variables are reported to
   * {@code unknown} (fwknopd warns and ignores them; plugins may read them).
   */
  public static void parseServer(Path file, Settings.Builder into, Function<String, String> earlier,
      java.util.function.Consumer<String> unknown) throws ConfigException {
    Map<String, String> seen = new java.util.HashMap<>();
    for (Line l : lines(file, unknown)) {
      String value = l.value;
      if (value.startsWith("$")) {
        int end = 1;
        while (end < value.length() && (Character.isLetterOrDigit(value.charAt(end)) || value.charAt(end) == '_')) {
          end++;
        }
        String ref = value.substring(1, end);
        String base = seen.containsKey(ref) ? seen.get(ref) : earlier.apply(ref);
        if (base == null) {
          throw new ConfigException(l.origin, l.var, "refers to $" + ref + ", which is not set");
        }
        value = base + value.substring(end);
      }
      if (!Variables.SERVER_DEFAULTS.containsKey(l.var)) {
        unknown.accept(l.origin + ": " + l.var + ": unknown variable, passed to plugins only");
      }
      seen.put(l.var, value);
      into.put(l.var, value, l.origin);
    }
  }

  /** Parses an access.conf file (or, for a directory, every {@code *.conf} in it) into stanzas. */
  public static List<StanzaConfig> parseAccess(Path path, java.util.function.Consumer<String> warn)
      throws ConfigException {
    AccessReader r = new AccessReader(warn);
    if (Files.isDirectory(path)) {
      r.folder(path, path.toString(), 0);
    } else {
      r.file(path, 0);
    }
    return r.finish();
  }

  /**
   * Reads the meaningful lines of a file: comments and blank lines dropped, values cut at ';'. A file group or
   * others may read is reported to {@code warn} first ({@link FilePermissions}).
   */
  static List<Line> lines(Path file, java.util.function.Consumer<String> warn) throws ConfigException {
    List<String> raw;
    FilePermissions.check(file, warn);
    try {
      raw = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), null, "no such file");
    } catch (IOException e) {
      throw new ConfigException(file.toString(), null, "cannot read: " + e.getMessage());
    }
    List<Line> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      String s = strip(raw.get(i));
      if (s.isEmpty() || s.charAt(0) == '#' || s.charAt(0) == ';') {
        continue;
      }
      String origin = file + ":" + (i + 1);
      int ws = 0;
      while (ws < s.length() && !Character.isWhitespace(s.charAt(ws))) {
        ws++;
      }
      String var = s.substring(0, ws);
      String value = s.substring(ws).strip();
      if (!var.startsWith("%")) {
        int semi = value.indexOf(';');
        if (semi >= 0) {
          value = value.substring(0, semi).strip();
        }
      }
      if (value.isEmpty()) {
        throw new ConfigException(origin, var, "has no value");
      }
      out.add(new Line(var, value, origin));
    }
    return out;
  }

  private static String strip(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '\r' || s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\0')) {
      end--;
    }
    return s.substring(0, end).strip();
  }

  /** Builds stanzas across included files. */
  private static final class AccessReader {
    private final java.util.function.Consumer<String> warn;
    private final List<StanzaConfig> stanzas = new ArrayList<>();
    private Settings.Builder current;
    private String currentName;

    AccessReader(java.util.function.Consumer<String> warn) {
      this.warn = warn;
    }

    void file(Path file, int depth) throws ConfigException {
      for (Line l : lines(file, warn)) {
        switch (l.var) {
          case "%include" -> {
            if (depth >= MAX_INCLUDE_DEPTH) {
              throw new ConfigException(l.origin, l.var, "nested deeper than " + MAX_INCLUDE_DEPTH + " levels");
            }
            file(resolve(file, l), depth + 1);
          }
          case "%include_folder" -> {
            if (depth >= MAX_INCLUDE_DEPTH) {
              throw new ConfigException(l.origin, l.var, "nested deeper than " + MAX_INCLUDE_DEPTH + " levels");
            }
            folder(resolve(file, l), l.origin, depth + 1);
          }
          case "%include_keys" -> {
            if (current == null) {
              throw new ConfigException(l.origin, l.var, "must follow a SOURCE line (keys belong to a stanza)");
            }
            keys(resolve(file, l), l.origin);
          }
          default -> variable(l);
        }
      }
    }

    void folder(Path dir, String origin, int depth) throws ConfigException {
      if (!Files.isDirectory(dir)) {
        throw new ConfigException(origin, "%include_folder", "no such directory: " + dir);
      }
      List<Path> files;
      try (Stream<Path> s = Files.list(dir)) {
        files = s.filter(p -> p.getFileName().toString().endsWith(".conf") && Files.isRegularFile(p)).sorted().toList();
      } catch (IOException e) {
        throw new ConfigException(origin, "%include_folder", "cannot list " + dir + ": " + e.getMessage());
      }
      for (Path f : files) {
        file(f, depth);
      }
    }

    private void keys(Path file, String origin) throws ConfigException {
      if (!Files.isRegularFile(file)) {
        throw new ConfigException(origin, "%include_keys", "no such file: " + file);
      }
      for (Line l : lines(file, warn)) {
        String var = trimColon(l.var);
        if (Variables.KEYS.contains(var)) {
          current.put(var, l.value, l.origin);
        }
      }
    }

    private void variable(Line l) throws ConfigException {
      String var = trimColon(l.var);
      if (var.startsWith("%")) {
        throw new ConfigException(l.origin, var, "unknown directive (known: %include, %include_folder, %include_keys)");
      }
      if (!Variables.ACCESS.contains(var)) {
        throw new ConfigException(l.origin, var, "unknown access variable");
      }
      if (var.equals("SOURCE")) {
        close();
        current = Settings.builder(l.origin);
        currentName = null;
      } else if (current == null) {
        warn.accept(l.origin + ": " + var + ": ignored, it comes before the first SOURCE line");
        return;
      }
      if (var.equals("NAME")) {
        currentName = l.value;
      }
      current.put(var, l.value, l.origin);
    }

    private void close() {
      if (current != null) {
        Settings s = current.build();
        stanzas.add(new StanzaConfig(currentName != null ? currentName : "#" + (stanzas.size() + 1), s));
        current = null;
      }
    }

    List<StanzaConfig> finish() {
      close();
      return stanzas;
    }

    private static String trimColon(String var) {
      return var.endsWith(":") ? var.substring(0, var.length() - 1) : var;
    }

    private static Path resolve(Path including, Line l) throws ConfigException {
      Path p;
      try {
        p = Path.of(l.value);
      } catch (InvalidPathException e) {
        throw new ConfigException(l.origin, l.var, "not a usable path: " + e.getReason());
      }
      if (p.isAbsolute()) {
        return p;
      }
      Path dir = including.toAbsolutePath().getParent();
      return dir == null ? p : dir.resolve(p);
    }
  }
}
