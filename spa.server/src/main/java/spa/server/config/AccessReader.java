package spa.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import spa.core.ConfigException;
import spa.core.Settings;

/**
 * Builds access stanzas across an access.conf and the files it includes, in fwknopd's order: a stanza takes
 * its place at its {@code SOURCE} line, so an {@code %include} inside a stanza puts the included stanzas after
 * it, and the stanza's later lines still fill it. A stanza whose {@code %include_keys} file is unusable is
 * skipped with one warning.
 */
final class AccessReader {
  /** fwknopd follows {@code %include} at most this deep. */
  static final int MAX_INCLUDE_DEPTH = 3;

  private final Consumer<String> warn;
  private final Consumer<String> info;
  private final List<Pending> stanzas = new ArrayList<>();
  private Pending current;

  /** One stanza being read: its variables, NAME, and why it is skipped (null if it is not). */
  private static final class Pending {
    final Settings.Builder settings;
    final String origin;
    String name;
    String skip;

    Pending(String origin) {
      this.settings = Settings.builder(origin);
      this.origin = origin;
    }
  }

  AccessReader(Consumer<String> warn, Consumer<String> info) {
    this.warn = warn;
    this.info = info;
  }

  void file(Path file, int depth) throws ConfigException {
    for (FwknopFormat.Line l : FwknopFormat.lines(file, warn)) {
      if (l.value().isEmpty()) {
        throw new ConfigException(l.origin(), l.var(), "has no value");
      }
      switch (l.var()) {
        case "%include" -> include(file, l, depth, false);
        case "%include_folder" -> include(file, l, depth, true);
        case "%include_keys" -> keys(file, l);
        default -> variable(l);
      }
    }
  }

  private void include(Path file, FwknopFormat.Line l, int depth, boolean folder) throws ConfigException {
    if (depth >= MAX_INCLUDE_DEPTH) {
      throw new ConfigException(l.origin(), l.var(), "nested deeper than " + MAX_INCLUDE_DEPTH + " levels");
    }
    IncludePath.Found f = IncludePath.find(file, l, folder, info);
    if (f.path() == null) {
      throw new ConfigException(l.origin(), l.var(),
          (folder ? "no such directory: " : "no such file: ") + f.triedText());
    }
    Pending open = current;
    current = null; // the included file's stanzas start at their own SOURCE lines; lines before are ignored
    if (folder) {
      folder(f.path(), l.origin(), depth + 1);
    } else {
      file(f.path(), depth + 1);
    }
    current = open;
  }

  void folder(Path dir, String origin, int depth) throws ConfigException {
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

  private void keys(Path file, FwknopFormat.Line l) throws ConfigException {
    if (current == null) {
      throw new ConfigException(l.origin(), l.var(), "must follow a SOURCE line (keys belong to a stanza)");
    }
    IncludePath.Found f = IncludePath.find(file, l, false, info);
    KeyFile.Result r = f.path() == null ? new KeyFile.Result(List.of(), "no such file: " + f.triedText())
        : KeyFile.read(f.path(), warn);
    if (!r.usable()) {
      current.skip = current.skip != null ? current.skip : l.origin() + ": " + l.var() + ": " + r.problem();
      return;
    }
    for (FwknopFormat.Line k : r.keys()) {
      current.settings.put(k.var(), k.value(), k.origin());
    }
  }

  private void variable(FwknopFormat.Line l) throws ConfigException {
    String var = l.var().endsWith(":") ? l.var().substring(0, l.var().length() - 1) : l.var();
    if (var.startsWith("%")) {
      throw new ConfigException(l.origin(), var, "unknown directive (known: %include, %include_folder, %include_keys)");
    }
    if (!Variables.ACCESS.contains(var)) {
      throw new ConfigException(l.origin(), var, "unknown access variable");
    }
    if (var.equals("SOURCE")) {
      current = new Pending(l.origin());
      stanzas.add(current);
    } else if (current == null) {
      warn.accept(l.origin() + ": " + var + ": ignored, it comes before the first SOURCE line");
      return;
    }
    if (var.equals("NAME")) {
      current.name = l.value();
    }
    current.settings.put(var, l.value(), l.origin());
  }

  /** The stanzas to use, in file order, unnamed ones numbered {@code #1, #2, ...} among them. */
  List<StanzaConfig> stanzas() {
    List<StanzaConfig> out = new ArrayList<>();
    for (Pending p : stanzas) {
      if (p.skip == null) {
        out.add(new StanzaConfig(p.name != null ? p.name : "#" + (out.size() + 1), p.settings.build()));
      }
    }
    return out;
  }

  /** One line per skipped stanza: the stanza, where it starts, and why. */
  List<String> skipped() {
    List<String> out = new ArrayList<>();
    for (Pending p : stanzas) {
      if (p.skip != null) {
        out.add(p.skip + "; the stanza " + (p.name != null ? "'" + p.name + "' " : "") + "at " + p.origin
            + " is skipped, the others are used");
      }
    }
    return out;
  }
}
