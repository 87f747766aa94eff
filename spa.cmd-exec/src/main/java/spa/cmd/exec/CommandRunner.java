package spa.cmd.exec;

import java.util.List;

/**
 * Runs commands. {@link ExecRunner} is the real one; a runner wrapped with {@link #prefixed} runs every
 * command through a prefix (tests use {@code ip netns exec NAME} to act inside a network namespace).
 */
@FunctionalInterface
public interface CommandRunner {

  /** Runs {@code command} to its end or its time limit; never throws for a failing or missing program. */
  CommandResult run(Command command);

  /** A runner that puts {@code prefix} in front of every command and reports results for the original. */
  default CommandRunner prefixed(List<String> prefix) {
    List<String> p = List.copyOf(prefix);
    if (p.isEmpty()) {
      return this;
    }
    CommandRunner inner = this;
    return command -> {
      CommandResult r = inner.run(command.withPrefix(p));
      return new CommandResult(command, r.status(), r.exitCode(), r.stdout(), r.stderr(), r.elapsed());
    };
  }
}
