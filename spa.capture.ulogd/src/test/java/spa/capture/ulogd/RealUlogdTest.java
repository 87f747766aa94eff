package spa.capture.ulogd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.test.support.Required;
import spa.core.Packet;
import spa.core.Settings;

/**
 * A real ulogd2 (Debian's ulogd2 + ulogd2-pcap) logs, through an nftables NFLOG rule, the SPA packets
 * that reach a server network namespace from a client namespace over a veth pair; the capture follows
 * the pcap file ulogd2 writes. Needs root; CI runs as root, where it must not skip.
 */
class RealUlogdTest {

  static final String SUFFIX = Long.toString(ProcessHandle.current().pid());
  static final String CLIENT_NS = "spaulogd-c" + SUFFIX;
  static final String SERVER_NS = "spaulogd-s" + SUFFIX;
  static final String CLIENT_IF = "spaulc" + SUFFIX;
  static final String SERVER_IF = "spauls" + SUFFIX;
  static final String CLIENT4 = "198.18.62.1";
  static final String SERVER4 = "198.18.62.2";
  static final String CLIENT6 = "fd00:62::1";
  static final String SERVER6 = "fd00:62::2";
  static final int NFLOG_GROUP = 62;
  /** Where Debian installs ulogd2's plugins (/usr/lib/<multiarch>/ulogd), or null. */
  static final Path PLUGINS = pluginDir();

