package spa.server.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A command line read the way fwknopd's getopt_long reads it: short flags alone or clustered ({@code -tv}), a
 * short option's value attached or next ({@code -C5}, {@code -C 5}), a long option's value after {@code =} or
 * next ({@code --pcap-file=F}, {@code --pcap-file F}), and {@code --} ending the options. Long names are matched
 * whole. No operands are taken. Options act on a target object as they are read; the help text is made from the
 * same table.
 *
 * @param <T> what the options set
 */
final class Getopt<T> {

  /**
   * One option.
   *
   * @param shortName its letter, or 0
   * @param longName its name without {@code --}, or null
   * @param label the value's name in help and errors; null for an option without a value
   * @param help one line of help
   * @param action what reading it does with its value (null for an option without one)
   */
  record Option<T>(char shortName, String longName, String label, String help, BiConsumer<T, String> action) {
    /** How errors name it: the long form when there is one. */
    String display() {
      return longName != null ? "--" + longName : "-" + shortName;
    }

    boolean takesValue() {
      return label != null;
    }
  }

  /** A command line that cannot be read, with the message to show. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message, null, false, false);
    }
  }

  /** An option value that is not valid for its option; the parser adds which option. */
  static final class BadValue extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadValue(String why) {
      super(why, null, false, false);
    }
  }

  /** An option spad knows and cannot honour; the parser adds which option. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String why) {
      super(why, null, false, false);
    }
  }

  /** Names longer than this do not widen the names' column. */
  private static final int MAX_NAMES = 28;
  private final List<Option<T>> options;

  Getopt(List<Option<T>> options) {
    this.options = List.copyOf(options);
  }

  /** Applies every option of {@code args} to {@code target}, in order. */
  void parse(String[] args, T target) throws UsageException {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--")) {
        if (i + 1 < args.length) {
          throw new UsageException("Unexpected argument: '" + args[i + 1] + "'");
        }
        return;
      }
      if (a.startsWith("--")) {
        int eq = a.indexOf('=');
        String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
        Option<T> o = byLong(name);
        if (o == null) {
          throw new UsageException("Unknown option: '" + (eq < 0 ? a : a.substring(0, eq)) + "'");
        }
        if (!o.takesValue()) {
          if (eq >= 0) {
            throw new UsageException("Option '" + o.display() + "' takes no value");
          }
          apply(o, null, target);
        } else if (eq >= 0) {
          apply(o, a.substring(eq + 1), target);
        } else if (i + 1 < args.length) {
          apply(o, args[++i], target);
        } else {
          throw missing(o);
        }
      } else if (a.length() > 1 && a.charAt(0) == '-') {
        for (int j = 1; j < a.length(); j++) {
          Option<T> o = byShort(a.charAt(j));
          if (o == null) {
            throw new UsageException("Unknown option: '-" + a.charAt(j) + "'" + (a.length() > 2 ? " in '" + a + "'" : ""));
          }
          if (!o.takesValue()) {
            apply(o, null, target);
          } else if (j + 1 < a.length()) {
            apply(o, a.substring(j + 1), target);
            break;
          } else if (i + 1 < args.length) {
            apply(o, args[++i], target);
          } else {
            throw missing(o);
          }
        }
      } else {
        throw new UsageException("Unexpected argument: '" + a + "'");
      }
    }
  }

  private void apply(Option<T> o, String value, T target) throws UsageException {
    try {
      o.action().accept(target, value);
    } catch (Refused e) {
      throw new UsageException("Option '" + o.display() + "' is not supported: " + e.getMessage());
    } catch (BadValue | IllegalArgumentException e) {
      throw new UsageException("Invalid value for option '" + o.display() + "': " + e.getMessage());
    }
  }

  private static UsageException missing(Option<?> o) {
    return new UsageException("Missing required parameter for option '" + o.display() + "' (" + o.label() + ")");
  }

  private Option<T> byLong(String name) {
    for (Option<T> o : options) {
      if (name.equals(o.longName())) {
        return o;
      }
    }
    return null;
  }

  private Option<T> byShort(char c) {
    for (Option<T> o : options) {
      if (o.shortName() == c) {
        return o;
      }
    }
    return null;
  }

  /**
   * The option list for {@code --help}: names, then help wrapped at {@code width} columns; help starts on the
   * next line after a name too long for the names' column.
   */
  String help(int width) {
    int column = 0;
    List<String> names = new ArrayList<>();
    for (Option<T> o : options) {
      String s = (o.shortName() != 0 ? "  -" + o.shortName() + (o.longName() != null ? ", " : "") : "      ")
          + (o.longName() != null ? "--" + o.longName() : "")
          + (o.takesValue() ? (o.longName() != null ? "=" : " ") + o.label() : "");
      names.add(s);
      if (s.length() <= MAX_NAMES) {
        column = Math.max(column, s.length());
      }
    }
    column += 2;
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < options.size(); k++) {
      String name = names.get(k);
      StringBuilder line = new StringBuilder(name);
      if (name.length() + 2 > column) {
        b.append(line).append('\n');
        line.setLength(0);
      }
      line.append(" ".repeat(column - line.length()));
      int start = line.length();
      for (String word : options.get(k).help().split(" ")) {
        if (line.length() > start && line.length() + 1 + word.length() > width) {
          b.append(line).append('\n');
          line = new StringBuilder(" ".repeat(column + 2));
          start = line.length();
        } else if (line.length() > start) {
          line.append(' ');
        }
        line.append(word);
      }
      b.append(line).append('\n');
    }
    return b.toString();
  }
}
