package spa.server.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import spa.core.ConfigException;
import spa.core.Settings;

/**
 * fwknop's own file syntax: {@code fwknopd.conf} ({@code VAR value[;]}, {@code $VAR} expansion) and
 * {@code access.conf} ({@code SOURCE} starts a stanza, {@code %include}, {@code %include_folder},
 * {@code %include_keys}).
 */
public final class FwknopFormat {
  private FwknopFormat() {}

  /** One meaningful line: variable, value (empty if the line has none), and where. */
  record Line(String var, String value, String origin) {}

  /**
   * Parses a fwknopd.conf file into {@code into}. A value starting with {@code $NAME} is expanded from a
   * variable set earlier (or a default), as fwknopd does. As fwknopd, a line without a value or naming a
   * variable that is not set is reported to {@code warn} and ignored (the variable keeps its default). Unknown
   * variables are reported too (fwknopd ignores them; plugins may read them).
   */
  public static void parseServer(Path file, Settings.Builder into, Function<String, String> earlier,
      Consumer<String> warn) throws ConfigException {
    Map<String, String> seen = new java.util.HashMap<>();
    for (Line l : lines(file, warn)) {
      String value = l.value;
      if (value.isEmpty()) {
        warn.accept(l.origin + ": " + l.var + ": has no value; line ignored");
        continue;
      }
      if (value.startsWith("$")) {
        int end = 1;
        while (end < value.length() && (Character.isLetterOrDigit(value.charAt(end)) || value.charAt(end) == '_')) {
          end++;
        }
        String ref = value.substring(1, end);
        String base = seen.containsKey(ref) ? seen.get(ref) : earlier.apply(ref);
        if (base == null) {
          warn.accept(l.origin + ": " + l.var + ": refers to $" + ref + ", which is not set; line ignored");
          continue;
        }
        value = base + value.substring(end);
      }
      if (!Variables.SERVER_DEFAULTS.containsKey(l.var)) {
        warn.accept(l.origin + ": " + l.var + ": unknown variable, passed to plugins only");
      }
      seen.put(l.var, value);
      into.put(l.var, value, l.origin);
    }
  }

  /**
   * An access.conf read: the stanzas to use, and one line for each stanza skipped because its
   * {@code %include_keys} file is unusable.
   */
  public record Access(List<StanzaConfig> stanzas, List<String> skipped) {
    public Access {
      stanzas = List.copyOf(stanzas);
      skipped = List.copyOf(skipped);
    }
  }

  /**
   * Parses an access.conf file (or, for a directory, every {@code *.conf} in it) into stanzas; {@code info} hears
   * which file each relative include path was found as.
   */
  public static Access parseAccess(Path path, Consumer<String> warn, Consumer<String> info) throws ConfigException {
    AccessReader r = new AccessReader(warn, info);
    if (Files.isDirectory(path)) {
      r.folder(path, path.toString(), 0);
    } else {
      r.file(path, 0);
    }
    return new Access(r.stanzas(), r.skipped());
  }

  /** {@link #parseAccess(Path, Consumer, Consumer)}'s stanzas; each skipped stanza is a warning. */
  public static List<StanzaConfig> parseAccess(Path path, Consumer<String> warn) throws ConfigException {
    Access a = parseAccess(path, warn, m -> { });
    a.skipped().forEach(warn);
    return a.stanzas();
  }

  /**
   * Reads the meaningful lines of a file: comments and blank lines dropped, values cut at ';' and stripped of
   * blanks, except that a raw {@code KEY} or {@code HMAC_KEY} keeps its trailing blanks as in fwknopd (a line
   * without a value has an empty one: each caller decides). A file group or others may read is reported to {@code warn}
   * first ({@link FilePermissions}).
   */
  static List<Line> lines(Path file, Consumer<String> warn) throws ConfigException {
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
      String s = strip(raw.get(i)).stripLeading();
      if (s.isBlank() || s.charAt(0) == '#' || s.charAt(0) == ';') {
        continue;
      }
      String origin = file + ":" + (i + 1);
      int ws = 0;
      while (ws < s.length() && !Character.isWhitespace(s.charAt(ws))) {
        ws++;
      }
      String var = s.substring(0, ws);
      String value = s.substring(ws).stripLeading();
      if (!var.startsWith("%")) {
        int semi = value.indexOf(';');
        if (semi >= 0) {
          value = value.substring(0, semi);
        }
      }
      String name = var.endsWith(":") ? var.substring(0, var.length() - 1) : var;
      if (!Variables.RAW_KEYS.contains(name)) {
        value = value.strip();
      } else if (!value.isBlank() && !value.equals(value.stripTrailing())) {
        // fwknopd keeps them: the same file must give the same key
        warn.accept(origin + ": " + name + ": ends in blanks, which are part of the key as in fwknopd");
      }
      out.add(new Line(var, value.isBlank() ? "" : value, origin));
    }
    return out;
  }

  private static String strip(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '\r' || s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\0')) {
      end--;
    }
    return s.substring(0, end);
  }
}
