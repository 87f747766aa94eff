package spa.capture.pcap;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapHandle.PcapDirection;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapNetworkInterface.PromiscuousMode;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;
import spa.core.ConfigException;
import spa.core.Packet;
import spa.core.Settings;
import spa.pcap.format.FrameDecoder;
import spa.pcap.format.LinkType;
import spa.core.spi.CaptureSource;

/**
 * Live capture on one interface through libpcap: immediate mode (each packet as it arrives, no 100 ms
 * batching), a kernel buffer of {@code SPA_PCAP_BUFFER_SIZE} bytes to hold packets while this thread is behind,
 * the kernel runs {@code PCAP_FILTER}, inbound packets only unless
 * {@code ENABLE_PCAP_ANY_DIRECTION}. The capture thread only copies frames out of libpcap's buffer into a bounded
 * queue; a second thread decodes them with {@link FrameDecoder} (not pcap4j's packet classes) and hands the packets
 * to the sink, so that decoding and the engine's intake never hold the buffer's draining up. If capture fails while running (the interface went away), the error is logged and
 * the sink's {@link CaptureSource.Sink#end()} is called, as fwknopd exits on a lost interface.
 */
public final class LiveCapture implements CaptureSource.Capture {

  private static final System.Logger LOG = System.getLogger(LiveCapture.class.getName());
  /** Read timeout: only bounds how long libpcap waits in immediate mode; packets are not held for it. */
  private static final int TIMEOUT_MILLIS = 100;
  /** Frames that may wait for the hand-off thread. */
  static final int HANDOFF_FRAMES = 65536;

  private final PcapHandle handle;
  private final String intf;
  private final FrameDecoder decoder;
  private final CaptureSource.Sink sink;
  private final Thread thread;
  private final Thread handoff;
  /** Frames captured and not yet decoded: the capture thread only copies, the hand-off decodes and delivers. */
  private final BlockingQueue<Frame> frames = new ArrayBlockingQueue<>(HANDOFF_FRAMES);
  private volatile boolean closing;
  private boolean closed;
  private long dropped;
  /** Frames the full hand-off queue dropped; written by the capture thread only. */
  private volatile long handoffDropped;

  private record Frame(byte[] data, Instant arrival) {}

  private static final Frame END = new Frame(new byte[0], Instant.EPOCH);

  private LiveCapture(PcapHandle handle, String intf, LinkType type, CaptureSource.Sink sink) {
    this.handle = handle;
    this.intf = intf;
    this.decoder = new FrameDecoder(type);
    this.sink = sink;
    this.thread = Thread.ofPlatform().name("spa-capture-pcap-" + intf).daemon().unstarted(this::run);
    this.handoff = Thread.ofPlatform().name("spa-capture-pcap-" + intf + "-intake").daemon().unstarted(this::handOff);
    handoff.start();
    thread.start();
  }

  static LiveCapture open(PcapSettings ps, Settings settings, CaptureSource.Sink sink)
      throws ConfigException, IOException {
    String intf = ps.intf();
    PcapNetworkInterface nif;
    try {
      nif = Pcaps.getDevByName(intf);
    } catch (PcapNativeException e) {
      throw new IOException("pcap capture: cannot list interfaces: " + oneLine(e.getMessage()), e);
    } catch (UnsatisfiedLinkError e) {
      throw new IOException("pcap capture: cannot load libpcap (install libpcap0.8): " + oneLine(e.getMessage()), e);
    }
    if (nif == null) {
      throw settings.invalid(PcapSettings.INTF, "no such network interface '" + intf + "'");
    }
    PcapHandle.Builder b = new PcapHandle.Builder(intf)
        .snaplen(ps.snaplen())
        .promiscuousMode(ps.promiscuous() ? PromiscuousMode.PROMISCUOUS : PromiscuousMode.NONPROMISCUOUS)
        .timeoutMillis(TIMEOUT_MILLIS)
        .bufferSize(ps.bufferSize())
        .immediateMode(true);
    if (!ps.anyDirection()) {
      b.direction(PcapDirection.IN);
    }
    PcapHandle handle;
    try {
      handle = b.build();
    } catch (PcapNativeException e) {
      String msg = oneLine(e.getMessage());
      if (msg.toLowerCase(java.util.Locale.ROOT).contains("permission")) {
        msg += " (run as root or with CAP_NET_RAW)";
      }
      throw new IOException("pcap capture on " + intf + ": " + msg, e);
    }
    try {
      int dlt = handle.getDlt().value();
      LinkType type = LinkType.of(dlt);
      if (type == null) {
        throw new IOException("pcap capture on " + intf + ": unsupported link type " + dlt + " ("
            + handle.getDlt().name() + ")");
      }
      if (!ps.filter().isBlank()) {
        try {
          handle.setFilter(ps.filter(), BpfCompileMode.OPTIMIZE);
        } catch (PcapNativeException e) {
          throw settings.invalid(PcapSettings.FILTER, "'" + ps.filter() + "' does not compile: "
              + oneLine(e.getMessage()));
        }
      }
      return new LiveCapture(handle, intf, type, sink);
    } catch (IOException | ConfigException | RuntimeException e) {
      handle.close();
      throw e;
    } catch (NotOpenException e) {
      handle.close();
      throw new IOException("pcap capture on " + intf + ": handle closed", e);
    }
  }

