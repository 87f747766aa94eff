package spa.capture.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import spa.test.support.Required;
import spa.core.ConfigException;
import spa.core.Packet;
import spa.core.Settings;
import spa.core.spi.CaptureSource;

/** Live capture on the loopback interface; needs root (CI runs as root, where these must not skip). */
class LiveCaptureTest {

  private final BlockingQueue<Packet> received = new LinkedBlockingQueue<>();

  @BeforeAll
  static void needsRoot() {
    Required.root();
  }

  static int freeUdpPort() throws IOException {
    try (DatagramSocket s = new DatagramSocket(0)) {
      return s.getLocalPort();
    }
  }

  static Settings lo(String filter, Map<String, String> extra) {
    Map<String, String> m = new HashMap<>(extra);
    m.put("PCAP_INTF", "lo");
    m.put("PCAP_FILTER", filter);
    return Settings.of(m, "fwknopd.conf");
  }

  /** Packets arriving within {@code millis} after the last one, up to {@code max}. */
  private List<Packet> collect(int expected, long settleMillis) throws InterruptedException {
    List<Packet> got = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (got.size() < expected && System.nanoTime() < deadline) {
      Packet p = received.poll(100, TimeUnit.MILLISECONDS);
      if (p != null) {
        got.add(p);
      }
    }
    Packet extra;
    while ((extra = received.poll(settleMillis, TimeUnit.MILLISECONDS)) != null) {
      got.add(extra);
    }
    return got;
  }

  private int sendPairs(int port) throws IOException {
    try (DatagramSocket rx4 = new DatagramSocket(new InetSocketAddress("127.0.0.1", port));
        DatagramSocket rx6 = new DatagramSocket(new InetSocketAddress("::1", port));
        DatagramSocket v4 = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        DatagramSocket v6 = new DatagramSocket(new InetSocketAddress("::1", 0))) {
      for (int i = 0; i < 3; i++) {
        byte[] a = ("live-v4-" + i).getBytes(StandardCharsets.US_ASCII);
        byte[] b = ("live-v6-" + i).getBytes(StandardCharsets.US_ASCII);
        v4.send(new DatagramPacket(a, a.length, new InetSocketAddress("127.0.0.1", port)));
        v6.send(new DatagramPacket(b, b.length, new InetSocketAddress("::1", port)));
      }
      assertTrue(rx4.isBound() && rx6.isBound());
      return v4.getLocalPort() << 16 | v6.getLocalPort();
    }
  }

  @Test
  void capturesInboundUdpOnLoopbackOncePerDatagram() throws Exception {
    int port = freeUdpPort();
    Instant before = Instant.now();
    try (CaptureSource.Capture cap = new PcapCaptureSource().start(lo("udp dst port " + port, Map.of()),
        received::add)) {
      assertInstanceOf(LiveCapture.class, cap);
      int srcPorts = sendPairs(port);
      List<Packet> got = collect(6, 300);
      assertEquals(6, got.size(), "each datagram once: " + got);
      for (int i = 0; i < 3; i++) {
        Packet a = find(got, "live-v4-" + i);
        assertEquals(InetAddress.getByName("127.0.0.1"), a.src());
        assertEquals(InetAddress.getByName("127.0.0.1"), a.dst());
        assertEquals(srcPorts >>> 16, a.srcPort());
        assertEquals(port, a.dstPort());
        assertEquals(Packet.UDP, a.protocol());
        assertFalse(a.arrival().isBefore(before.minusSeconds(1)));
        Packet b = find(got, "live-v6-" + i);
        assertEquals(InetAddress.getByName("::1"), b.src());
        assertEquals(InetAddress.getByName("::1"), b.dst());
        assertEquals(srcPorts & 0xffff, b.srcPort());
      }
      assertTrue(cap.dropped() >= 0);
      assertEquals(6, ((LiveCapture) cap).decoder().decoded());
    }
  }

