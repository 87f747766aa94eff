package spa.client.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import spa.client.ClientException;
import spa.client.rc.IoErrors;

/**
 * The last command line, in fwknop's {@code ~/.fwknop.run} (for {@code -l} and {@code --show-last}): one line,
 * the program name and its arguments separated by spaces. fwknop splits the line at blanks; spa quotes an
 * argument that holds a blank or a quote ({@code 'echo hi'}) so that it comes back whole, and reads fwknop's
 * lines as they are.
 */
final class LastCommand {
  /** The file's name in the home directory, as fwknop names it. */
  static final String FILE = ".fwknop.run";

  private final Path file;

  LastCommand(Path home) {
    this.file = home.resolve(FILE);
  }

  Path file() {
    return file;
  }

  /** Saves {@code args} as the last command line. */
  void save(List<String> args) throws ClientException {
    StringBuilder line = new StringBuilder("spa ");
    for (String a : args) {
      line.append(quote(a)).append(' ');
    }
    try {
      PrivateFile.write(file, line.append('\n').toString(), false);
    } catch (IOException e) {
      throw new ClientException("cannot save the command line to " + file + ": " + IoErrors.describe(e));
    }
  }

  /** The saved line as it is in the file, without the line end. */
  String line() throws ClientException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      throw new ClientException("no saved command line: " + file + " does not exist (spa saves one each time it"
          + " builds a packet)");
    } catch (IOException e) {
      throw new ClientException("cannot read " + file + ": " + IoErrors.describe(e));
    }
    String line = text.lines().findFirst().orElse("").strip();
    if (line.isEmpty()) {
      throw new ClientException("no saved command line: " + file + " is empty");
    }
    return line;
  }

  /** The saved arguments, without the program name. */
  List<String> args() throws ClientException {
    List<String> words = split(line());
    if (words.size() < 2) {
      throw new ClientException("no saved command line: " + file + " holds a program name only");
    }
    return words.subList(1, words.size());
  }

  static String quote(String arg) {
    if (!arg.isEmpty() && arg.chars().noneMatch(c -> c <= ' ' || c == '\'' || c == '"' || c == '\\')) {
      return arg;
    }
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  /** Words split at blanks; single quotes (as spa writes them), double quotes and backslashes keep blanks in a word. */
  static List<String> split(String line) throws ClientException {
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean inWord = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\'' || c == '"') {
        int end = line.indexOf(c, i + 1);
        if (end < 0) {
          throw new ClientException("the saved command line has an unclosed " + c + ": " + line);
        }
        w.append(line, i + 1, end);
        i = end;
        inWord = true;
      } else if (c == '\\' && i + 1 < line.length()) {
        w.append(line.charAt(++i));
        inWord = true;
      } else if (c == ' ' || c == '\t') {
        if (inWord) {
          words.add(w.toString());
          w.setLength(0);
          inWord = false;
        }
      } else {
        w.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(w.toString());
    }
    return words;
  }
}
