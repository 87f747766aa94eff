package spa.client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A full TCP connection to the server port carrying the wire string (fwknop's {@code -P tcp}, for Tor). */
public record TcpTransport(Transport.Options options) implements Transport {

  @Override
  public String name() {
    return "tcp";
  }

  @Override
  public int send(String wire, Destination to) throws ClientException {
    byte[] payload = wire.getBytes(StandardCharsets.US_ASCII);
    try (Socket s = Sockets.connect(options, to, name())) {
      OutputStream out = s.getOutputStream();
      out.write(payload);
      out.flush();
      s.shutdownOutput();
      return payload.length;
    } catch (IOException e) {
      throw Sockets.failure(name(), to, e);
    }
  }
}
