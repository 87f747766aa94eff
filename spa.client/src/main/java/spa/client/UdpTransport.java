package spa.client;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** One UDP datagram whose payload is exactly the wire string: fwknop's default mode. */
public record UdpTransport(Transport.Options options) implements Transport {

  @Override
  public String name() {
    return "udp";
  }

  @Override
  public int send(String wire, Destination to) throws ClientException {
    InetSocketAddress addr = to.resolve(options);
    byte[] payload = wire.getBytes(StandardCharsets.US_ASCII);
    try (DatagramSocket s = new DatagramSocket(null)) {
      if (options.sourcePort() != 0) {
        s.setReuseAddress(true);
      }
      s.bind(new InetSocketAddress(options.sourcePort()));
      s.send(new DatagramPacket(payload, payload.length, addr));
      return payload.length;
    } catch (IOException e) {
      throw Sockets.failure(name(), to, e);
    }
  }
}
