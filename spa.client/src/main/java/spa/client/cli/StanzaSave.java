package spa.client.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import spa.client.ClientException;
import spa.client.rc.IoErrors;
import spa.client.rc.RcStanza;
import spa.core.ConfigException;
import spa.core.Settings;

/**
 * {@code --save-rc-stanza}: the command line's settings written as a stanza of the rc file, which is created with
 * mode 0600 when missing and replaced whole (a new file renamed over it, mode 0600), so that a failure leaves the old
 * file. An existing stanza is replaced only when the user says so at the terminal, or with {@code --force-stanza}.
 */
final class StanzaSave {
  private final Path file;
  private final String name;

  StanzaSave(Path file, String name) throws ClientException {
    if (name.isEmpty() || name.chars().anyMatch(c -> c < ' ' || c > '~' || c == '[' || c == ']')) {
      throw new ClientException("--save-rc-stanza: '" + name + "' cannot be a stanza name (printable, without [ or ])");
    }
    this.file = file;
    this.name = name;
  }

  String name() {
    return name;
  }

  /** Whether the rc file has this stanza already. */
  boolean exists() throws ClientException {
    return RcStanza.has(read(), name);
  }

  /** Writes {@code settings} as the stanza; {@code force}: replace an existing one without asking. */
  void save(Settings settings, boolean force, KeyPrompt prompt, PrintStream out) throws ClientException, ConfigException {
    String existing = read();
    if (RcStanza.has(existing, name) && !force) {
      char[] answer = prompt.read("Stanza '" + name + "' exists in " + file + "; replace it? [N/y] ",
          "stanza '" + name + "' exists in " + file + " (--force-stanza replaces it)");
      boolean yes = new String(answer).strip().equalsIgnoreCase("y");
      Arrays.fill(answer, '\0');
      if (!yes) {
        throw new ClientException("stanza '" + name + "' in " + file + " left as it was (--force-stanza replaces it)");
      }
    }
    String text = RcStanza.merge(existing, name, RcStanza.lines(settings));
    if (existing == null) {
      out.println("[*] Creating initial rc file: " + file + ".");
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".spa-new");
    try {
      Files.deleteIfExists(tmp);
      PrivateFile.write(tmp, text, false);
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | UnsupportedOperationException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the message below says what failed
      }
      throw new ClientException("cannot save stanza '" + name + "' to " + file + ": "
          + (e instanceof IOException io ? IoErrors.describe(io) : e.getMessage()));
    }
  }

  private String read() throws ClientException {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new ClientException("cannot read " + file + ": " + IoErrors.describe(e));
    }
  }
}
