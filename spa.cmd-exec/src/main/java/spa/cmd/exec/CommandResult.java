package spa.cmd.exec;

import java.time.Duration;

/**
 * What running a {@link Command} gave.
 *
 * @param command what was run
 * @param status whether the process ran to its end, was killed at its time limit, or never started
 * @param exitCode the exit status (meaningful for {@link Status#EXITED}; -1 otherwise)
 * @param stdout standard output, UTF-8, cut at the runner's limit
 * @param stderr standard error, UTF-8, cut at the runner's limit; for {@link Status#NOT_STARTED} the reason
 * @param elapsed wall time
 */
public record CommandResult(Command command, Status status, int exitCode, String stdout, String stderr,
    Duration elapsed) {

  /** How a run ended. */
  public enum Status {
    /** The process ended by itself. */
    EXITED,
    /** The process outlived its time limit and was killed. */
    TIMED_OUT,
    /** The program could not be started (not found, not executable). */
    NOT_STARTED
  }

  /** True when the process exited with status 0. */
  public boolean ok() {
    return status == Status.EXITED && exitCode == 0;
  }

  /** One line saying what went wrong, for a log or an exception message; {@code "ok"} when nothing did. */
  public String failure() {
    String what = "`" + command.display() + "`";
    return switch (status) {
      case NOT_STARTED -> what + " could not start: " + firstLine(stderr);
      case TIMED_OUT -> what + " killed after " + command.timeout().toMillis() + " ms";
      case EXITED -> exitCode == 0 ? "ok"
          : what + " exited " + exitCode + (stderr.isBlank() ? "" : ": " + firstLine(stderr));
    };
  }

  private static String firstLine(String text) {
    String t = text.strip();
    int nl = t.indexOf('\n');
    String line = nl < 0 ? t : t.substring(0, nl).strip() + " ...";
    return line.length() > 300 ? line.substring(0, 300) + " ..." : line;
  }
}
