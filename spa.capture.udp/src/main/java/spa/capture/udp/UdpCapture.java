package spa.capture.udp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Instant;
import spa.core.Packet;
import spa.core.spi.CaptureSource;

/** A bound UDP socket and the thread that receives on it until {@link #close()}. */
public final class UdpCapture implements CaptureSource.Capture {

  /** Largest payload taken from one datagram (fwknop's MAX_SPA_PACKET_LEN); the rest is discarded. */
  public static final int MAX_DATAGRAM = 1500;
  private static final System.Logger LOG = System.getLogger(UdpCapture.class.getName());
  /** What a socket cannot know: the destination address, reported as fwknopd reports it. */
  private static final InetAddress UNKNOWN_DESTINATION = anyIpv4();

  private final DatagramChannel channel;
  private final int port;
  private final CaptureSource.Sink sink;
  private final Thread thread;
  private volatile boolean closing;

  UdpCapture(DatagramChannel channel, int port, CaptureSource.Sink sink) {
    this.channel = channel;
    this.port = port;
    this.sink = sink;
    this.thread = Thread.ofPlatform().name("spa-capture-udp-" + port).daemon().unstarted(this::run);
    thread.start();
  }

  /** The address and port the socket is bound to. */
  public InetSocketAddress localAddress() throws IOException {
    return (InetSocketAddress) channel.getLocalAddress();
  }

  private void run() {
    ByteBuffer buf = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    while (!closing) {
      InetSocketAddress from;
      buf.clear();
      try {
        from = (InetSocketAddress) channel.receive(buf);
      } catch (ClosedChannelException e) {
        break;
      } catch (IOException e) {
        if (closing) {
          break;
        }
        LOG.log(Level.WARNING, "udp capture on port " + port + ": " + e);
        continue;
      }
      Instant arrival = Instant.now();
      buf.flip();
      byte[] payload = new byte[buf.remaining()];
      buf.get(payload);
      try {
        sink.accept(new Packet(from.getAddress(), from.getPort(), UNKNOWN_DESTINATION, port, Packet.UDP, payload,
            arrival));
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "udp capture on port " + port + ": packet sink failed: " + e);
      }
    }
  }

  /** Closes the socket and waits for the receiving thread to finish. */
  @Override
  public void close() {
    closing = true;
    try {
      channel.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "closing udp socket: " + e);
    }
    if (Thread.currentThread() != thread) {
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
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
