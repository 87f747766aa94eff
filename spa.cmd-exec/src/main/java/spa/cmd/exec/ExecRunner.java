package spa.cmd.exec;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.StreamPumper;

/**
 * Runs commands with Apache Commons Exec: the argv goes to the operating system as a list (no shell, no
 * quoting, no variable expansion), the working directory is {@code /}, the environment is exactly the one
 * given here (by default a fixed {@code PATH} and {@code LC_ALL=C}, nothing inherited from spad), and output
 * beyond a limit is read and dropped rather than buffered. Each command starts in a session of its own
 * ({@code setsid}, when installed); at its time limit it is killed with every process it started
 * ({@link TreeWatchdog}). Its exit status is reported as soon as it exits: output a background child still
 * writes to the inherited pipes is read for {@link #OUTPUT_GRACE} only.
 */
public final class ExecRunner implements CommandRunner {

  /** The environment commands get unless another is given: a system PATH and the C locale. */
  public static final Map<String, String> DEFAULT_ENVIRONMENT = Map.of(
      "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "LC_ALL", "C");

  /** Default cap on captured bytes per stream (large nft/iptables listings fit easily). */
  public static final int DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;

  /** Cap on captured bytes per stream for commands of command messages and cycles: only logs see them. */
  public static final int COMMAND_MAX_OUTPUT = 64 * 1024;

  /** How long output is still read after the command exited. */
  static final Duration OUTPUT_GRACE = Duration.ofMillis(500);
  private static final int PUMP_BUFFER = 64 * 1024;
  /** util-linux setsid, when installed: found at a fixed place, not through any PATH. */
  private static final String SETSID = java.util.stream.Stream.of("/usr/bin/setsid", "/bin/setsid")
      .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElse(null);

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
    String program = ProgramPath.resolve(command.argv().get(0), environment);
    if (program == null) {
      String name = command.argv().get(0);
      return new CommandResult(command, CommandResult.Status.NOT_STARTED, -1, "",
          name.indexOf('/') >= 0 ? name + ": no such executable file"
              : name + ": not found in PATH " + environment.getOrDefault("PATH", "(unset)"),
          Duration.ofNanos(System.nanoTime() - start));
    }
    CommandLine line;
    if (SETSID != null) {
      // a session of its own: at the time limit every process it started can be found and killed
      line = new CommandLine(SETSID);
      line.addArgument(program, false);
    } else {
      line = new CommandLine(program);
    }
    for (String arg : command.argv().subList(1, command.argv().size())) {
      line.addArgument(arg, false);
    }
    CappedOutput out = new CappedOutput(maxOutput);
    CappedOutput err = new CappedOutput(maxOutput);
    byte[] input = command.input();
    PumpStreamHandler streams = new Pumps(out, err, input == null ? null : new ByteArrayInputStream(input));
    TreeWatchdog watchdog = new TreeWatchdog(command.timeout());
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
      if (watchdog.process() == null) {
        return new CommandResult(command, CommandResult.Status.NOT_STARTED, -1, "",
            String.valueOf(e.getMessage()), Duration.ofNanos(System.nanoTime() - start));
      }
      exit = -1;
    }
    Process process = watchdog.process();
    if (process != null && !process.isAlive()) {
      // the command's own status, also when the pumps gave up on a pipe a background child still holds
      exit = process.exitValue();
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
    if (watchdog.timedOut()) {
      return new CommandResult(command, CommandResult.Status.TIMED_OUT, -1, out.text(), err.text(), elapsed);
    }
    return new CommandResult(command, CommandResult.Status.EXITED, exit, out.text(), err.text(), elapsed);
  }


  /**
   * Commons Exec's pumps, with a larger buffer (a command writing megabytes is read in few system calls) and a
   * bounded stop: once the command exited its pumps get {@link #OUTPUT_GRACE} to finish; one still blocked
   * then reads a pipe a background child holds, and is left to end with that child (it is a daemon thread
   * writing into a capped buffer) instead of delaying the result.
   */
  private static final class Pumps extends PumpStreamHandler {
    private final List<Thread> pumps = new CopyOnWriteArrayList<>();

    Pumps(OutputStream out, OutputStream err, InputStream in) {
      super(out, err, in);
    }

    @Override
    protected Thread createPump(InputStream is, OutputStream os, boolean closeWhenExhausted) {
      Thread t = new Thread(new StreamPumper(is, os, closeWhenExhausted, PUMP_BUFFER), "spa-exec-pump");
      t.setDaemon(true);
      pumps.add(t);
      return t;
    }

    @Override
    public void stop() throws IOException {
      long deadline = System.nanoTime() + OUTPUT_GRACE.toNanos();
      for (Thread t : pumps) {
        long left = deadline - System.nanoTime();
        try {
          if (left > 0) {
            t.join(Duration.ofNanos(left));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (pumps.stream().noneMatch(Thread::isAlive)) {
        super.stop();
      }
    }
  }
}
