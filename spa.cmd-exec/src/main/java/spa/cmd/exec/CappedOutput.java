package spa.cmd.exec;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the first {@code cap} bytes written to it and counts the rest, which it discards as they come. */
final class CappedOutput extends OutputStream {
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private final int cap;
  private long dropped;

  CappedOutput(int cap) {
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
    int room = Math.max(0, Math.min(len, cap - kept.size()));
    if (room > 0) {
      kept.write(b, off, room);
    }
    dropped += len - room;
  }

  /** The kept bytes as UTF-8, followed by a note of how many were dropped, if any were. */
  synchronized String text() {
    String s = kept.toString(StandardCharsets.UTF_8);
    return dropped == 0 ? s : s + "\n[" + dropped + " more bytes dropped]";
  }
}
