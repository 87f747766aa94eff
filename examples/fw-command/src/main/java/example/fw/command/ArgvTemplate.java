package example.fw.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One command line from the configuration, such as {@code acl add ${SOURCE} ${PROTO}/${PORT}}, split into argv
 * words once, when it is read: blanks separate words, single or double quotes keep blanks (and the other kind of
 * quote) inside one word, and nothing else is special. No shell ever sees it. Each {@code ${NAME}} is replaced,
 * inside its word, by the value of NAME when the command runs, so a value never becomes two words or an option.
 */
public final class ArgvTemplate {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_]*)}");

  private final List<String> words;

  private ArgvTemplate(List<String> words) {
    this.words = List.copyOf(words);
  }

  /**
   * Splits {@code text} into words and checks that it names only placeholders of {@code known}.
   *
   * @throws IllegalArgumentException with one line saying what is wrong
   */
  public static ArgvTemplate parse(String text, Set<String> known) {
    List<String> words = split(text);
    if (words.isEmpty()) {
      throw new IllegalArgumentException("an empty command");
    }
    for (String w : words) {
      Matcher m = PLACEHOLDER.matcher(w);
      while (m.find()) {
        if (!known.contains(m.group(1))) {
          throw new IllegalArgumentException("${" + m.group(1) + "} means nothing here"
              + (known.isEmpty() ? " (this command takes no placeholders)" : "; known: " + braced(known)));
        }
      }
      if (w.replaceAll(PLACEHOLDER.pattern(), "").contains("${")) {
        throw new IllegalArgumentException("an unclosed ${ in '" + w + "'");
      }
    }
    if (PLACEHOLDER.matcher(words.get(0)).find()) {
      throw new IllegalArgumentException("the program must be fixed, not a placeholder: " + words.get(0));
    }
    return new ArgvTemplate(words);
  }

  /** The argv with every placeholder replaced by its value in {@code values}. */
  public List<String> expand(Map<String, String> values) {
    List<String> argv = new ArrayList<>(words.size());
    for (String w : words) {
      argv.add(PLACEHOLDER.matcher(w).replaceAll(m -> Matcher.quoteReplacement(values.get(m.group(1)))));
    }
    return argv;
  }

  /** The words as read, placeholders unexpanded. */
  public List<String> words() {
    return words;
  }

  private static List<String> split(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("a " + quote + " quote is not closed");
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }

  private static String braced(Set<String> names) {
    return names.stream().sorted().map(n -> "${" + n + "}").reduce((a, b) -> a + " " + b).orElse("");
  }

  @Override
  public String toString() {
    return String.join(" ", words);
  }
}
