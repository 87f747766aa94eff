package spa.server.event;

/** One thread's event buffer. Not thread-safe: each thread that emits events has its own. */
public final class EventLog {
  private static final int CHUNK = 64 * 1024;
  private final EventOutput output;
  private final EventFormat format;
  private final boolean batched;
  private final ByteLine line = new ByteLine(CHUNK + 4096);
  private final Timestamps timestamps = new Timestamps();

  EventLog(EventOutput output, EventFormat format, boolean batched) {
    this.output = output;
    this.format = format;
    this.batched = batched;
  }

  public void emit(Event e) {
    format.append(e, line, timestamps);
    if (!batched || line.length() >= CHUNK) {
      flush();
    }
  }

  /** Hands buffered lines to the output. */
  public void flush() {
    if (line.length() > 0) {
      output.write(line.array(), line.length());
      line.reset();
    }
  }
}
