package spa.capture.udp;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import java.util.OptionalInt;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.core.spi.CaptureSource;

/**
 * The default capture ({@code udp}, fwknopd {@code -U}): a UDP socket bound to {@code UDPSERV_PORT}
 * (default 62201) on the wildcard address, IPv4 and IPv6 (dual-stack), that receives datagrams of up to
 * 1500 bytes (longer ones are cut, as fwknopd's {@code recvfrom} does) and never replies. Datagrams shorter than
 * an SPA packet (140 bytes) are dropped at once. {@link UdpCapture#dropped()} counts what the kernel dropped
 * for the socket and what the capture's own ring had no room for.
 *
 * <p>Settings: {@code UDPSERV_PORT}; {@code SPA_UDP_BIND_ADDRESS} (spa's own key, not fwknop's) binds to
 * one IP address instead of the wildcard; {@code SPA_UDP_RECEIVE_BUFFER} (spa's own, bytes, 4096..1073741824,
 * default 32 MiB) is the socket's receive buffer asked for, which the kernel caps at {@code net.core.rmem_max}
 * unless spad runs as root ({@link ReceiveBuffer}); the size it grants is logged once. A socket does not tell which local address a datagram was sent
 * to, so every packet's destination is reported as {@code 0.0.0.0}, exactly as fwknopd does in this mode:
 * {@code DESTINATION} stanza filters and destination rules cannot work with it.
 */
public final class UdpCaptureSource implements CaptureSource {

  public static final String PORT = "UDPSERV_PORT";
  public static final String BIND_ADDRESS = "SPA_UDP_BIND_ADDRESS";
  public static final String RECEIVE_BUFFER = "SPA_UDP_RECEIVE_BUFFER";
  public static final int DEFAULT_PORT = 62201;
  public static final int DEFAULT_RECEIVE_BUFFER = 32 << 20;
  static final int MIN_RECEIVE_BUFFER = 4096;
  static final int MAX_RECEIVE_BUFFER = 1 << 30;
  private static final System.Logger LOG = System.getLogger(UdpCaptureSource.class.getName());

  @Override
  public String name() {
    return "udp";
  }

  @Override
  public UdpCapture start(Settings settings, Sink sink) throws ConfigException, IOException {
    return start(settings, sink, System.Logger.Level.INFO);
  }

  /** {@link #start}, saying what the receive buffer is at {@code level}. */
  private UdpCapture start(Settings settings, Sink sink, System.Logger.Level level) throws ConfigException,
      IOException {
    int port = port(settings);
    int receiveBuffer = receiveBuffer(settings);
    InetAddress bind = bindAddress(settings);
    InetSocketAddress local = bind == null ? new InetSocketAddress(port) : new InetSocketAddress(bind, port);
    DatagramChannel channel = bind == null ? DatagramChannel.open()
        : DatagramChannel.open(bind instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
    try {
      channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
      channel.bind(local);
    } catch (IOException | RuntimeException e) {
      channel.close();
      String why = e instanceof BindException ? e.getMessage() : e.toString();
      throw new IOException("udp capture: cannot bind " + describe(local) + ": " + why, e);
    }
    KernelDrops kernel = KernelDrops.find(port);
    try {
      LOG.log(level, "udp capture on port " + port + ": "
          + ReceiveBuffer.apply(channel, receiveBuffer, kernel == null ? OptionalInt.empty() : kernel.fd()));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw new IOException("udp capture on port " + port + ": cannot size the receive buffer: " + e.getMessage(), e);
    }
    if (kernel == null) {
      LOG.log(System.Logger.Level.DEBUG, "udp capture on port " + port + ": its socket has no /proc/net/udp line;"
          + " kernel drops are not counted");
    }
    return new UdpCapture(channel, port, kernel, sink, UdpCapture.RING_BYTES);
  }

  /** A socket bound to 127.0.0.1 {@code port}, with a small receive buffer: the warm-up sends one datagram at a time. */
  @Override
  public UdpCapture rehearsal(Settings settings, int port, Sink sink) throws ConfigException, IOException {
    return start(settings.with(Settings.of(Map.of(PORT, String.valueOf(port), BIND_ADDRESS, "127.0.0.1",
        RECEIVE_BUFFER, String.valueOf(MIN_RECEIVE_BUFFER * 16)), "warm-up")), sink, System.Logger.Level.DEBUG);
  }

  static int port(Settings s) throws ConfigException {
    String v = s.get(PORT).map(String::trim).orElse(null);
    if (v == null) {
      return DEFAULT_PORT;
    }
    try {
      int p = Integer.parseInt(v);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw s.invalid(PORT, "must be a port number 1..65535, not '" + v + "'");
  }

  static int receiveBuffer(Settings s) throws ConfigException {
    String v = s.get(RECEIVE_BUFFER).map(String::trim).orElse(null);
    if (v == null) {
      return DEFAULT_RECEIVE_BUFFER;
    }
    try {
      long n = Long.parseLong(v);
      if (n >= MIN_RECEIVE_BUFFER && n <= MAX_RECEIVE_BUFFER) {
        return (int) n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw s.invalid(RECEIVE_BUFFER, "must be a number of bytes " + MIN_RECEIVE_BUFFER + ".." + MAX_RECEIVE_BUFFER
        + ", not '" + v + "'");
  }

  static InetAddress bindAddress(Settings s) throws ConfigException {
    String v = s.get(BIND_ADDRESS).map(String::trim).orElse("");
    if (v.isEmpty()) {
      return null;
    }
    // only literals: a host name would need a DNS lookup at start-up
    if (v.indexOf(':') >= 0 || v.matches("[0-9]+(\\.[0-9]+){3}")) {
      try {
        return InetAddress.getByName(v);
      } catch (UnknownHostException e) {
        // reported below
      }
    }
    throw s.invalid(BIND_ADDRESS, "must be an IPv4 or IPv6 address, not '" + v + "'");
  }

  private static String describe(InetSocketAddress a) {
    String host = a.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }
}
