package spa.client;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.random.RandomGenerator;

/**
 * fwknop's raw modes {@code udpraw}, {@code tcpraw} and {@code icmp}: the packet built whole, IPv4 header included,
 * from {@code spoofSource} ({@code -Q}) or else the address the system would send from, and a source port that is
 * the {@code -S} port or random 10000..65534. IPv4 only, as fwknop 2.6.10 sends none of them over IPv6.
 *
 * @param name the mode
 * @param options source port and address family
 * @param spoofSource the source address to write into the packet, or null
 * @param random for the source port, the IP id and the TCP sequence or ICMP id
 */
public record RawTransport(String name, Transport.Options options, Inet4Address spoofSource, RandomGenerator random)
    implements Transport {

  public RawTransport {
    RawDatagram.protocol(name);
  }

  @Override
  public int send(String wire, Destination to) throws ClientException {
    if (options.ipv6Only()) {
      throw new ClientException("-P " + name + " sends over IPv4 only (as fwknop does); drop -6");
    }
    InetSocketAddress addr = to.resolve(true);
    Inet4Address dst = (Inet4Address) addr.getAddress();
    Inet4Address src = spoofSource != null ? spoofSource : localAddress(addr, to);
    int srcPort = options.sourcePort() != 0 ? options.sourcePort() : random.nextInt(10000, 65535);
    byte[] datagram = RawDatagram.ipv4(name, src, srcPort, dst, to.port(),
        wire.getBytes(StandardCharsets.US_ASCII), random);
    RawSocket.send(datagram, dst);
    return wire.length();
  }

  /** The address the system sends to {@code addr} from (a connected UDP socket sends nothing). */
  private Inet4Address localAddress(InetSocketAddress addr, Destination to) throws ClientException {
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(addr);
      InetAddress local = s.getLocalAddress();
      if (local instanceof Inet4Address a && !a.isAnyLocalAddress()) {
        return a;
      }
      throw new ClientException("no local IPv4 address to send to " + to + " from; give one with -Q");
    } catch (IOException e) {
      throw Sockets.failure(name, to, e);
    }
  }
}
