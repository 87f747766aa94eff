package spa.server.event;

import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Lines handed to another process's standard input: {@link #offer} never waits (a full queue drops the line and
 * counts it, so a stalled syslog never slows spad), the pumping thread reads them as a stream until {@link #close}.
 */
final class LineFeed extends InputStream {
  private static final byte[] END = new byte[0];
  private final BlockingQueue<byte[]> lines;
  private byte[] current = new byte[0];
  private int pos;
  private volatile boolean closed;
  private long dropped;

  LineFeed(int capacity) {
    lines = new ArrayBlockingQueue<>(capacity);
  }

  /** Queues one line (its line end included); false when it was dropped. */
  boolean offer(byte[] line) {
    if (closed || !lines.offer(line)) {
      synchronized (this) {
        dropped++;
      }
      return false;
    }
    return true;
  }

  synchronized long dropped() {
    return dropped;
  }

  @Override
  public int read() throws java.io.IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    while (pos == current.length) {
      if (current == END) {
        return -1;
      }
      try {
        byte[] next = lines.poll(1, TimeUnit.SECONDS);
        if (next == END) {
          current = END;
          pos = 0;
        } else if (next != null) {
          current = next;
          pos = 0;
        } else if (closed) {
          current = END;
          pos = 0;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        current = END;
        pos = 0;
      }
    }
    int n = Math.min(len, current.length - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    return n;
  }

  /** Ends the stream once the queued lines are read. */
  @Override
  public void close() {
    closed = true;
    lines.offer(END); // wakes the reader at once; with a full queue it ends at its next poll
  }
}
