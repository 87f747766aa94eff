package spa.client;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Socket handling shared by the stream transports. */
final class Sockets {
  private Sockets() {}

  /** Opens a TCP connection to {@code to} (bound to the source port, if one is set), for tcp and http. */
  static Socket connect(Transport.Options options, Destination to, String mode) throws ClientException {
    InetSocketAddress addr = to.resolve(options);
    Socket s = new Socket();
    try {
      if (options.sourcePort() != 0) {
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(options.sourcePort()));
      }
      s.connect(addr, (int) options.timeout().toMillis());
      return s;
    } catch (IOException e) {
      try {
        s.close();
      } catch (IOException ignored) {
        // nothing more to do
      }
      throw failure(mode, to, e);
    }
  }

  /** Connects to {@code to}, writes {@code payload}, and closes the sending side; returns the bytes sent. */
  static int sendStream(Transport.Options options, Destination to, String mode, byte[] payload)
      throws ClientException {
    try (Socket s = connect(options, to, mode)) {
      java.io.OutputStream out = s.getOutputStream();
      out.write(payload);
      out.flush();
      s.shutdownOutput();
      return payload.length;
    } catch (IOException e) {
      throw failure(mode, to, e);
    }
  }

  /** A one-line error for an I/O failure while sending. */
  static ClientException failure(String mode, Destination to, IOException e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new ClientException("cannot send the SPA packet over " + mode + " to " + to + ": " + why);
  }
}
