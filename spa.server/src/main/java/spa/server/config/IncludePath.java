package spa.server.config;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import spa.core.ConfigException;

/**
 * Where the path of an {@code %include}, {@code %include_folder} or {@code %include_keys} line points. An absolute
 * path is itself. A relative one is looked for where fwknopd opens it, relative to the working directory, and
 * then relative to the including file's directory; the place it was found is said through {@code info} ({@code -v}).
 */
final class IncludePath {
  private IncludePath() {}

  /**
   * The file or directory the line names.
   *
   * @param path the one found, or null when there is none
   * @param tried every place looked, for the message when nothing was found
   */
  record Found(Path path, List<Path> tried) {
    String triedText() {
      return tried.size() == 1 ? tried.get(0).toString() : tried.get(0) + " (working directory) nor " + tried.get(1);
    }
  }

  static Found find(Path including, FwknopFormat.Line l, boolean directory, Consumer<String> info)
      throws ConfigException {
    Path p;
    try {
      p = Path.of(l.value());
    } catch (InvalidPathException e) {
      throw new ConfigException(l.origin(), l.var(), "not a usable path: " + e.getReason());
    }
    List<Path> tried = new ArrayList<>();
    if (p.isAbsolute()) {
      tried.add(p);
    } else {
      tried.add(p.toAbsolutePath().normalize()); // fwknopd opens it as written: relative to its working directory
      Path dir = including.toAbsolutePath().getParent();
      Path beside = dir == null ? null : dir.resolve(p).normalize();
      if (beside != null && !beside.equals(tried.get(0))) {
        tried.add(beside);
      }
    }
    for (int i = 0; i < tried.size(); i++) {
      Path c = tried.get(i);
      if (directory ? Files.isDirectory(c) : Files.exists(c)) {
        if (!p.isAbsolute()) {
          info.accept(l.origin() + ": " + l.var() + " " + l.value() + ": read " + c
              + (i == 0 ? " (relative to the working directory)" : " (relative to " + including.getFileName()
              + "'s directory; not found in the working directory)"));
        }
        return new Found(c, List.copyOf(tried));
      }
    }
    return new Found(null, List.copyOf(tried));
  }
}
