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
import spa.core.ConfigException;
import spa.core.Settings;
import spa.core.spi.CaptureSource;

/**
 * The default capture ({@code udp}, fwknopd {@code -U}): a UDP socket bound to {@code UDPSERV_PORT}
 * (default 62201) on the wildcard address, IPv4 and IPv6 (dual-stack), that receives datagrams of up to
 * 1500 bytes (longer ones are cut, as fwknopd's {@code recvfrom} does) and never replies.
 *
 * <p>Settings: {@code UDPSERV_PORT}; {@code SPA_UDP_BIND_ADDRESS} (spa's own key, not fwknop's) binds to
 * one IP address instead of the wildcard. A socket does not tell which local address a datagram was sent
 * to, so every packet's destination is reported as {@code 0.0.0.0}, exactly as fwknopd does in this mode:
 * {@code DESTINATION} stanza filters and destination rules cannot work with it.
 */
public final class UdpCaptureSource implements CaptureSource {

  public static final String PORT = "UDPSERV_PORT";
  public static final String BIND_ADDRESS = "SPA_UDP_BIND_ADDRESS";
  public static final int DEFAULT_PORT = 62201;

  @Override
  public String name() {
    return "udp";
  }

  @Override
  public UdpCapture start(Settings settings, Sink sink) throws ConfigException, IOException {
    int port = port(settings);
    InetAddress bind = bindAddress(settings);
    InetSocketAddress local = bind == null ? new InetSocketAddress(port) : new InetSocketAddress(bind, port);
    DatagramChannel channel = bind == null ? DatagramChannel.open()
        : DatagramChannel.open(bind instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
    try {
      channel.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20); // the kernel caps it at net.core.rmem_max
      channel.bind(local);
    } catch (IOException | RuntimeException e) {
      channel.close();
      String why = e instanceof BindException ? e.getMessage() : e.toString();
      throw new IOException("udp capture: cannot bind " + describe(local) + ": " + why, e);
    }
    return new UdpCapture(channel, port, sink);
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
