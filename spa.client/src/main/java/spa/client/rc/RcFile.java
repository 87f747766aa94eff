package spa.client.rc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import spa.core.ConfigException;
import spa.core.Settings;

/**
 * One parsed ~/.fwknoprc: {@code [name]} lines start stanzas, {@code [default]} holds defaults, and each
 * setting is {@code VAR value} (an optional ':' may follow VAR; the value stops at a space, tab, ';' or
 * '#'). Unknown variables are kept out and reported as warnings; lines that cannot be read are errors
 * naming {@code file:line}.
 *
 * @param name the file name used in messages
 * @param stanzas stanzas by name, in file order, each key carrying its {@code file:line}
 * @param warnings one-line warnings, such as unknown variables
 */
public record RcFile(String name, Map<String, Settings> stanzas, List<String> warnings) {
  /** The stanza every other stanza falls back to. */
  public static final String DEFAULT = "default";

  public RcFile {
    stanzas = Collections.unmodifiableMap(new LinkedHashMap<>(stanzas));
    warnings = List.copyOf(warnings);
  }

  /** An rc file with nothing in it. */
  public static RcFile empty(String name) {
    return new RcFile(name, Map.of(), List.of());
  }

  /** Reads and parses {@code path}. */
  public static RcFile read(Path path) throws ConfigException {
    List<String> lines;
    try {
      lines = new String(Files.readAllBytes(path), StandardCharsets.UTF_8).lines().toList();
    } catch (NoSuchFileException e) {
      throw new ConfigException(path.toString(), null, "no such rc file");
    } catch (IOException e) {
      throw new ConfigException(path.toString(), null, "cannot read the rc file: " + IoErrors.describe(e));
    }
    return parse(path.toString(), lines);
  }

  /** Parses the lines of a file called {@code name}. */
  public static RcFile parse(String name, List<String> lines) throws ConfigException {
    Map<String, Settings.Builder> builders = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>();
    Settings.Builder current = null;
    boolean warnedOutside = false;
    for (int i = 0; i < lines.size(); i++) {
      String where = name + ":" + (i + 1);
      String line = stripLeading(lines.get(i));
      if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == ';') {
        continue;
      }
      if (line.charAt(0) == '[') {
        String t = line.strip();
        int close = t.indexOf(']');
        if (close < 0) {
          throw new ConfigException(where, null, "stanza line '" + t + "' has no closing ']'");
        }
        String stanza = t.substring(1, close).strip();
        if (stanza.isEmpty()) {
          throw new ConfigException(where, null, "empty stanza name");
        }
        String rest = t.substring(close + 1).strip();
        if (!rest.isEmpty() && rest.charAt(0) != '#' && rest.charAt(0) != ';') {
          throw new ConfigException(where, null, "unexpected text after the stanza name: '" + rest + "'");
        }
        current = builders.computeIfAbsent(stanza, s -> Settings.builder(name + " [" + s + "]"));
        continue;
      }
      int n = 0;
      while (n < line.length() && isNameChar(line.charAt(n))) {
        n++;
      }
      if (n == 0) {
        throw new ConfigException(where, null, "expected 'VARIABLE value', got '" + line.strip() + "'");
      }
      String var = line.substring(0, n).toUpperCase(Locale.ROOT);
      int p = n;
      if (p < line.length() && line.charAt(p) == ':') {
        p++;
      } else if (p < line.length() && !isBlank(line.charAt(p))) {
        throw new ConfigException(where, null, "expected 'VARIABLE value', got '" + line.strip() + "'");
      }
      while (p < line.length() && isBlank(line.charAt(p))) {
        p++;
      }
      int end = p;
      while (end < line.length() && !isValueEnd(line.charAt(end))) {
        end++;
      }
      String value = line.substring(p, end);
      if (!RcVariables.KNOWN.contains(var)) {
        warnings.add(where + ": unknown variable " + var + " ignored");
        continue;
      }
      if (value.isEmpty()) {
        throw new ConfigException(where, var, "has no value");
      }
      if (current == null) {
        if (!warnedOutside) {
          warnings.add(where + ": settings before the first [stanza] line are ignored");
          warnedOutside = true;
        }
        continue;
      }
      String ignored = RcVariables.IGNORED.get(var);
      if (ignored != null) {
        warnings.add(where + ": " + var + " ignored: " + ignored);
        continue;
      }
      current.put(var, value, where);
    }
    Map<String, Settings> stanzas = new LinkedHashMap<>();
    builders.forEach((k, v) -> stanzas.put(k, v.build()));
    return new RcFile(name, stanzas, warnings);
  }

  /** A stanza exactly as the file has it. */
  public Optional<Settings> stanza(String stanzaName) {
    return Optional.ofNullable(stanzas.get(stanzaName));
  }

  /** {@code [default]} with {@code named} (when not null) over it. */
  public Settings effective(String named) throws ConfigException {
    Settings dflt = stanza(DEFAULT).orElse(Settings.of(Map.of(), name));
    if (named == null) {
      return dflt;
    }
    Settings s = stanza(named).orElseThrow(
        () -> new ConfigException(name, null, "no stanza named '" + named + "'"));
    return RcVariables.overlay(dflt, s);
  }

  private static String stripLeading(String s) {
    int i = 0;
    while (i < s.length() && isBlank(s.charAt(i))) {
      i++;
    }
    return s.substring(i);
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
  }

  private static boolean isNameChar(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  }

  private static boolean isValueEnd(char c) {
    return c == ' ' || c == '\t' || c == ';' || c == '#' || c == '\r' || c == '\n';
  }
}
