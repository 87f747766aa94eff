package spa.server.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import spa.server.event.ByteLine;

/**
 * The replay file's end, where records are appended whole or not at all: a write that fails part-way (a full
 * disk) is cut back off the file, at once or else before the next write, so the file stays a sequence of whole
 * records, and what was not written stays queued for the next {@link #flush}. One thread at a time (the caller
 * locks).
 */
final class AppendChannel implements AutoCloseable {
  private final FileChannel channel;
  /** Records queued for the file and not yet written whole. */
  private ByteLine writing = new ByteLine(8192);
  /** The file's length up to the end of its last complete record. */
  private long complete;
  /** A write failed part-way and the file may hold a piece of a record past {@link #complete}. */
  private boolean torn;
  /** Written but not yet forced. */
  private volatile boolean unforced;

  AppendChannel(FileChannel channel) throws IOException {
    this.channel = channel;
    this.complete = channel.size();
  }

  /**
   * Queues {@code records} behind what is queued already; returns an empty buffer for the next records (usually
   * the one handed over last time: the bytes are not copied unless a failed write left some).
   */
  ByteLine queue(ByteLine records) {
    if (writing.length() == 0) {
      ByteLine empty = writing;
      writing = records;
      return empty;
    }
    if (records.length() > 0) {
      writing.bytes(Arrays.copyOf(records.array(), records.length()));
      records.reset();
    }
    return records;
  }

  /** Writes what is queued and forces it to disk; on failure what was not written stays queued. */
  void flush() throws IOException {
    write();
    force();
  }

  /**
   * Forces what was written to disk. Unlike the other methods, may run while another thread writes (the kernel
   * orders the two); a write after it is forced by the next call.
   */
  void force() throws IOException {
    if (unforced) {
      unforced = false;
      try {
        channel.force(false);
      } catch (IOException e) {
        unforced = true;
        throw e;
      }
    }
  }

  /** Writes what is queued (write(2): it survives the daemon's death, not yet a machine crash); not forced. */
  void write() throws IOException {
    if (writing.length() == 0) {
      return;
    }
    if (torn) {
      channel.truncate(complete);
      torn = false;
    }
    ByteBuffer b = ByteBuffer.wrap(writing.array(), 0, writing.length());
    try {
      while (b.hasRemaining()) {
        channel.write(b);
      }
    } catch (IOException e) {
      if (b.position() > 0) { // a piece went out
        torn = true;
        try {
          channel.truncate(complete);
          torn = false;
        } catch (IOException again) {
          e.addSuppressed(again);
        }
      }
      throw e;
    }
    complete += writing.length();
    writing.reset();
    unforced = true;
  }

  /** Closes the channel; what is still queued is dropped. */
  @Override
  public void close() throws IOException {
    channel.close();
  }
}
