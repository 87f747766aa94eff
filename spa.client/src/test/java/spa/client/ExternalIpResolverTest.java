package spa.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExternalIpResolverTest {
  private HttpServer server;
  private final AtomicReference<String> agent = new AtomicReference<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    route("/myip", 200, "<html>Your IP address is 203.0.113.7</html>\n");
    route("/none", 200, "no address here, version 1.2.3\n");
    route("/gone", 404, "not found");
    server.start();
  }

  private void route(String path, int status, String body) {
    server.createContext(path, ex -> {
      agent.set(ex.getRequestHeaders().getFirst("User-Agent"));
      byte[] b = body.getBytes(StandardCharsets.US_ASCII);
      ex.sendResponseHeaders(status, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Test
  void takesTheFirstIpv4AddressInTheBody() throws Exception {
    ExternalIpResolver r = ExternalIpResolver.create("Fwknop/2.6.10", Duration.ofSeconds(5));
    assertEquals("203.0.113.7", r.resolve(url("/myip")));
    assertEquals("Fwknop/2.6.10", agent.get());
  }

  @Test
  void failuresAreOneLine() {
    ExternalIpResolver r = ExternalIpResolver.create("x", Duration.ofSeconds(5));
    ClientException none = assertThrows(ClientException.class, () -> r.resolve(url("/none")));
    assertEquals("cannot resolve the external IP via " + url("/none") + ": bad answer (no IPv4 address in it)",
        none.getMessage());
    ClientException gone = assertThrows(ClientException.class, () -> r.resolve(url("/gone")));
    assertEquals("cannot resolve the external IP via " + url("/gone") + ": bad answer (HTTP status 404)",
        gone.getMessage());
    ClientException scheme = assertThrows(ClientException.class, () -> r.resolve(URI.create("ftp://127.0.0.1/")));
    assertTrue(scheme.getMessage().contains("not http or https"));
  }

  @Test
  void aClosedPortIsRefused() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    URI closed = URI.create("http://127.0.0.1:" + port + "/myip");
    ClientException e = assertThrows(ClientException.class,
        () -> ExternalIpResolver.create("x", Duration.ofSeconds(5)).resolve(closed));
    assertEquals("cannot resolve the external IP via " + closed + ": connection refused", e.getMessage());
  }

  @Test
  void failureCausesAreNamed() {
    assertEquals("no route to the host", ExternalIpResolver.why(new java.net.NoRouteToHostException("No route to host")));
    assertEquals("no route to the host", ExternalIpResolver.why(
        new java.net.ConnectException("Network is unreachable")));
    assertEquals("connection refused", ExternalIpResolver.why(new java.net.ConnectException()));
    assertEquals("no answer (connection timed out)", ExternalIpResolver.why(
        new java.net.http.HttpConnectTimeoutException("HTTP connect timed out")));
    assertEquals("cannot resolve the host name", ExternalIpResolver.why(
        new java.io.IOException(new java.nio.channels.UnresolvedAddressException())));
    assertEquals("reset", ExternalIpResolver.why(new java.io.IOException("reset")));
  }

  @Test
  void ipv4ScanSkipsInvalidQuads() {
    assertEquals(Optional.of("10.1.2.3"), ExternalIpResolver.firstIpv4("999.1.1.1 then 10.1.2.3"));
    assertEquals(Optional.empty(), ExternalIpResolver.firstIpv4("1.2.3.4.5"));
    assertEquals(Optional.empty(), ExternalIpResolver.firstIpv4(""));
  }
}
