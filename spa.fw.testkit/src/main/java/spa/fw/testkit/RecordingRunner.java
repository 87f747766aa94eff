package spa.fw.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.cmd.exec.CommandRunner;

/**
 * A {@link CommandRunner} for golden-transcript tests: it records every command (argv and standard input) and
 * answers from a script. A scripted answer is chosen by the start of the argv: the first rule whose prefix
 * matches and that still has an answer wins; {@link Rule#once} answers are used up, {@link Rule#always} ones
 * stay. A command no rule answers goes to the fallback: by default it exits 0 with no output, or it is handed
 * to another runner (a simulator, the real tool) with {@link #over}. Failures are scripted like any answer:
 * {@link Answer#exit}, {@link Answer#timedOut}, {@link Answer#notStarted}, or garbage on standard output.
 */
public final class RecordingRunner implements CommandRunner {

  /** One recorded command: the argv, and standard input as text (null when there was none). */
  public record Call(List<String> argv, String stdin) {
    /** The command line as {@link Command#display()} writes it, then each line of input after {@code < }. */
    public String display() {
      StringBuilder sb = new StringBuilder(new Command(argv, null, Command.DEFAULT_TIMEOUT).display());
      if (stdin != null) {
        for (String line : stdin.split("\n", -1)) {
          if (!line.isEmpty()) {
            sb.append("\n< ").append(line);
          }
        }
      }
      return sb.toString();
    }
  }

  /** What a scripted command gives. */
  public record Answer(CommandResult.Status status, int exitCode, String stdout, String stderr) {
    /** Exit 0 printing {@code stdout} (which may be garbage, to test a parser's refusal). */
    public static Answer out(String stdout) {
      return new Answer(CommandResult.Status.EXITED, 0, stdout, "");
    }

    /** Exit {@code code} printing {@code stderr}. */
    public static Answer exit(int code, String stderr) {
      return new Answer(CommandResult.Status.EXITED, code, "", stderr);
    }

    /** Killed at its time limit. */
    public static Answer timedOut() {
      return new Answer(CommandResult.Status.TIMED_OUT, -1, "", "");
    }

    /** The program could not be started. */
    public static Answer notStarted(String reason) {
      return new Answer(CommandResult.Status.NOT_STARTED, -1, "", reason);
    }

    CommandResult result(Command c) {
      return new CommandResult(c, status, exitCode, stdout, stderr, Duration.ZERO);
    }
  }

  /** The answer of commands starting with a prefix. */
  public final class Rule {
    private final List<String> prefix;
    private Answer answer;
    private boolean repeat;

    private Rule(List<String> prefix) {
      this.prefix = List.copyOf(prefix);
    }

    /** Answers the next matching command with {@code a}, then steps aside. */
    public RecordingRunner once(Answer a) {
      answer = a;
      repeat = false;
      return RecordingRunner.this;
    }

    /** Answers every matching command with {@code a}. */
    public RecordingRunner always(Answer a) {
      answer = a;
      repeat = true;
      return RecordingRunner.this;
    }

    private boolean matches(Command c) {
      return answer != null && c.argv().size() >= prefix.size() && c.argv().subList(0, prefix.size()).equals(prefix);
    }
  }

  private final CommandRunner fallback;
  private final List<Rule> rules = new ArrayList<>();
  private final List<Call> calls = new ArrayList<>();

  private RecordingRunner(CommandRunner fallback) {
    this.fallback = fallback;
  }

  /** A runner whose unscripted commands exit 0 with no output. */
  public static RecordingRunner answeringOk() {
    return new RecordingRunner(c -> Answer.out("").result(c));
  }

  /** A runner whose unscripted commands run on {@code delegate}: it records what really ran. */
  public static RecordingRunner over(CommandRunner delegate) {
    return new RecordingRunner(delegate);
  }

  /** The rule for commands whose argv starts with {@code argvPrefix}; say its answer next. */
  public Rule on(String... argvPrefix) {
    Rule r = new Rule(List.of(argvPrefix));
    rules.add(r);
    return r;
  }

  @Override
  public synchronized CommandResult run(Command command) {
    byte[] in = command.input();
    calls.add(new Call(command.argv(), in == null ? null : new String(in, StandardCharsets.UTF_8)));
    for (Rule r : rules) {
      if (r.matches(command)) {
        Answer a = r.answer;
        if (!r.repeat) {
          r.answer = null;
        }
        return a.result(command);
      }
    }
    return fallback.run(command);
  }

  /** The commands run so far, in order. */
  public synchronized List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The commands run so far, one {@link Call#display()} per line, ending in a newline when there are any. */
  public synchronized String transcript() {
    StringBuilder sb = new StringBuilder();
    for (Call c : calls) {
      sb.append(c.display()).append('\n');
    }
    return sb.toString();
  }

  /** Forgets the commands recorded so far (the script stays). */
  public synchronized void clear() {
    calls.clear();
  }
}
