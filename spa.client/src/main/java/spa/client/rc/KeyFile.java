package spa.client.rc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import spa.core.ConfigException;

/**
 * fwknop's key files ({@code -G}, {@code --get-hmac-key}): lines {@code <server>: <key>}, where the key is
 * the rest of the line after the colon and any blanks, and lines starting with '#' are comments.
 */
public final class KeyFile {
  private KeyFile() {}

  /** The key for {@code server} in {@code file}, which {@code origin} (such as "option -G") named. */
  public static String lookup(Path file, String server, String origin, String key) throws ConfigException {
    List<String> lines;
    try {
      lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
    } catch (NoSuchFileException e) {
      throw new ConfigException(origin, key, "key file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException(origin, key, "cannot read key file " + file + ": " + IoErrors.describe(e));
    }
    Optional<String> found = find(file.toString(), lines, server);
    if (found.isEmpty()) {
      throw new ConfigException(origin, key, "no key for '" + server + "' in " + file);
    }
    return found.get();
  }

  /** The key for {@code server} among {@code lines} of a file called {@code name}, if there is one. */
  public static Optional<String> find(String name, List<String> lines, String server) throws ConfigException {
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).stripLeading();
      if (line.isEmpty() || line.startsWith("#") || !line.startsWith(server)) {
        continue;
      }
      String rest = line.substring(server.length()).stripLeading();
      if (!rest.startsWith(":")) {
        continue;
      }
      String k = stripNewline(rest.substring(1).stripLeading());
      if (k.isEmpty()) {
        throw new ConfigException(name + ":" + (i + 1), null, "empty key for '" + server + "'");
      }
      return Optional.of(k);
    }
    return Optional.empty();
  }

  private static String stripNewline(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '\r' || s.charAt(end - 1) == '\n')) {
      end--;
    }
    return s.substring(0, end);
  }
}