  @TempDir
  static Path dir;
  static Process ulogd;
  static UlogdCapture capture;
  static final BlockingQueue<Packet> received = new LinkedBlockingQueue<>();
  /** Every payload sent to the logged port. */
  static final Set<String> SENT = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void setUp() throws Exception {
    Required.root();
    Required.programs("ulogd", "ip", "nft", "nc");
    Required.that(PLUGINS != null, "ulogd2-pcap (ulogd's pcap output plugin)");

    run("ip", "netns", "add", CLIENT_NS);
    run("ip", "netns", "add", SERVER_NS);
    run("ip", "-n", CLIENT_NS, "link", "add", CLIENT_IF, "type", "veth", "peer", "name", SERVER_IF, "netns",
        SERVER_NS);
    for (String[] side : new String[][] {{CLIENT_NS, CLIENT_IF, CLIENT4, CLIENT6}, {SERVER_NS, SERVER_IF, SERVER4,
        SERVER6}}) {
      run("ip", "-n", side[0], "addr", "add", side[2] + "/30", "dev", side[1]);
      run("ip", "-n", side[0], "addr", "add", side[3] + "/64", "dev", side[1], "nodad");
      run("ip", "-n", side[0], "link", "set", side[1], "up");
      run("ip", "-n", side[0], "link", "set", "lo", "up");
    }
    run("ip", "netns", "exec", SERVER_NS, "nft", "add", "table", "inet", "spaulogd");
    run("ip", "netns", "exec", SERVER_NS, "nft", "add chain inet spaulogd input { type filter hook input priority 0 ; }");
    run("ip", "netns", "exec", SERVER_NS, "nft", "add", "rule", "inet", "spaulogd", "input", "udp", "dport", "62201",
        "log", "group", Integer.toString(NFLOG_GROUP));

    Path pcap = dir.resolve("ulogd.pcap");
    String lib = PLUGINS + "/";
    Path conf = dir.resolve("ulogd.conf");
    Files.writeString(conf, String.join("\n",
        "[global]",
        "logfile=\"" + dir.resolve("ulogd.log") + "\"",
        "plugin=\"" + lib + "ulogd_inppkt_NFLOG.so\"",
        "plugin=\"" + lib + "ulogd_raw2packet_BASE.so\"",
        "plugin=\"" + lib + "ulogd_output_PCAP.so\"",
        "stack=log1:NFLOG,base1:BASE,pcap1:PCAP",
        "",
        "[log1]",
        "group=" + NFLOG_GROUP,
        "",
        "[pcap1]",
        "file=\"" + pcap + "\"",
        "sync=1",
        ""));
    capture = new UlogdCaptureSource().start(Settings.of(Map.of("ULOGD_PCAP_FILE", pcap.toString(),
        "ULOGD_POLL_MILLIS", "10"), "test"), received::add);
    ulogd = new ProcessBuilder("ip", "netns", "exec", SERVER_NS, "ulogd", "-c", conf.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("ulogd.out").toFile()).start();
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (capture != null) {
      capture.close();
    }
    if (ulogd != null) {
      ulogd.destroy();
      if (!ulogd.waitFor(5, TimeUnit.SECONDS)) {
        ulogd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    // deleting a namespace also deletes its end of the veth pair, and with it the other end
    for (String ns : new String[] {CLIENT_NS, SERVER_NS}) {
      if (Files.exists(Path.of("/run/netns", ns))) {
        runQuietly("ip", "netns", "del", ns);
      }
    }
  }

  @Test
  void deliversUdpPacketsThatUlogdLogsFromNflog() throws Exception {
    Packet v4 = sendUntilCaptured(CLIENT4, SERVER4, 40123, "spa-ulogd-v4-");
    assertEquals(InetAddress.getByName(CLIENT4), v4.src());
    assertEquals(40123, v4.srcPort());
    assertEquals(InetAddress.getByName(SERVER4), v4.dst());
    assertEquals(62201, v4.dstPort());
    assertEquals(Packet.UDP, v4.protocol());

    // a datagram the NFLOG rule does not match never reaches the file
    send(CLIENT4, SERVER4, 40125, 9, "not-logged");
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
    for (Packet p; (p = received.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS)) != null; ) {
      String got = new String(p.payload(), StandardCharsets.US_ASCII);
      assertTrue(SENT.contains(got), "captured a packet that was not logged: " + got);
    }

    Packet v6 = sendUntilCaptured(CLIENT6, SERVER6, 40124, "spa-ulogd-v6-");
    assertEquals(InetAddress.getByName(CLIENT6), v6.src());
    assertEquals(40124, v6.srcPort());
    assertEquals(InetAddress.getByName(SERVER6), v6.dst());
    assertEquals(62201, v6.dstPort());
  }

  /**
   * Sends numbered datagrams until one is captured (ulogd needs a moment to bind its NFLOG group, and
   * packets logged before that are lost); returns it after checking it is one that was sent.
   */
  private static Packet sendUntilCaptured(String from, String to, int srcPort, String prefix) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    for (int i = 0; System.nanoTime() < deadline; i++) {
      String payload = prefix + i;
      SENT.add(payload);
      send(from, to, srcPort, 62201, payload);
      Packet p;
      while ((p = received.poll(300, TimeUnit.MILLISECONDS)) != null) {
        String got = new String(p.payload(), StandardCharsets.US_ASCII);
        assertTrue(SENT.contains(got), "captured a packet that was not sent: " + got);
        if (got.startsWith(prefix)) {
          return p; // earlier ones of this prefix may still follow; later checks accept any sent payload
        }
      }
    }
    throw new AssertionError("ulogd logged nothing within 20 s; ulogd said: "
        + read(dir.resolve("ulogd.out")) + read(dir.resolve("ulogd.log")));
  }

  /** One datagram from the client namespace. */
  private static void send(String from, String to, int srcPort, int dstPort, String payload) throws Exception {
    Process nc = new ProcessBuilder("ip", "netns", "exec", CLIENT_NS, "nc", "-u", "-q0", "-p",
        Integer.toString(srcPort), "-s", from, to, Integer.toString(dstPort)).redirectErrorStream(true).start();
    nc.getOutputStream().write(payload.getBytes(StandardCharsets.US_ASCII));
    nc.getOutputStream().close();
    assertTrue(nc.waitFor(5, TimeUnit.SECONDS), "nc did not exit");
  }

  private static String read(Path p) throws IOException {
    return Files.exists(p) ? Files.readString(p) : "";
  }

  private static Path pluginDir() {
    try (var dirs = Files.list(Path.of("/usr/lib"))) {
      return dirs.map(d -> d.resolve("ulogd")).filter(d -> Files.exists(d.resolve("ulogd_output_PCAP.so")))
          .findFirst().orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), String.join(" ", cmd) + " hung");
    assertEquals(0, p.exitValue(), () -> String.join(" ", cmd) + ": " + out.strip());
  }

  private static void runQuietly(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor(20, TimeUnit.SECONDS);
    } catch (IOException | InterruptedException e) {
      System.err.println(String.join(" ", cmd) + ": " + e);
    }
  }
}
