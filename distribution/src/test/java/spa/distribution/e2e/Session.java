package spa.distribution.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** One held-open TCP connection (netcat in the client namespace) to a {@link SessionServer}. */
final class Session implements AutoCloseable {
  private static final String EOF = "\u0000eof";
  private final Process nc;
  private final OutputStream out;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final String greeting;

  private Session(Process nc) throws IOException {
    this.nc = nc;
    this.out = nc.getOutputStream();
    Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(nc.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        // closed
      }
      lines.add(EOF);
    });
    this.greeting = next(2000);
  }

  static Session open(List<String> argv) throws IOException {
    return new Session(new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD).start());
  }

  /** The service's first line ({@code banner peer}), or null if none came within two seconds. */
  String greeting() {
    return greeting;
  }

  /** Sends {@code text} and returns the line that came back within {@code millis}, or null. */
  String echo(String text, long millis) throws IOException {
    out.write((text + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    return next(millis);
  }

  private String next(long millis) {
    try {
      String line = lines.poll(millis, TimeUnit.MILLISECONDS);
      return EOF.equals(line) ? null : line;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  @Override
  public void close() {
    nc.destroy();
    try {
      if (!nc.waitFor(2, TimeUnit.SECONDS)) {
        nc.destroyForcibly();
      }
    } catch (InterruptedException e) {
      nc.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
