package spa.capture.ulogd;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import spa.core.Packet;
import spa.core.spi.CaptureSource;

/** A thread that polls a {@link PcapFollower} until {@link #close()}. */
public final class UlogdCapture implements CaptureSource.Capture {

  private static final System.Logger LOG = System.getLogger(UlogdCapture.class.getName());

  private final Path file;
  private final PcapFollower follower;
  private final long pollMillis;
  private final CaptureSource.Sink sink;
  private final Thread thread;
  private volatile boolean closing;

  private UlogdCapture(Path file, long pollMillis, long graceMillis, CaptureSource.Sink sink) {
    this.file = file;
    this.pollMillis = pollMillis;
    this.sink = sink;
    this.follower = new PcapFollower(file, true, graceMillis, () -> closing);
    this.thread = Thread.ofPlatform().name("spa-capture-ulogd").daemon().unstarted(this::run);
  }

  /**
   * Opens {@code file} (skipping what it holds) or waits for it, and starts following it.
   *
   * @throws IOException when the file exists but cannot be followed (unreadable, not a pcap file)
   */
  static UlogdCapture start(Path file, long pollMillis, long graceMillis, CaptureSource.Sink sink)
      throws IOException {
    UlogdCapture c = new UlogdCapture(file, pollMillis, graceMillis, sink);
    c.follower.poll(c::deliver); // skips the existing records; reports a file that cannot be read
    String problem = c.follower.problem();
    if (problem != null) {
      c.follower.close();
      throw new IOException("ulogd capture: " + problem);
    }
    c.thread.start();
    return c;
  }

  private void run() {
    // parked rather than slept: interrupting would close the FileChannel in the middle of a read
    try {
      while (!closing) {
        follower.poll(this::deliver);
        LockSupport.parkNanos(this, pollMillis * 1_000_000L);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "ulogd capture on " + file + " stopped: " + e);
    } finally {
      follower.close();
    }
  }

  private void deliver(Packet p) {
    if (closing) {
      return;
    }
    try {
      sink.accept(p);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "ulogd capture on " + file + ": packet sink failed: " + e);
    }
  }

  /** How often the followed file was replaced, and truncated. */
  public long rotations() {
    return follower.rotations();
  }

  public long truncations() {
    return follower.truncations();
  }

  /** Stops following; returns once no more packets will be delivered. */
  @Override
  public void close() {
    closing = true;
    if (Thread.currentThread() == thread) {
      return;
    }
    LockSupport.unpark(thread);
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