  @Test
  void anyDirectionOnLoopbackStillSeesEachDatagramOnce() throws Exception {
    // libpcap drops the outgoing copy of loopback traffic itself, so lo shows each packet once either way
    int port = freeUdpPort();
    try (CaptureSource.Capture cap = new PcapCaptureSource().start(
        lo("udp dst port " + port, Map.of("ENABLE_PCAP_ANY_DIRECTION", "Y", "ENABLE_PCAP_PROMISC", "Y")),
        received::add)) {
      sendPairs(port);
      assertEquals(6, collect(6, 300).size());
      assertNotNull(cap);
    }
  }

  @Test
  void capturesOnTheAnyPseudoInterfaceWithCookedHeaders() throws Exception {
    int port = freeUdpPort();
    Map<String, String> m = new HashMap<>();
    m.put("PCAP_INTF", "any");
    m.put("PCAP_FILTER", "udp dst port " + port);
    try (CaptureSource.Capture cap = new PcapCaptureSource().start(Settings.of(m, "fwknopd.conf"), received::add)) {
      sendPairs(port);
      List<Packet> got = collect(6, 300);
      assertEquals(6, got.size(), "each datagram once: " + got);
      assertEquals(InetAddress.getByName("127.0.0.1"), find(got, "live-v4-1").dst());
      assertEquals(InetAddress.getByName("::1"), find(got, "live-v6-2").src());
      assertEquals(0, ((LiveCapture) cap).decoder().malformed());
    }
  }

  @Test
  void deliversThePayloadOfTcpSegments() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = server.getLocalPort();
      try (CaptureSource.Capture cap = new PcapCaptureSource().start(lo("tcp dst port " + port, Map.of()),
          received::add);
          Socket client = new Socket("127.0.0.1", port);
          Socket accepted = server.accept()) {
        OutputStream out = client.getOutputStream();
        out.write("tcp-spa-payload".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        assertEquals('t', accepted.getInputStream().read());
        Packet data = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (data == null && System.nanoTime() < deadline) {
          Packet p = received.poll(100, TimeUnit.MILLISECONDS);
          if (p != null && p.payload().length > 0) {
            data = p;
          }
        }
        assertNotNull(data, "no data segment captured");
        assertEquals(Packet.TCP, data.protocol());
        assertEquals(client.getLocalPort(), data.srcPort());
        assertEquals(port, data.dstPort());
        assertArrayEquals("tcp-spa-payload".getBytes(StandardCharsets.US_ASCII), data.payload());
        assertNotNull(cap);
      }
    }
  }

  @Test
  void closesPromptly() throws Exception {
    CaptureSource.Capture cap = new PcapCaptureSource().start(lo("udp port 9", Map.of()), received::add);
    Thread t = Thread.getAllStackTraces().keySet().stream().filter(x -> x.getName().equals("spa-capture-pcap-lo"))
        .findFirst().orElse(null);
    assertNotNull(t);
    Thread.sleep(150); // let it block inside libpcap
    long start = System.nanoTime();
    cap.close();
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 1000, "close() took too long");
    assertFalse(t.isAlive());
    cap.close();
  }

  @Test
  void reportsBadInterfaceAndFilterInOneLine() {
    PcapCaptureSource src = new PcapCaptureSource();
    ConfigException intf = assertThrows(ConfigException.class,
        () -> src.start(Settings.of(Map.of("PCAP_INTF", "spanosuch0"), "fwknopd.conf"), received::add));
    assertEquals("fwknopd.conf: PCAP_INTF: no such network interface 'spanosuch0'", intf.toString());
    ConfigException filter = assertThrows(ConfigException.class,
        () -> src.start(lo("udp port 62201 and", Map.of()), received::add));
    assertEquals("PCAP_FILTER", filter.key());
    assertFalse(filter.toString().contains("\n"));
    assertTrue(Arrays.stream(Thread.getAllStackTraces().keySet().toArray(Thread[]::new))
        .noneMatch(t -> t.getName().equals("spa-capture-pcap-lo") && t.isAlive()));
  }

  private static Packet find(List<Packet> got, String payload) {
    byte[] want = payload.getBytes(StandardCharsets.US_ASCII);
    return got.stream().filter(p -> Arrays.equals(want, p.payload())).findFirst()
        .orElseThrow(() -> new AssertionError("not captured: " + payload));
  }
}
