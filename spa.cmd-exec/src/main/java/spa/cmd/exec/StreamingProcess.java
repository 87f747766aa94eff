package spa.cmd.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecuteResultHandler;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.LogOutputStream;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.ShutdownHookProcessDestroyer;

/**
 * A long-running process whose standard output is handed over line by line as it comes, such as
 * {@code nft monitor}. Started with Apache Commons Exec as {@link ExecRunner} starts commands: the argv as a
 * list (no shell), working directory {@code /}, exactly the given environment, standard input closed. It runs
 * until it ends by itself or {@link #close} kills it; close waits until the process is reaped, and a process
 * still running when the JVM exits is killed then. Where util-linux's {@code setpriv} is in the PATH the
 * process is started through {@code setpriv --pdeathsig KILL}, so the kernel kills it even when the JVM dies
 * by SIGKILL; without it, such a process runs on until its output pipe breaks.
 */
public final class StreamingProcess implements AutoCloseable {
  /** How long {@link #close} waits for the killed process to be reaped. */
  private static final Duration REAP_WAIT = Duration.ofSeconds(5);
  /** The longest line handed over whole; a longer one is cut. */
  private static final int MAX_LINE = 64 * 1024;
  /** Kills at JVM exit the processes still running (one shutdown hook for all of them). */
  private static final ShutdownHookProcessDestroyer AT_EXIT = new ShutdownHookProcessDestroyer();

  private final Command command;
  private final Watchdog watchdog = new Watchdog();
  private final Handler handler;

  private StreamingProcess(Command command, Consumer<String> ended) {
    this.command = command;
    this.handler = new Handler(ended);
  }

  /**
   * Starts {@code argv} with {@link ExecRunner#DEFAULT_ENVIRONMENT}.
   *
   * @see #start(List, Map, Consumer, Consumer)
   */
  public static StreamingProcess start(List<String> argv, Consumer<String> lines, Consumer<String> ended)
      throws IOException {
    return start(argv, ExecRunner.DEFAULT_ENVIRONMENT, lines, ended);
  }

  /**
   * Starts {@code argv} (a program without a slash is looked up in the environment's PATH).
   *
   * @param lines receives each line of standard output, without its line end, on a thread of its own (what it
   *     throws is dropped: the output is read on)
   * @param ended receives once, when the process has ended by itself or was killed, a short description
   *     ("exit 1: last line of standard error")
   * @throws IOException when the program cannot be started; nothing is left running then
   */
  public static StreamingProcess start(List<String> argv, Map<String, String> environment, Consumer<String> lines,
      Consumer<String> ended) throws IOException {
    return start(argv, environment, null, lines, ended);
  }

  /**
   * {@link #start(List, Map, Consumer, Consumer)} with {@code input} pumped to the process's standard input
   * (closed when {@code input} ends), such as lines for {@code logger}; null: standard input closed.
   */
  public static StreamingProcess start(List<String> argv, Map<String, String> environment, java.io.InputStream input,
      Consumer<String> lines, Consumer<String> ended) throws IOException {
    Command command = Command.of(argv);
    String program = ProgramPath.resolve(command.argv().get(0), environment);
    if (program == null) {
      throw new IOException(command.argv().get(0) + ": not found in PATH " + environment.getOrDefault("PATH", "(unset)"));
    }
    String setpriv = ProgramPath.resolve("setpriv", environment);
    CommandLine line = new CommandLine(setpriv == null ? program : setpriv);
    if (setpriv != null) {
      line.addArgument("--pdeathsig", false).addArgument("KILL", false).addArgument("--", false)
          .addArgument(program, false);
    }
    for (String arg : command.argv().subList(1, command.argv().size())) {
      line.addArgument(arg, false);
    }
    StreamingProcess p = new StreamingProcess(command, ended);
    PumpStreamHandler streams = new PumpStreamHandler(new Lines(lines), new Lines(p.handler::error), null) {
      @Override
      public void setProcessInputStream(java.io.OutputStream stdin) {
        if (input == null) {
          super.setProcessInputStream(stdin); // closes it
        } else {
          Thread pump = new Thread(() -> feed(input, stdin), "stdin-" + command.argv().get(0));
          pump.setDaemon(true);
          pump.start();
        }
      }
    };
    DefaultExecutor executor = DefaultExecutor.builder().setWorkingDirectory(Path.of("/")).get();
    executor.setStreamHandler(streams);
    executor.setWatchdog(p.watchdog);
    executor.setProcessDestroyer(AT_EXIT);
    executor.setExitValues(null);
    executor.execute(line, new LinkedHashMap<>(environment), p.handler);
    return p;
  }

