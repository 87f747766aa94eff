package spa.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import spa.core.ProtoPort;
import spa.core.SpaMessage;
import spa.core.codec.SpaCodec;

class TransportTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private static SpaPacket packet() throws Exception {
    return new SpaPacketBuilder(TestKeys.encryptor(), Clock.systemUTC(), new SecureRandom())
        .build(SpaRequest.access("alice", "10.0.0.5", List.of(new ProtoPort("tcp", 22))));
  }

  private static void assertDecodes(String received, SpaPacket sent) throws Exception {
    assertEquals(sent.wire(), received);
    SpaMessage m = SpaCodec.decode(TestKeys.decrypt(received));
    assertEquals("10.0.0.5,tcp/22", m.message());
    assertEquals("alice", m.user());
  }

  @Test
  void udpSendsOneDatagramHoldingExactlyTheWireString() throws Exception {
    SpaPacket p = packet();
    try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
      server.setSoTimeout(5000);
      Transport t = Transport.of("UDP", Transport.Options.defaults());
      assertInstanceOf(UdpTransport.class, t);
      int sent = t.send(p.wire(), new Destination("127.0.0.1", server.getLocalPort()));
      DatagramPacket d = new DatagramPacket(new byte[2048], 2048);
      server.receive(d);
      assertEquals(p.wire().length(), sent);
      assertEquals(sent, d.getLength());
      assertDecodes(new String(d.getData(), 0, d.getLength(), StandardCharsets.US_ASCII), p);
    }
  }

  @Test
  void udpUsesTheRequestedSourcePort() throws Exception {
    int source;
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
      source = probe.getLocalPort();
    }
    try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
      server.setSoTimeout(5000);
      Transport.Options o = new Transport.Options(source, true, Duration.ofSeconds(5), null, null);
      new UdpTransport(o).send("x".repeat(150), new Destination("127.0.0.1", server.getLocalPort()));
      DatagramPacket d = new DatagramPacket(new byte[2048], 2048);
      server.receive(d);
      assertEquals(source, d.getPort());
    }
  }

  @Test
  void tcpConnectsAndSendsTheWireString() throws Exception {
    SpaPacket p = packet();
    try (ServerSocket server = new ServerSocket(0, 5, LOOPBACK)) {
      server.setSoTimeout(5000);
      int sent = Transport.of("tcp", Transport.Options.defaults())
          .send(p.wire(), new Destination("127.0.0.1", server.getLocalPort()));
      try (Socket s = server.accept()) {
        String got = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertEquals(p.wire().length(), sent);
        assertDecodes(got, p);
      }
    }
  }

  @Test
  void httpSendsFwknopsGetRequest() throws Exception {
    SpaPacket p = packet();
    try (ServerSocket server = new ServerSocket(0, 5, LOOPBACK)) {
      server.setSoTimeout(5000);
      Transport t = Transport.of("http", Transport.Options.defaults());
      int sent = t.send(p.wire(), new Destination("127.0.0.1", server.getLocalPort()));
      try (Socket s = server.accept()) {
        String got = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertEquals(got.length(), sent);
        String path = p.wire().replace('+', '-').replace('/', '_');
        assertEquals("GET /" + path + " HTTP/1.0\r\nUser-Agent: Fwknop/2.6.10\r\nAccept: */*\r\n"
            + "Host: 127.0.0.1\r\nConnection: close\r\n\r\n", got);
        String wire = got.substring(5, got.indexOf(' ', 5)).replace('-', '+').replace('_', '/');
        assertDecodes(wire, p);
      }
    }
  }

  @Test
  void httpThroughAProxyUsesTheAbsoluteUrl() throws Exception {
    try (ServerSocket proxy = new ServerSocket(0, 5, LOOPBACK)) {
      proxy.setSoTimeout(5000);
      Transport.Options o = new Transport.Options(0, false, Duration.ofSeconds(5), "Agent/1",
          new Destination("127.0.0.1", proxy.getLocalPort()));
      new HttpTransport(o).send("ab+c/d", new Destination("spa.example", 62201));
      try (Socket s = proxy.accept()) {
        String got = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(got.startsWith("GET http://spa.example/ab-c_d HTTP/1.0\r\nUser-Agent: Agent/1\r\n"), got);
        assertTrue(got.contains("\r\nHost: spa.example\r\n"), got);
      }
    }
  }

  @Test
  void rawModesAreKnownAndOthersRefusedClearly() throws Exception {
    for (String raw : Transport.RAW_NAMES) {
      assertEquals(raw, Transport.of(raw, Transport.Options.defaults()).name());
    }
    ClientException e = assertThrows(ClientException.class, () -> Transport.of("smtp", Transport.Options.defaults()));
    assertEquals("unknown server protocol 'smtp'; use udp, tcp, http, udpraw, tcpraw or icmp", e.getMessage());
  }

  @Test
  void refusedConnectionIsOneLine() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
      port = s.getLocalPort();
    }
    Destination to = new Destination("127.0.0.1", port);
    ClientException e = assertThrows(ClientException.class,
        () -> Transport.of("tcp", Transport.Options.defaults()).send("payload", to));
    assertTrue(e.getMessage().startsWith("cannot send the SPA packet over tcp to 127.0.0.1:" + port + ": "), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertEquals(0, e.getStackTrace().length);
  }

  @Test
  void unknownHostIsOneLine() {
    Destination to = new Destination("no-such-host.invalid", 62201);
    ClientException e = assertThrows(ClientException.class, () -> to.resolve(false));
    assertEquals("cannot resolve server 'no-such-host.invalid'", e.getMessage());
  }
}
