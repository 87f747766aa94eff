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
import spa.test.support.Required;

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

  /** {@code text} padded with dots to the shortest SPA packet, 140 bytes. */
  static byte[] spaSized(String text) {
    byte[] b = new byte[140];
    Arrays.fill(b, (byte) '.');
    byte[] t = text.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(t, 0, b, 0, t.length);
    return b;
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
      byte[] p4 = spaSized("ipv4 payload");
      byte[] p6 = spaSized("ipv6 payload");
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
      byte[] k = spaSized("k");
      out.send(new DatagramPacket(k, k.length, new InetSocketAddress("127.0.0.1", port)));
      assertArrayEquals(k, next().payload());
    }
  }

  @Test
  void runsOnANamedThreadAndClosesPromptly() throws Exception {
    int port = freePort();
    UdpCapture c = new UdpCaptureSource().start(settings(Map.of("UDPSERV_PORT", "" + port)), sink);
    Thread t = Thread.getAllStackTraces().keySet().stream()
        .filter(x -> x.getName().equals("spa-capture-udp-" + port)).findFirst().orElse(null);
    Thread h = Thread.getAllStackTraces().keySet().stream()
        .filter(x -> x.getName().equals("spa-capture-udp-" + port + "-intake")).findFirst().orElse(null);
    assertNotNull(t, "capture thread");
    assertNotNull(h, "hand-off thread");
    long start = System.nanoTime();
    c.close();
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 1000, "close took too long");
    assertFalse(t.isAlive());
    assertFalse(h.isAlive());
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
      byte[] x = spaSized("x");
      byte[] o = spaSized("o");
      s.send(new DatagramPacket(x, x.length, new InetSocketAddress("127.0.0.1", port)));
      s.send(new DatagramPacket(o, o.length, new InetSocketAddress("127.0.0.1", port)));
      assertArrayEquals(o, next().payload());
    }
  }

  @Test
  void dropsDatagramsShorterThanAnSpaPacketAtOnce() throws Exception {
    int port = freePort();
    try (UdpCapture c = new UdpCaptureSource().start(settings(Map.of("UDPSERV_PORT", "" + port)), sink);
        DatagramSocket s = new DatagramSocket()) {
      assertEquals(port, c.localAddress().getPort());
      InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
      s.send(new DatagramPacket(new byte[139], 139, to));
      s.send(new DatagramPacket(new byte[0], 0, to));
      byte[] ok = spaSized("ok");
      s.send(new DatagramPacket(ok, ok.length, to));
      assertArrayEquals(ok, next().payload(), "the short ones never reach the sink");
      assertNull(received.poll());
      assertEquals(0, c.dropped(), "too short is not a drop: it could never have been a packet");
    }
  }

  /** A sink that does not return fills the ring; what the ring cannot hold is received, dropped and counted. */
  @Test
  void countsWhatAFullRingDropped() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger delivered = new java.util.concurrent.atomic.AtomicInteger();
    CaptureSource.Sink stuck = p -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      delivered.incrementAndGet();
    };
    java.nio.channels.DatagramChannel ch = java.nio.channels.DatagramChannel.open();
    ch.bind(new InetSocketAddress("127.0.0.1", 0));
    int port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
    int sent = 100;
    UdpCapture c = new UdpCapture(ch, port, KernelDrops.find(port), stuck, 8 * 1024); // a few records only
    try (DatagramSocket s = new DatagramSocket()) {
      byte[] p = spaSized("flood");
      for (int i = 0; i < sent; i++) {
        s.send(new DatagramPacket(p, p.length, new InetSocketAddress("127.0.0.1", port)));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (c.dropped() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      long dropped = c.dropped();
      release.countDown();
      while (delivered.get() + c.dropped() < sent && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertTrue(dropped > 0, "dropped " + dropped);
      assertEquals(sent, delivered.get() + c.dropped(), "each datagram delivered or counted");
    } finally {
      release.countDown();
      c.close();
    }
  }

  @Test
  void readsTheReceiveBufferSizeStrictly() throws Exception {
    assertEquals(32 << 20, UdpCaptureSource.receiveBuffer(Settings.empty()));
    assertEquals(4096, UdpCaptureSource.receiveBuffer(settings(Map.of("SPA_UDP_RECEIVE_BUFFER", " 4096 "))));
    for (String bad : new String[] {"4095", "1073741825", "32M", "", "-1"}) {
      ConfigException e = assertThrows(ConfigException.class,
          () -> UdpCaptureSource.receiveBuffer(settings(Map.of("SPA_UDP_RECEIVE_BUFFER", bad))));
      assertEquals("test.conf: SPA_UDP_RECEIVE_BUFFER: must be a number of bytes 4096..1073741824, not '" + bad + "'",
          e.toString());
    }
  }

  @Test
  void asksTheKernelForTheReceiveBufferAndSaysWhatItGranted() throws Exception {
    try (java.nio.channels.DatagramChannel ch = java.nio.channels.DatagramChannel.open()) {
      ch.bind(new InetSocketAddress("127.0.0.1", 0));
      assertEquals("receive buffer 65536 bytes", ReceiveBuffer.apply(ch, 65536, java.util.OptionalInt.empty()));
      assertEquals(65536, ch.getOption(java.net.StandardSocketOptions.SO_RCVBUF));
    }
  }

  /** Above net.core.rmem_max only root gets the size asked for; others are told why not. */
  @Test
  void aReceiveBufferAboveTheKernelsCapIsForcedAsRoot() throws Exception {
    Required.root();
    int huge = UdpCaptureSource.MAX_RECEIVE_BUFFER / 4; // 256 MiB: above any usual net.core.rmem_max
    try (java.nio.channels.DatagramChannel ch = java.nio.channels.DatagramChannel.open()) {
      ch.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = ((InetSocketAddress) ch.getLocalAddress()).getPort();
      String said = ReceiveBuffer.apply(ch, huge, KernelDrops.find(port).fd());
      assertEquals("receive buffer " + huge + " bytes (SO_RCVBUFFORCE)", said);
      assertEquals(huge, ch.getOption(java.net.StandardSocketOptions.SO_RCVBUF));
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