  /**
   * Copies {@code input} to the process, flushing after each read (Commons Exec's pump never flushes, and the
   * process's standard input is buffered), until either side ends; then closes standard input.
   */
  private static void feed(java.io.InputStream input, java.io.OutputStream stdin) {
    byte[] buf = new byte[8192];
    try (stdin) {
      int n;
      while ((n = input.read(buf)) >= 0) {
        stdin.write(buf, 0, n);
        stdin.flush();
      }
    } catch (IOException e) {
      // the process has ended (a broken pipe): its end is reported through the handler
    }
  }

  /** The command as started, for messages. */
  public Command command() {
    return command;
  }

  /** True until the process has ended. */
  public boolean alive() {
    return !handler.hasResult();
  }

  /** The process id (waiting a moment for the process to be up), or -1 when it never started. */
  public long pid() {
    Process p = watchdog.await(handler);
    return p == null ? -1 : p.pid();
  }

  /** Kills the process if it still runs and waits until it is reaped (a few seconds at most). */
  @Override
  public void close() {
    watchdog.destroyProcess();
    try {
      handler.waitFor(REAP_WAIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }


  /** A watchdog with no time limit that keeps the process, so that it can be killed and its pid known. */
  private static final class Watchdog extends ExecuteWatchdog {
    volatile Process process;
    private boolean killed;

    Watchdog() {
      super(INFINITE_TIMEOUT);
    }

    @Override
    public synchronized void start(Process p) {
      process = p;
      super.start(p);
      if (killed) {
        p.destroy(); // closed before the process was up
      }
      notifyAll();
    }

    /** The process once Commons Exec hands it over (output may come first), or null if it failed to start. */
    synchronized Process await(DefaultExecuteResultHandler handler) {
      long end = System.nanoTime() + REAP_WAIT.toNanos();
      try {
        while (process == null && !handler.hasResult() && System.nanoTime() < end) {
          wait(20);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return process;
    }

    @Override
    public synchronized void destroyProcess() {
      killed = true;
      if (process != null) {
        // the watchdog itself only destroys while it watches, and with no time limit it never does
        process.destroy();
      }
    }
  }

  /** Hands the end over once, with the last line of standard error. */
  private static final class Handler extends DefaultExecuteResultHandler {
    private final Consumer<String> ended;
    private volatile String lastError = "";

    Handler(Consumer<String> ended) {
      this.ended = ended;
    }

    void error(String line) {
      if (!line.isBlank()) {
        lastError = line.strip();
      }
    }

    @Override
    public void onProcessComplete(int exitValue) {
      super.onProcessComplete(exitValue);
      ended.accept(describe(exitValue));
    }

    @Override
    public void onProcessFailed(ExecuteException e) {
      super.onProcessFailed(e);
      ended.accept(describe(e.getExitValue()));
    }

    private String describe(int exit) {
      return "exit " + exit + (lastError.isEmpty() ? "" : ": " + lastError);
    }
  }

  /** Splits a stream into UTF-8 lines. */
  private static final class Lines extends LogOutputStream {
    private final Consumer<String> sink;

    Lines(Consumer<String> sink) {
      super(0, StandardCharsets.UTF_8);
      this.sink = sink;
    }

    @Override
    protected void processLine(String line, int level) {
      try {
        sink.accept(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) : line);
      } catch (RuntimeException e) {
        // a reader that stops reading would stall the process on a full pipe
      }
    }
  }
}
