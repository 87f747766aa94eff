package spa.server.event;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import spa.cmd.exec.ExecRunner;
import spa.cmd.exec.StreamingProcess;

/**
 * spad's lines to syslog: one {@code logger} (util-linux) for the daemon's life, reading {@code <severity>line}
 * from its standard input and sending each as an RFC 3164 datagram to {@code /dev/log} with the identity, spad's
 * pid and the facility of the {@link SyslogChoice}. Writing never waits: what logger cannot take in time is
 * dropped and counted; without a {@code /dev/log} logger drops the lines, as syslog(3) would. Java has no AF_UNIX
 * datagram socket of its own, hence logger.
 */
public final class SyslogSink implements AutoCloseable {
  public static final int WARNING = 4;
  public static final int INFO = 6;
  private static final int QUEUE = 8192;

  private final LineFeed feed = new LineFeed(QUEUE);
  private final SyslogChoice choice;
  private volatile StreamingProcess logger;
  private volatile boolean closing;

  private SyslogSink(SyslogChoice choice) {
    this.choice = choice;
  }

  /** Starts logger; {@code ended} hears once if it stops before {@link #close} (no /dev/log, say). */
  public static SyslogSink start(SyslogChoice choice, Consumer<String> ended) throws IOException {
    SyslogSink s = new SyslogSink(choice);
    List<String> argv = List.of("logger", "--id=" + ProcessHandle.current().pid(), "-t", choice.identity(),
        "-p", choice.loggerFacility() + ".info", "--prio-prefix");
    s.logger = StreamingProcess.start(argv, ExecRunner.DEFAULT_ENVIRONMENT, s.feed, line -> { },
        why -> {
          // a stop of spad's whole process group or cgroup (systemctl stop, timeout) sends logger SIGTERM too,
          // and at exit the JVM's hook kills it before close runs: neither is a failure to report
          if (!s.closing && !why.startsWith("exit 143") && !shuttingDown()) {
            ended.accept("syslog: logger stopped (" + why + "); lines go to standard output and error only");
          }
        });
    return s;
  }

  private static boolean shuttingDown() {
    Thread probe = new Thread(() -> { });
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }

  public SyslogChoice choice() {
    return choice;
  }

  /** Queues each line of {@code text} with {@code severity} (syslog's numbers: {@link #INFO}, {@link #WARNING}). */
  public void line(int severity, String text) {
    for (String l : text.split("\n")) {
      if (!l.isEmpty()) {
        feed.offer(("<" + severity + ">" + l + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  /** {@code out}, with each whole line written to it also queued here at {@link #INFO} (the events). */
  public OutputStream tee(OutputStream out) {
    return new SyslogTee(out, feed::offer);
  }

  /** Lines dropped so far because logger could not keep up. */
  public long dropped() {
    return feed.dropped();
  }

  /** Lets logger send what is queued (a second at most), then stops it. */
  @Override
  public void close() {
    closing = true;
    feed.close();
    StreamingProcess p = logger;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (p.alive() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    p.close();
  }
}
