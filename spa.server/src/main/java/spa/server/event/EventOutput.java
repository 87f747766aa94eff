package spa.server.event;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Where events go. Threads write through their own {@link EventLog}, which hands whole lines over in
 * large chunks, so a flood of decisions costs one write call per many events and lines never interleave.
 */
public final class EventOutput implements AutoCloseable {
  private final OutputStream out;
  private final EventFormat format;
  private volatile boolean failed;

  public EventOutput(OutputStream out, EventFormat format) {
    this.out = out;
    this.format = format;
  }

  public EventFormat format() {
    return format;
  }

  /** A buffer for one thread; {@code batched} logs flush when full or when told, others after each event. */
  public EventLog newLog(boolean batched) {
    return new EventLog(this, format, batched);
  }

  synchronized void write(byte[] b, int len) {
    if (failed || len == 0) {
      return;
    }
    try {
      out.write(b, 0, len);
      out.flush();
    } catch (IOException e) {
      failed = true; // a closed stdout must not stop packet processing
    }
  }

  @Override
  public synchronized void close() {
    try {
      out.flush();
    } catch (IOException e) {
      failed = true;
    }
  }
}
