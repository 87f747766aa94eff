package spa.distribution.assemble;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A man page and a bash completion generated from a command's {@code --help}: option lines (indented, starting
 * with {@code -}) and their continuations become the OPTIONS, {@code Usage:} lines the SYNOPSIS, the other lines
 * the DESCRIPTION; section lines (unindented, ending with {@code :}) become subsections.
 */
final class DocPages {
  private static final Pattern OPTION = Pattern.compile("^\\s+(-\\S.*?)(?:\\s{2,}(\\S.*))?$");
  private static final Pattern LONG = Pattern.compile("(?<![\\w-])(--[a-z0-9][a-z0-9-]*)");
  private static final Pattern SHORT = Pattern.compile("(?<![\\w-])(-[A-Za-z0-9])(?![\\w-])");

  private final String command;
  private final List<String> help;

  /** The pages of {@code command} ({@code spad}) from the text its {@code --help} printed. */
  DocPages(String command, String helpText) {
    this.command = command;
    this.help = helpText.lines().toList();
  }

  /** The man page, section {@code section}, for spa {@code version}; {@code files} add a FILES section. */
  String manPage(int section, String version, List<String> files) {
    List<String> usage = new ArrayList<>();
    List<String> description = new ArrayList<>();
    StringBuilder options = new StringBuilder();
    boolean inOptions = false;
    for (String l : help) {
      Matcher m = OPTION.matcher(l);
      if (l.startsWith("Usage:") || (!usage.isEmpty() && !inOptions && l.matches("^\\s+" + command + "\\b.*"))) {
        usage.add(l.replaceFirst("^(Usage:)?\\s*" + command + "\\s*", ""));
      } else if (m.matches()) {
        inOptions = true;
        options.append(".TP\n.B \"").append(roff(m.group(1).strip())).append("\"\n");
        if (m.group(2) != null) {
          options.append(roff(m.group(2))).append('\n');
        }
      } else if (inOptions && l.startsWith("   ") && !l.isBlank()) {
        options.append(roff(l.strip())).append('\n'); // continuation of the option above
      } else if (!l.isBlank() && !l.startsWith(" ") && l.endsWith(":")) {
        inOptions = true;
        options.append(".SS ").append(roff(l.substring(0, l.length() - 1))).append('\n');
      } else if (!l.isBlank()) {
        description.add(l.strip());
      }
    }
    StringBuilder b = new StringBuilder();
    b.append(".TH ").append(command.toUpperCase(Locale.ROOT)).append(' ').append(section).append(" \"\" \"spa ")
        .append(version).append("\" \"").append(section == 8 ? "System Administration" : "User Commands").append("\"\n");
    b.append(".SH NAME\n").append(command).append(" \\- ")
        .append(roff(description.isEmpty() ? command : description.get(0))).append('\n');
    b.append(".SH SYNOPSIS\n");
    for (String u : usage) {
      b.append(".B ").append(command).append('\n').append(roff(u)).append("\n.br\n");
    }
    if (description.size() > 1) {
      b.append(".SH DESCRIPTION\n");
      description.subList(1, description.size()).forEach(d -> b.append(roff(d)).append('\n'));
    }
    b.append(".SH OPTIONS\n").append(options);
    if (!files.isEmpty()) {
      b.append(".SH FILES\n");
      files.forEach(f -> b.append(roff(f)).append("\n.br\n"));
    }
    return b.toString();
  }

  /** Every option the help names, long ones and short ones. */
  Set<String> options() {
    Set<String> out = new TreeSet<>();
    for (String l : help) {
      Matcher o = OPTION.matcher(l);
      if (o.matches()) {
        collect(LONG, o.group(1), out);
        collect(SHORT, o.group(1), out);
      }
    }
    return out;
  }

  /** A bash completion: the options after {@code -}, file names otherwise. */
  String bashCompletion() {
    String fn = "_" + command.replace('-', '_');
    return "# bash completion for " + command + ", generated from its --help\n"
        + fn + "() {\n"
        + "  local cur=${COMP_WORDS[COMP_CWORD]}\n"
        + "  case $cur in\n"
        + "    -*) COMPREPLY=($(compgen -W \"" + String.join(" ", options()) + "\" -- \"$cur\")) ;;\n"
        + "    *) COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
        + "  esac\n"
        + "}\n"
        + "complete -o filenames -F " + fn + " " + command + "\n";
  }

  private static void collect(Pattern p, String text, Set<String> out) {
    Matcher m = p.matcher(text.replaceAll("=\\S*", ""));
    while (m.find()) {
      out.add(m.group(1));
    }
  }

  /** {@code text} safe as roff body text: backslashes and hyphens escaped, no leading control character. */
  static String roff(String text) {
    String t = text.replace("\\", "\\e").replace("-", "\\-").replace("\"", "\\(dq");
    return t.startsWith(".") || t.startsWith("'") ? "\\&" + t : t;
  }
}
