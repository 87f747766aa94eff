package spa.client;

import java.nio.charset.StandardCharsets;

/** A full TCP connection to the server port carrying the wire string (fwknop's {@code -P tcp}, for Tor). */
public record TcpTransport(Transport.Options options) implements Transport {

  @Override
  public String name() {
    return "tcp";
  }

  @Override
  public int send(String wire, Destination to) throws ClientException {
    return Sockets.sendStream(options, to, name(), wire.getBytes(StandardCharsets.US_ASCII));
  }
}
