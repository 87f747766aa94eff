package spa.client;

import java.nio.charset.StandardCharsets;

/**
 * The wire string as the path of an HTTP GET, with {@code +} and {@code /} replaced by {@code -} and
 * {@code _}, byte for byte as fwknop 2.6.10 sends it (an HTTP/1.0 request line). Through a proxy the
 * request line carries the absolute URL and the connection goes to the proxy.
 */
public record HttpTransport(Transport.Options options) implements Transport {

  @Override
  public String name() {
    return "http";
  }

  /** The request for {@code wire} addressed to {@code server}. */
  public String request(String wire, String server) {
    String path = wire.replace('+', '-').replace('/', '_');
    String target = options.proxy() == null ? "/" + path : "http://" + server + "/" + path;
    return "GET " + target + " HTTP/1.0\r\n"
        + "User-Agent: " + options.userAgent() + "\r\n"
        + "Accept: */*\r\n"
        + "Host: " + server + "\r\n"
        + "Connection: close\r\n"
        + "\r\n";
  }

  @Override
  public int send(String wire, Destination to) throws ClientException {
    byte[] payload = request(wire, to.host()).getBytes(StandardCharsets.ISO_8859_1);
    Destination via = options.proxy() == null ? to : options.proxy();
    return Sockets.sendStream(options, via, name(), payload);
  }
}
