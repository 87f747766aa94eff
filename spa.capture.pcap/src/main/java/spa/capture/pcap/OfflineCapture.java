package spa.capture.pcap;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteOrder;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import spa.core.ConfigException;
import spa.core.Packet;
import spa.core.Settings;
import spa.pcap.format.FrameDecoder;
import spa.pcap.format.LinkType;
import spa.pcap.format.PcapHeader;
import spa.pcap.format.PcapReader;
import spa.core.spi.CaptureSource;

/**
 * Reads a pcap file with the pure-Java reader on its own thread, filters each record with the
 * {@code PCAP_FILTER} program compiled by libpcap, decodes it and hands it to the sink; calls
 * {@link CaptureSource.Sink#end()} when the file ends.
 */
public final class OfflineCapture implements CaptureSource.Capture {

  private static final System.Logger LOG = System.getLogger(OfflineCapture.class.getName());

  private final Path file;
  private final PcapReader reader;
  private final BpfProgram filter;
  private final FrameDecoder decoder;
  private final CaptureSource.Sink sink;
  private final boolean swapFamily;
  private final Thread thread;
  private volatile boolean closing;
  private volatile long filtered;

  private OfflineCapture(Path file, PcapReader reader, BpfProgram filter, LinkType type, ByteOrder order,
      CaptureSource.Sink sink) {
    this.file = file;
    // DLT_NULL's family word is in the writer's byte order; libpcap turns it into the reader's before filtering
    this.swapFamily = type == LinkType.NULL && order != ByteOrder.nativeOrder();
    this.reader = reader;
    this.filter = filter;
    this.decoder = new FrameDecoder(type);
    this.sink = sink;
    this.thread = Thread.ofPlatform().name("spa-capture-pcap-file").daemon().unstarted(this::run);
    thread.start();
  }

  static OfflineCapture open(PcapSettings ps, Settings settings, CaptureSource.Sink sink)
      throws ConfigException, IOException {
    Path file = ps.file();
    PcapReader reader;
    try {
      reader = PcapReader.open(file);
    } catch (NoSuchFileException e) {
      throw new IOException("pcap file " + file + ": no such file", e);
    } catch (IOException e) {
      throw new IOException("pcap file " + file + ": " + e.getMessage(), e);
    }
    try {
      PcapHeader header;
      try {
        header = reader.header();
      } catch (IOException e) {
        throw new IOException("pcap file " + file + ": " + e.getMessage(), e);
      }
      LinkType type = header.knownLinkType();
      if (type == null) {
        throw new IOException("pcap file " + file + ": unsupported link type " + header.linkType());
      }
      BpfProgram program = compile(ps.filter(), header.linkType(), header.snaplen(), settings);
      return new OfflineCapture(file, reader, program, type, header.byteOrder(), sink);
    } catch (IOException | ConfigException | RuntimeException e) {
      reader.close();
      throw e;
    }
  }

  /** The filter program for frames of a pcap link type; null for a blank filter (everything passes). */
  static BpfProgram compile(String filter, int linkType, int snaplen, Settings settings)
      throws ConfigException, IOException {
    if (filter.isBlank()) {
      return null;
    }
    try {
      return BpfCompiler.compile(filter, BpfCompiler.dlt(linkType), snaplen);
    } catch (IllegalArgumentException e) {
      throw settings.invalid(PcapSettings.FILTER, "'" + filter + "' does not compile: " + e.getMessage());
    } catch (UnsatisfiedLinkError e) {
      throw new IOException("pcap capture: PCAP_FILTER needs libpcap, which cannot be loaded (install libpcap0.8): "
          + e.getMessage(), e);
    }
  }

  private void run() {
    long skipped = 0;
    boolean ended = false;
    try {
      PcapReader r = reader;
      while (!closing && r.next()) {
        if (swapFamily && r.capturedLength() >= 4) {
          swap4(r.data(), r.dataOffset());
        }
        if (filter != null && !filter.matches(r.data(), r.dataOffset(), r.capturedLength(), r.originalLength())) {
          skipped++;
          continue;
        }
        Packet p = decoder.decode(r.data(), r.dataOffset(), r.capturedLength(), r.timestamp());
        if (p != null) {
          deliver(p);
        }
      }
      ended = !closing;
    } catch (IOException e) {
      if (!closing) {
        LOG.log(Level.ERROR, "pcap file " + file + ": " + e.getMessage());
        ended = true;
      }
    } finally {
      filtered = skipped;
      try {
        reader.close();
      } catch (IOException e) {
        LOG.log(Level.DEBUG, "closing " + file + ": " + e);
      }
    }
    if (ended) {
      sink.end();
    }
  }

  private static void swap4(byte[] b, int at) {
    byte t = b[at];
    b[at] = b[at + 3];
    b[at + 3] = t;
    t = b[at + 1];
    b[at + 1] = b[at + 2];
    b[at + 2] = t;
  }

  private void deliver(Packet p) {
    try {
      sink.accept(p);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "pcap file " + file + ": packet sink failed: " + e);
    }
  }

  /** Records the filter rejected (known once the file has been read). */
  public long filtered() {
    return filtered;
  }

  /** The frame decoder's counters (read them once the file has been read). */
  public FrameDecoder decoder() {
    return decoder;
  }

  /** Stops reading; returns once no more packets will be delivered. */
  @Override
  public void close() {
    closing = true;
    if (Thread.currentThread() != thread) {
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Waits until the whole file has been delivered (or the capture closed). */
  public boolean awaitEnd(long millis) throws InterruptedException {
    thread.join(millis);
    return !thread.isAlive();
  }
}
