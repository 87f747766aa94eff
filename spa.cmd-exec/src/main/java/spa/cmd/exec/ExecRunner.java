package spa.cmd.exec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Runs commands with Apache Commons Exec: the argv goes to the operating system as a list (no shell, no
 * quoting, no variable expansion), the working directory is {@code /}, the environment is exactly the one
 * given here (by default a fixed {@code PATH} and {@code LC_ALL=C}, nothing inherited from spad), and output
 * beyond a limit is dropped rather than buffered.
 */
public final class ExecRunner implements CommandRunner {

  /** The environment commands get unless another is given: a system PATH and the C locale. */
  public static final Map<String, String> DEFAULT_ENVIRONMENT = Map.of(
      "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "LC_ALL", "C");

  /** Default cap on captured bytes per stream (large nft/iptables listings fit easily). */
  public static final int DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;

  private final Map<String, String> environment;
  private final int maxOutput;

  /** A runner with the {@link #DEFAULT_ENVIRONMENT} and {@link #DEFAULT_MAX_OUTPUT}. */
  public ExecRunner() {
    this(DEFAULT_ENVIRONMENT, DEFAULT_MAX_OUTPUT);
  }

  /**
   * @param environment the complete environment of every command (nothing else is inherited)
   * @param maxOutput bytes kept per output stream; the rest is read and discarded
   */
  public ExecRunner(Map<String, String> environment, int maxOutput) {
    this.environment = Map.copyOf(environment);
    if (maxOutput < 1) {
      throw new IllegalArgumentException("maxOutput must be positive");
    }
    this.maxOutput = maxOutput;
  }

  @Override
  public CommandResult run(Command command) {
    long start = System.nanoTime();
    String program = resolve(command.argv().get(0));
    if (program == null) {
      return new CommandResult(command, CommandResult.Status.NOT_STARTED, -1, "",
          command.argv().get(0) + ": not found in PATH " + environment.getOrDefault("PATH", "(unset)"),
          Duration.ofNanos(System.nanoTime() - start));
    }
    CommandLine line = new CommandLine(program);
    for (String arg : command.argv().subList(1, command.argv().size())) {
      line.addArgument(arg, false);
    }
    Capped out = new Capped(maxOutput);
    Capped err = new Capped(maxOutput);
    byte[] input = command.input();
    PumpStreamHandler streams = new PumpStreamHandler(out, err,
        input == null ? null : new ByteArrayInputStream(input));
    streams.setStopTimeout(Duration.ofSeconds(2));
    ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(command.timeout()).get();
    DefaultExecutor executor = DefaultExecutor.builder().setWorkingDirectory(Path.of("/")).get();
    executor.setStreamHandler(streams);
    executor.setWatchdog(watchdog);
    executor.setExitValues(null);

    int exit;
    try {
      exit = executor.execute(line, new LinkedHashMap<>(environment));
    } catch (ExecuteException e) {
      exit = e.getExitValue();
    } catch (IOException e) {
      return new CommandResult(command, CommandResult.Status.NOT_STARTED, -1, "",
          String.valueOf(e.getMessage()), Duration.ofNanos(System.nanoTime() - start));
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    if (watchdog.killedProcess()) {
      return new CommandResult(command, CommandResult.Status.TIMED_OUT, -1, out.text(), err.text(), elapsed);
    }
    return new CommandResult(command, CommandResult.Status.EXITED, exit, out.text(), err.text(), elapsed);
  }

  /**
   * A program name without a slash is looked up in this runner's own PATH (the JDK would search spad's),
   * so what runs does not depend on the environment spad was started from.
   */
  private String resolve(String program) {
    if (program.indexOf('/') >= 0) {
      return program;
    }
    for (String dir : environment.getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, program);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    return null;
  }

  /** Keeps the first {@code cap} bytes written to it and counts the rest. */
  private static final class Capped extends OutputStream {
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final int cap;
    private long dropped;

    Capped(int cap) {
      this.cap = cap;
    }

    @Override
    public synchronized void write(int b) {
      if (kept.size() < cap) {
        kept.write(b);
      } else {
        dropped++;
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      int room = Math.min(len, cap - kept.size());
      if (room > 0) {
        kept.write(b, off, room);
      }
      dropped += len - Math.max(room, 0);
    }

    synchronized String text() {
      String s = kept.toString(StandardCharsets.UTF_8);
      return dropped == 0 ? s : s + "\n[" + dropped + " more bytes dropped]";
    }
  }
}
