package spa.capture.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import spa.core.ConfigException;
import spa.core.Packet;
import spa.core.Settings;
import spa.core.spi.CaptureSource;

class UdpCaptureSourceTest {

  private final BlockingQueue<Packet> received = new LinkedBlockingQueue<>();
  private final CaptureSource.Sink sink = received::add;

  static int freePort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(0)) {
      return s.getLocalPort();
    }
  }

  static Settings settings(Map<String, String> m) {
    return Settings.of(m, "test.conf");
  }

  private Packet next() throws InterruptedException {
    Packet p = received.poll(5, TimeUnit.SECONDS);
    assertNotNull(p, "no packet captured within 5 s");
    return p;
  }

  @Test
  void receivesIpv4AndIpv6DatagramsOnTheWildcardSocket() throws Exception {
    int port = freePort();
    try (UdpCapture c = new UdpCaptureSource().start(settings(Map.of("UDPSERV_PORT", "" + port)), sink);
        DatagramSocket v4 = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        DatagramSocket v6 = new DatagramSocket(new InetSocketAddress("::1", 0))) {
      assertTrue(c.localAddress().getAddress().isAnyLocalAddress());
      byte[] p4 = "ipv4 payload".getBytes(StandardCharsets.US_ASCII);
      byte[] p6 = "ipv6 payload".getBytes(StandardCharsets.US_ASCII);
      Instant before = Instant.now();
      v4.send(new DatagramPacket(p4, p4.length, new InetSocketAddress("127.0.0.1", port)));
      Packet a = next();
      assertInstanceOf(Inet4Address.class, a.src(), "IPv4-mapped source must come out as IPv4");
      assertEquals(InetAddress.getByName("127.0.0.1"), a.src());
      assertEquals(v4.getLocalPort(), a.srcPort());
      assertEquals(InetAddress.getByName("0.0.0.0"), a.dst());
      assertEquals(port, a.dstPort());
      assertEquals(Packet.UDP, a.protocol());
      assertArrayEquals(p4, a.payload());
      assertFalse(a.arrival().isBefore(before));

      v6.send(new DatagramPacket(p6, p6.length, new InetSocketAddress("::1", port)));
      Packet b = next();
      assertEquals(InetAddress.getByName("::1"), b.src());
      assertEquals(v6.getLocalPort(), b.srcPort());
      assertEquals(InetAddress.getByName("0.0.0.0"), b.dst());
      assertArrayEquals(p6, b.payload());
    }
  }

  @Test
  void cutsDatagramsAt1500BytesAndNeverReplies() throws Exception {
    int port = freePort();
    try (UdpCapture c = new UdpCaptureSource().start(settings(Map.of("UDPSERV_PORT", "" + port)), sink);
        DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      assertEquals(port, c.localAddress().getPort());
      byte[] big = new byte[2000];
      Arrays.fill(big, (byte) 'x');
      big[1499] = 'y';
      s.send(new DatagramPacket(big, big.length, new InetSocketAddress("127.0.0.1", port)));
      byte[] got = next().payload();
      assertEquals(1500, got.length);
      assertEquals('y', got[1499]);
      s.setSoTimeout(300);
      assertThrows(SocketTimeoutException.class, () -> s.receive(new DatagramPacket(new byte[100], 100)));
    }
  }

  @Test
  void bindsToOneAddressWhenAsked() throws Exception {
    int port = freePort();
    Settings s = settings(Map.of("UDPSERV_PORT", "" + port, "SPA_UDP_BIND_ADDRESS", "127.0.0.1"));
    try (UdpCapture c = new UdpCaptureSource().start(s, sink);
        DatagramSocket out = new DatagramSocket()) {
      assertEquals(new InetSocketAddress("127.0.0.1", port), c.localAddress());
      out.send(new DatagramPacket(new byte[] {'k'}, 1, new InetSocketAddress("127.0.0.1", port)));
      assertArrayEquals(new byte[] {'k'}, next().payload());
    }
  }

  @Test
  void runsOnANamedThreadAndClosesPromptly() throws Exception {
    int port = freePort();
    UdpCapture c = new UdpCaptureSource().start(settings(Map.of("UDPSERV_PORT", "" + port)), sink);
    Thread t = Thread.getAllStackTraces().keySet().stream()
        .filter(x -> x.getName().equals("spa-capture-udp-" + port)).findFirst().orElse(null);
    assertNotNull(t, "capture thread");
    long start = System.nanoTime();
    c.close();
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 1000, "close took too long");
    assertFalse(t.isAlive());
    c.close(); // idempotent
    try (DatagramSocket again = new DatagramSocket(port)) {
      assertEquals(port, again.getLocalPort()); // the port was released
    }
    assertNull(received.poll());
  }

  @Test
  void keepsReceivingWhenTheSinkThrows() throws Exception {
    int port = freePort();
    CaptureSource.Sink failing = p -> {
      if (p.payload()[0] == 'x') {
        throw new IllegalStateException("boom");
      }
      received.add(p);
    };
    try (UdpCapture c = new UdpCaptureSource().start(settings(Map.of("UDPSERV_PORT", "" + port)), failing);
        DatagramSocket s = new DatagramSocket()) {
      assertEquals(port, c.localAddress().getPort());
      s.send(new DatagramPacket(new byte[] {'x'}, 1, new InetSocketAddress("127.0.0.1", port)));
      s.send(new DatagramPacket(new byte[] {'o'}, 1, new InetSocketAddress("127.0.0.1", port)));
      assertArrayEquals(new byte[] {'o'}, next().payload());
    }
  }

  @Test
  void rejectsBadSettingsWithOneLine() throws Exception {
    UdpCaptureSource src = new UdpCaptureSource();
    for (String bad : new String[] {"0", "65536", "abc", "-1", ""}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> src.start(settings(Map.of("UDPSERV_PORT", bad)), sink));
      assertEquals("UDPSERV_PORT", e.key());
      assertEquals("test.conf: UDPSERV_PORT: must be a port number 1..65535, not '" + bad + "'", e.toString());
    }
    ConfigException host = assertThrows(ConfigException.class,
        () -> src.start(settings(Map.of("SPA_UDP_BIND_ADDRESS", "localhost")), sink));
    assertEquals("SPA_UDP_BIND_ADDRESS", host.key());
    try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      int port = taken.getLocalPort();
      IOException e = assertThrows(IOException.class, () -> src.start(
          settings(Map.of("UDPSERV_PORT", "" + port, "SPA_UDP_BIND_ADDRESS", "127.0.0.1")), sink));
      assertTrue(e.getMessage().startsWith("udp capture: cannot bind 127.0.0.1:" + port + ": "), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
  }

  @Test
  void defaultsToPort62201() throws Exception {
    assertEquals(62201, UdpCaptureSource.port(Settings.empty()));
    assertNull(UdpCaptureSource.bindAddress(Settings.empty()));
    assertEquals(InetAddress.getByName("::1"),
        UdpCaptureSource.bindAddress(settings(Map.of("SPA_UDP_BIND_ADDRESS", " ::1 "))));
  }

  @Test
  void isFoundByServiceLoaderAsUdp() {
    getClass().getModule().addUses(CaptureSource.class);
    assertTrue(ServiceLoader.load(CaptureSource.class).stream()
        .anyMatch(p -> p.type() == UdpCaptureSource.class && p.get().name().equals("udp")));
  }
}
