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
    assertEquals("no IPv4 address in the answer from " + url("/none"), none.getMessage());
    ClientException gone = assertThrows(ClientException.class, () -> r.resolve(url("/gone")));
    assertTrue(gone.getMessage().endsWith("gave HTTP status 404"), gone.getMessage());
    ClientException scheme = assertThrows(ClientException.class, () -> r.resolve(URI.create("ftp://127.0.0.1/")));
    assertTrue(scheme.getMessage().contains("not http or https"));
  }

  @Test
  void ipv4ScanSkipsInvalidQuads() {
    assertEquals(Optional.of("10.1.2.3"), ExternalIpResolver.firstIpv4("999.1.1.1 then 10.1.2.3"));
    assertEquals(Optional.empty(), ExternalIpResolver.firstIpv4("1.2.3.4.5"));
    assertEquals(Optional.empty(), ExternalIpResolver.firstIpv4(""));
  }
}
