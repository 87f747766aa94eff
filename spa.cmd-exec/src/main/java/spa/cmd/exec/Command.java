package spa.cmd.exec;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One command to run: the program and its arguments as a list (never parsed by a shell), optional bytes for
 * standard input, and a time limit after which the process is killed.
 *
 * @param argv the program first, then each argument exactly as the program receives it
 * @param input bytes written to standard input, then closed; null closes standard input at once
 * @param timeout how long the process may run
 */
public record Command(List<String> argv, byte[] input, Duration timeout) {

  /** The time limit of {@link #of}: firewall tools answer in milliseconds, so 10 s means something hangs. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  public Command {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("a command needs a program");
    }
    String program = argv.get(0);
    if (program.isBlank() || program.indexOf('\\') >= 0 || !program.strip().equals(program)) {
      throw new IllegalArgumentException("bad program name '" + program + "'");
    }
    for (String a : argv) {
      if (a.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("argument contains a NUL byte: " + a.replace('\0', '?'));
      }
    }
    input = input == null ? null : input.clone();
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive");
    }
  }

  /** {@code argv} with no input and the {@link #DEFAULT_TIMEOUT}. */
  public static Command of(String... argv) {
    return new Command(List.of(argv), null, DEFAULT_TIMEOUT);
  }

  /** {@code argv} with no input and the {@link #DEFAULT_TIMEOUT}. */
  public static Command of(List<String> argv) {
    return new Command(argv, null, DEFAULT_TIMEOUT);
  }

  /** The same command with {@code text} (UTF-8) on standard input. */
  public Command withInput(String text) {
    return new Command(argv, text.getBytes(StandardCharsets.UTF_8), timeout);
  }

  /** The same command with another time limit. */
  public Command withTimeout(Duration limit) {
    return new Command(argv, input, limit);
  }

  /** The same command run through {@code prefix}, such as {@code ip netns exec NAME} or {@code sudo -n}. */
  public Command withPrefix(List<String> prefix) {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(argv);
    return new Command(all, input, timeout);
  }

  @Override
  public byte[] input() {
    return input == null ? null : input.clone();
  }

  /** A readable one-line form for messages: arguments holding spaces or quotes are single-quoted. */
  public String display() {
    StringBuilder sb = new StringBuilder();
    for (String a : argv) {
      if (!sb.isEmpty()) {
        sb.append(' ');
      }
      boolean plain = !a.isEmpty() && a.chars().allMatch(c -> c > ' ' && c != '\'' && c != '"' && c != '\\' && c < 127);
      sb.append(plain ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Command c && argv.equals(c.argv) && java.util.Arrays.equals(input, c.input)
        && timeout.equals(c.timeout);
  }

  @Override
  public int hashCode() {
    return argv.hashCode() * 31 + java.util.Arrays.hashCode(input);
  }

  @Override
  public String toString() {
    return display();
  }
}
