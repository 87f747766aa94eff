package spa.capture.udp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import spa.core.Packet;
import spa.core.codec.WireForm;
import spa.core.spi.CaptureSource;

/**
 * A bound UDP socket and two threads, until {@link #close()}: one only receives, straight into a preallocated
 * {@link DatagramRing}, so that the kernel's receive buffer is drained as fast as datagrams come; the other hands
 * them to the sink (the engine's intake). Datagrams shorter than an SPA packet are dropped at once, uncopied; when
 * the ring is full a datagram is received and dropped, and counted, like the kernel's own drops.
 */
public final class UdpCapture implements CaptureSource.Capture {

  /** Largest payload taken from one datagram (fwknop's MAX_SPA_PACKET_LEN); the rest is discarded. */
  public static final int MAX_DATAGRAM = WireForm.MAX_LENGTH;
  /**
   * Bytes of received datagrams that may wait for the hand-off: some 4 000 SPA-sized ones (the hand-off never
   * waits; the kernel's 32 MiB socket buffer is the buffer that matters). Zeroed at start, so all of it is RSS:
   * 4 MiB cost 3 MB of idle RSS and dropped no fewer datagrams of a 100,000/s flood (none either way).
   */
  static final int RING_BYTES = 1 << 20;
  private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final System.Logger LOG = System.getLogger(UdpCapture.class.getName());
  /** What a socket cannot know: the destination address, reported as fwknopd reports it. */
  private static final InetAddress UNKNOWN_DESTINATION = anyIpv4();

  private final DatagramChannel channel;
  private final int port;
  private final CaptureSource.Sink sink;
  private final DatagramRing ring;
  private final KernelDrops kernel;
  private final Thread reader;
  private final Thread handoff;
  private volatile boolean closing;
  private volatile boolean handoffWaiting;
  /** Written by the reader only. */
  private volatile long ringDropped;
  private long kernelDropped;

  /** @param kernel the socket's drops as /proc tells them; null if it cannot */
  UdpCapture(DatagramChannel channel, int port, KernelDrops kernel, CaptureSource.Sink sink, int ringBytes) {
    this.channel = channel;
    this.port = port;
    this.sink = sink;
    this.ring = new DatagramRing(ringBytes, MAX_DATAGRAM);
    this.kernel = kernel;
    this.reader = Thread.ofPlatform().name("spa-capture-udp-" + port).daemon().unstarted(this::receive);
    this.handoff = Thread.ofPlatform().name("spa-capture-udp-" + port + "-intake").daemon().unstarted(this::handOff);
    handoff.start();
    reader.start();
  }

  /** The address and port the socket is bound to. */
  public InetSocketAddress localAddress() throws IOException {
    return (InetSocketAddress) channel.getLocalAddress();
  }

  /** The reader: receives into the ring and wakes the hand-off; does nothing else. */
  private void receive() {
    ByteBuffer scratch = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    while (!closing) {
      ByteBuffer into = ring.claim();
      boolean room = into != null;
      if (!room) {
        into = scratch.clear();
      }
      int start = into.position();
      InetSocketAddress from;
      try {
        from = (InetSocketAddress) channel.receive(into);
      } catch (ClosedChannelException e) {
        break;
      } catch (IOException e) {
        if (closing) {
          break;
        }
        LOG.log(Level.WARNING, "udp capture on port " + port + ": " + e);
        continue;
      }
      if (from == null || into.position() - start < WireForm.MIN_LENGTH) {
        continue; // never an SPA packet: not worth a copy
      }
      if (!room) {
        ringDropped++; // single writer
        continue;
      }
      ring.commit(from, Instant.now());
      if (handoffWaiting) {
        LockSupport.unpark(handoff);
      }
    }
  }

  /** The hand-off: turns ring records into packets for the sink, parking while the ring is empty. */
  private void handOff() {
    while (!closing) {
      Packet p = ring.poll(UNKNOWN_DESTINATION, port);
      if (p == null) {
        handoffWaiting = true;
        if (ring.isEmpty() && !closing) {
          LockSupport.parkNanos(this, IDLE_PARK_NANOS);
        }
        handoffWaiting = false;
        continue;
      }
      try {
        sink.accept(p);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "udp capture on port " + port + ": packet sink failed: " + e);
      }
    }
  }

  /** Datagrams the kernel dropped for this socket (its receive buffer was full) and those the full ring dropped. */
  @Override
  public synchronized long dropped() {
    if (kernel != null && channel.isOpen()) {
      kernelDropped = Math.max(kernelDropped, kernel.read()); // the line goes with the socket: keep the last
    }
    return kernelDropped + ringDropped;
  }

  /** Closes the socket and waits for both threads to finish; datagrams still in the ring are not delivered. */
  @Override
  public void close() {
    if (!closing) {
      dropped(); // the kernel's count, while the socket still has its line
    }
    closing = true;
    try {
      channel.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "closing udp socket: " + e);
    }
    LockSupport.unpark(handoff);
    for (Thread t : new Thread[] {reader, handoff}) {
      if (Thread.currentThread() != t) {
        try {
          t.join(5000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static InetAddress anyIpv4() {
    try {
      return InetAddress.getByAddress(new byte[4]);
    } catch (java.net.UnknownHostException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
}