  private void run() {
    boolean failed = false;
    RawPacketListener listener = this::onFrame;
    try {
      if (!closing) {
        handle.loop(-1, listener);
      }
    } catch (InterruptedException e) {
      // breakLoop() from close()
    } catch (PcapNativeException | NotOpenException | RuntimeException e) {
      if (!closing) {
        LOG.log(Level.ERROR, "pcap capture on " + intf + " stopped: " + oneLine(e.getMessage()));
        failed = true;
      }
    }
    endHandoff();
    if (failed) {
      sink.end();
    }
  }

  private void onFrame(byte[] frame) {
    Timestamp ts = handle.getTimestamp();
    if (!frames.offer(new Frame(frame, ts == null ? Instant.now() : ts.toInstant()))) {
      handoffDropped++; // single writer
    }
  }

  /** Decodes frames and hands their packets to the sink, until the capture ends. */
  private void handOff() {
    while (true) {
      Frame f;
      try {
        f = frames.take();
      } catch (InterruptedException e) {
        return;
      }
      if (f == END) {
        return;
      }
      Packet p = decoder.decode(f.data(), 0, f.data().length, f.arrival());
      if (p != null) {
        try {
          sink.accept(p);
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "pcap capture on " + intf + ": packet sink failed: " + e);
        }
      }
    }
  }

  /** The frame decoder's counters. */
  public FrameDecoder decoder() {
    return decoder;
  }

  /** Lets the hand-off deliver what is queued, then stop; waits for it. */
  private void endHandoff() {
    try {
      frames.put(END);
      handoff.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Packets the kernel or the interface dropped (libpcap's {@code ps_drop + ps_ifdrop}), and those the full hand-off
   * queue dropped.
   */
  @Override
  public long dropped() {
    return kernelDropped() + handoffDropped;
  }

  private synchronized long kernelDropped() {
    if (!closed) {
      try {
        PcapStat s = handle.getStats();
        dropped = s.getNumPacketsDropped() + s.getNumPacketsDroppedByIf();
      } catch (PcapNativeException | NotOpenException e) {
        LOG.log(Level.DEBUG, "pcap stats on " + intf + ": " + e.getMessage());
      }
    }
    return dropped;
  }

  /** Breaks the capture loop, waits for it, then closes the handle. */
  @Override
  public void close() {
    closing = true;
    try {
      handle.breakLoop();
    } catch (NotOpenException e) {
      return;
    }
    if (Thread.currentThread() == thread) {
      return; // the loop ends after this callback; the handle stays open until close() from elsewhere
    }
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (closed) {
        return;
      }
      if (thread.isAlive()) {
        LOG.log(Level.WARNING, "pcap capture on " + intf + " did not stop; leaving its handle open");
        return;
      }
      kernelDropped();
      closed = true;
      handle.close();
    }
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replace('\n', ' ').trim();
  }
}
