package spa.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.server.testkit.TestKit.access;
import static spa.server.testkit.TestKit.now;
import static spa.server.testkit.TestKit.spad;
import static spa.server.testkit.TestKit.udp;
import static spa.server.testkit.TestKit.wire;

import com.typesafe.config.Config;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.Packet;
import spa.core.codec.Base64s;
import spa.server.testkit.TestKit;

class SpadCommandTest {
  @TempDir
  Path dir;

  private Path conf;
  private Path access;

  private void files(String server, String accessConf) throws Exception {
    conf = dir.resolve("fwknopd.conf");
    access = dir.resolve("access.conf");
    Files.writeString(conf, server);
    Files.writeString(access, accessConf);
    for (Path p : List.of(conf, access)) { // owner-only, so stderr holds only the line under test
      Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
  }

  private static final String ACCESS = "SOURCE ANY\nREQUIRE_SOURCE_ADDRESS Y\nKEY_BASE64 " + Base64s.encode(TestKit.KEY.getBytes(StandardCharsets.US_ASCII))
      + "\nHMAC_KEY_BASE64 " + Base64s.encode(TestKit.HMAC.getBytes(StandardCharsets.US_ASCII)) + "\nFW_ACCESS_TIMEOUT 30\n";

  @Test
  void versionHelpAndUsageErrors() {
    TestKit.Run v = spad("-V");
    assertEquals(0, v.status());
    assertTrue(v.out().startsWith("spad 0.1.0"), v.out());
    TestKit.Run h = spad("-h");
    assertEquals(0, h.status());
    assertTrue(h.out().contains("--pcap-file") && h.out().contains("--list-plugins"), h.out());
    TestKit.Run bad = spad("--no-such-option");
    assertEquals(2, bad.status());
    assertTrue(bad.err().startsWith("spad: Unknown option: '--no-such-option'"), bad.err());
    assertEquals(1, bad.err().lines().count(), "one line, no usage: " + bad.err());
    TestKit.Run syslog = spad("--syslog-enable", "-D");
    assertEquals(2, syslog.status());
    assertEquals(1, syslog.err().lines().count(), syslog.err());
    TestKit.Run fmt = spad("--log-format", "xml", "-D");
    assertEquals(2, fmt.status());
    assertEquals(1, fmt.err().lines().count(), fmt.err());
  }

  @Test
  void badConfigurationIsOneLineNamingFileLineAndKey() throws Exception {
    files("MAX_SPA_PACKET_AGE 60\n", "SOURCE 198.18.0.0/15\nKEY k\nOPEN_PORTS tcp/99999\n");
    TestKit.Run r = spad("-c", conf.toString(), "-a", access.toString(), "-t", "--pcap-file", "/nonexistent.pcap");
    assertEquals(1, r.status());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("spad: " + access + ":3: OPEN_PORTS: "), r.err());
    assertEquals("", r.events());
  }

  @Test
  void dumpConfigMasksSecretsAndExitParseConfigChecks() throws Exception {
    files("PCAP_INTF eth3\n", ACCESS);
    TestKit.Run d = spad("-c", conf.toString(), "-a", access.toString(), "-D");
    assertEquals(0, d.status(), d.err());
    assertTrue(d.out().contains("eth3"));
    assertFalse(d.out().contains(Base64s.encode(TestKit.KEY.getBytes(StandardCharsets.US_ASCII))), d.out());
    assertTrue(d.out().contains("KEY_BASE64") && d.out().contains("********"), d.out());
    TestKit.Run p = spad("-c", conf.toString(), "-a", access.toString(), "--exit-parse-config");
    assertEquals(0, p.status(), p.err());
    assertTrue(p.out().contains("1 access stanzas"), p.out());
  }

  @Test
  void packetLimitInFwknopdsRangeAndVerboseSaysWhichIncludeWasRead() throws Exception {
    Path inner = dir.resolve("inner.conf");
    Files.writeString(inner, ACCESS);
    Files.setPosixFilePermissions(inner, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    files("", "%include inner.conf\n");
    TestKit.Run big = spad("-c", conf.toString(), "-a", access.toString(), "--exit-parse-config", "-C", "2147483648");
    assertEquals(2, big.status());
    assertTrue(big.err().contains("'2147483648' is not a number of packets (0..2147483647)"), big.err());
    TestKit.Run v = spad("-c", conf.toString(), "-a", access.toString(), "--exit-parse-config", "-C", "2147483647", "-v");
    assertEquals(0, v.status(), v.err());
    assertTrue(v.err().contains("spad: " + access + ":1: %include inner.conf: read " + inner
        + " (relative to access.conf's directory; not found in the working directory)"), v.err());
    TestKit.Run quiet = spad("-c", conf.toString(), "-a", access.toString(), "--exit-parse-config");
    assertFalse(quiet.err().contains("inner.conf"), quiet.err());
  }

  @Test
  void exitParseConfigChecksWhatStartUpChecks() throws Exception {
    files("SPA_WORKERS abc\n", ACCESS);
    TestKit.Run workers = spad("-c", conf.toString(), "-a", access.toString(), "--exit-parse-config");
    assertEquals(1, workers.status());
    assertEquals("spad: " + conf + ":1: SPA_WORKERS: 'abc' is not a whole number", workers.err().strip());
    files("SPA_WORKERS 20000\n", ACCESS);
    TestKit.Run absurd = spad("-c", conf.toString(), "-a", access.toString(), "-t", "--pcap-file", "/nonexistent.pcap");
    assertEquals(1, absurd.status());
    assertEquals("spad: " + conf + ":1: SPA_WORKERS: 20000 is outside 0..256", absurd.err().strip());

    files("", ACCESS);
    for (String[] o : new String[][] {{"--capture", "nosuch", "no capture plugin named 'nosuch' is installed (found: ["},
        {"--firewall", "nosuch", "no firewall plugin named 'nosuch' is installed (found: "}}) {
      for (String mode : List.of("--exit-parse-config", "-t")) {
        TestKit.Run r = spad("-c", conf.toString(), "-a", access.toString(), mode, o[0], o[1]);
        assertEquals(1, r.status(), mode + " " + o[0] + ": " + r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("spad: " + o[2]), r.err());
      }
    }
    TestKit.Run ok = spad("-c", conf.toString(), "-a", access.toString(), "--exit-parse-config", "--capture", "udp",
        "--firewall", "none");
    assertEquals(0, ok.status(), ok.err());
  }

  @Test
  void listPluginsShowsWhatWasFoundWhere() throws Exception {
    TestKit.Run r = spad("--list-plugins");
    assertEquals(0, r.status(), r.out() + r.err());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("aes\\s+Decryptor\\s+spa\\.cipher\\.aes\\s+\\S+\\s+/\\S+")), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("pcap\\s+CaptureSource\\s+spa\\.capture\\.pcap\\s+\\S+\\s+/\\S+")), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("udp\\s+CaptureSource\\s+spa\\.capture\\.udp\\s+\\S+\\s+/\\S+")), r.out());
  }

  @Test
  void testModeOverAPcapFileEmitsOneEventPerDecision() throws Exception {
    files("", ACCESS + "OPEN_PORTS tcp/22, tcp/443\n");
    List<Packet> ps = new ArrayList<>();
    var enc = TestKit.defaultEncryptor();
    Packet good = udp("198.18.0.10", "198.18.0.1", wire(enc, access("alice", "10.0.0.5", "tcp/22", now()).build()));
    ps.add(good);
    ps.add(udp("198.18.0.11", "198.18.0.1", wire(enc, access("bob", "10.0.0.6", "tcp/443", now()).clientTimeout(90).build())));
    ps.add(udp("198.18.0.12", "198.18.0.1", wire(enc, access("carol", "10.0.0.7", "tcp/80", now()).build())));
    byte[] junk = new byte[150];
    new Random(5).nextBytes(junk);
    ps.add(udp("198.18.0.13", "198.18.0.1", Base64s.encode(junk)));
    ps.add(udp("198.18.0.14", "198.18.0.1", "too short"));
    ps.add(good);
    ps.add(udp("198.18.0.15", "198.18.0.1", wire(enc, access("dave", "10.0.0.8", "tcp/22", now()).build())));
    Path pcap = dir.resolve("in.pcap");
    TestKit.writePcap(pcap, ps);
    Path digest = dir.resolve("digest.cache");
    TestKit.Run r = spad("-t", "--pcap-file", pcap.toString(), "-C", "6", "-c", conf.toString(), "-a",
        access.toString(), "--log-format", "json", "-d", digest.toString());
    assertEquals(0, r.status(), r.err());
    List<Config> ev = r.json();
    assertEquals(5, ev.size(), r.events());
    Config alice = ev.stream().filter(c -> c.getString("event").equals("accept") && c.getString("user").equals("alice"))
        .findFirst().orElseThrow();
    assertEquals("10.0.0.5", alice.getString("allow"));
    assertEquals(List.of("tcp/22"), alice.getStringList("access"));
    assertEquals(30, alice.getInt("timeout"));
    Config bob = ev.stream().filter(c -> c.hasPath("user") && c.getString("user").equals("bob")).findFirst().orElseThrow();
    assertEquals(90, bob.getInt("timeout"));
    Config carol = ev.stream().filter(c -> c.hasPath("user") && c.getString("user").equals("carol")).findFirst().orElseThrow();
    assertEquals("deny", carol.getString("event"));
    assertEquals("port", carol.getString("reason"));
    assertEquals(1, ev.stream().filter(c -> c.getString("event").equals("replay")).count());
    assertEquals(1, ev.stream().filter(c -> c.hasPath("reason") && c.getString("reason").equals("auth")).count());
    assertTrue(ev.stream().noneMatch(c -> c.hasPath("user") && c.getString("user").equals("dave")), "-C 6 stops before the 7th");
    assertFalse(Files.exists(digest), "test mode writes no replay cache");
  }

  @Test
  void aReplayFileOfRandomBytesStopsStartUpInOneLineNamingTheWayOut() throws Exception {
    files("", ACCESS);
    Path pcap = dir.resolve("in.pcap");
    TestKit.writePcap(pcap, List.of(udp("198.18.0.13", "198.18.0.1", "too short")));
    Path digest = dir.resolve("digest.cache");
    byte[] junk = new byte[64 << 10];
    new Random(9).nextBytes(junk);
    Files.write(digest, junk);
    TestKit.Run r = spad("-t", "--pcap-file", pcap.toString(), "-c", conf.toString(), "-a", access.toString(),
        "-d", digest.toString());
    assertEquals(1, r.status(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(r.err().startsWith("spad: replay cache " + digest + ": neither fwknop digest.cache lines"), r.err());
    assertTrue(r.err().contains("--rotate-digest-cache"), r.err());
    assertEquals("", r.events());
  }

  @Test
  void aSymbolicLinkForTheReplayFileStopsStartUpInOneLineNamingIt() throws Exception {
    files("", ACCESS);
    Path pcap = dir.resolve("in.pcap");
    TestKit.writePcap(pcap, List.of(udp("198.18.0.13", "198.18.0.1", "too short")));
    Path digest = Files.createSymbolicLink(dir.resolve("digest.cache"), dir.resolve("elsewhere"));
    TestKit.Run r = spad("-t", "--pcap-file", pcap.toString(), "-c", conf.toString(), "-a", access.toString(),
        "-d", digest.toString());
    assertEquals(1, r.status(), r.err());
    assertEquals("spad: replay cache " + digest + ": is a symbolic link, which spad does not follow for a replay"
        + " file (make it a regular file)\n", r.err());
    assertFalse(Files.exists(dir.resolve("elsewhere")));
  }

  /** An fwknopd digest.cache of {@code others} records and, last, one for the packet {@code seen} from 198.18.0.10. */
  private static String fwknopCache(int others, String seen) throws Exception {
    StringBuilder cache = new StringBuilder("# <digest> <proto> <src_ip> <src_port> <dst_ip> <dst_port> <time>\n");
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    long t = now() / 1000;
    for (int i = 0; i < others; i++) {
      cache.append(Base64s.encode(sha.digest(("other " + i).getBytes(StandardCharsets.US_ASCII))))
          .append(" 17 198.18.0.9 40000 198.18.0.1 62201 ").append(t).append('\n');
    }
    cache.append(Base64s.encode(sha.digest(seen.getBytes(StandardCharsets.US_ASCII))))
        .append(" 17 198.18.0.10 40000 198.18.0.1 62201 ").append(t).append('\n');
    return cache.toString();
  }

  @Test
  void testModeFindsReplaysInALargeRecordedCache() throws Exception {
    files("", ACCESS);
    var enc = TestKit.defaultEncryptor();
    String seen = wire(enc, access("alice", "10.0.0.5", "tcp/22", now()).build());
    String fresh = wire(enc, access("bob", "10.0.0.6", "tcp/22", now()).build());
    // a large cache (read while the rest of start-up proceeds) whose last record is the first packet's
    String cache = fwknopCache(150_000, seen);
    Path digest = dir.resolve("digest.cache");
    Files.writeString(digest, cache);
    byte[] junk = new byte[150];
    new Random(9).nextBytes(junk);
    Path pcap = dir.resolve("in.pcap");
    TestKit.writePcap(pcap, List.of(udp("198.18.0.13", "198.18.0.1", Base64s.encode(junk)),
        udp("198.18.0.10", "198.18.0.1", seen), udp("198.18.0.11", "198.18.0.1", fresh)));
    TestKit.Run r = spad("-t", "--pcap-file", pcap.toString(), "-C", "3", "-c", conf.toString(), "-a",
        access.toString(), "--log-format", "json", "-d", digest.toString());
    assertEquals(0, r.status(), r.err());
    List<Config> ev = r.json();
    assertEquals(3, ev.size(), r.events());
    assertEquals(List.of("accept", "deny", "replay"), ev.stream().map(c -> c.getString("event")).sorted().toList());
    assertEquals("198.18.0.10", ev.stream().filter(c -> c.getString("event").equals("replay")).findFirst()
        .orElseThrow().getString("src"));

    // a cache that cannot be read fails the run, and nothing is accepted
    Path unreadable = dir.resolve("a-directory");
    Files.createDirectory(unreadable);
    TestKit.Run bad = spad("-t", "--pcap-file", pcap.toString(), "-C", "3", "-c", conf.toString(), "-a",
        access.toString(), "--log-format", "json", "-d", unreadable.toString());
    assertEquals(1, bad.status(), bad.err());
    assertTrue(bad.err().contains("spad: replay cache " + unreadable), bad.err());
    assertTrue(bad.json().stream().noneMatch(c -> c.getString("event").equals("accept")), bad.events());
  }

  @Test
  void importsAnFwknopdCacheCompactsItAndKeepsNewRecordsAcrossARestart() throws Exception {
    var enc = TestKit.defaultEncryptor();
    String seen = wire(enc, access("alice", "10.0.0.5", "tcp/22", now()).build());
    String fresh = wire(enc, access("bob", "10.0.0.6", "tcp/22", now()).build());
    String cache = fwknopCache(30_000, seen);
    Path fwknop = dir.resolve("fwknop/digest.cache");
    Files.createDirectories(fwknop.getParent());
    Files.writeString(fwknop, cache);
    files("DIGEST_MIGRATE_FROM " + fwknop + "\n", ACCESS);
    Path digest = dir.resolve("state/digest.cache");
    Path pcap = dir.resolve("in.pcap");
    TestKit.writePcap(pcap, List.of(udp("198.18.0.10", "198.18.0.1", seen), udp("198.18.0.11", "198.18.0.1", fresh)));
    TestKit.Run r = spad("-v", "--pcap-file", pcap.toString(), "-C", "2", "-c", conf.toString(), "-a", access.toString(),
        "-r", dir.resolve("run").toString(), "-d", digest.toString(), "--firewall", "none", "--log-format", "json");
    assertEquals(0, r.status(), r.err());
    assertEquals(List.of("accept", "replay"), r.json().stream().map(c -> c.getString("event")).sorted().toList());
    assertTrue(r.err().contains("imported fwknop's " + fwknop), r.err());
    assertEquals(cache, Files.readString(fwknop), "fwknopd's file is left as it was");
    byte[] kept = Files.readAllBytes(digest);
    assertEquals("SPA-RPL1", new String(kept, 0, 8, StandardCharsets.ISO_8859_1), "so many lines were compacted");

    // after a restart, both packets are replays: one from the image, one from the line appended after it
    TestKit.Run again = spad("-t", "--pcap-file", pcap.toString(), "-C", "2", "-c", conf.toString(), "-a",
        access.toString(), "-d", digest.toString(), "--log-format", "json");
    assertEquals(0, again.status(), again.err());
    assertEquals(List.of("replay", "replay"), again.json().stream().map(c -> c.getString("event")).toList());
  }

  @Test
  void aLiveDaemonReloadsReportsStatusAndStops() throws Exception {
    int port;
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    files("UDPSERV_PORT " + port + "\nSPA_UDP_BIND_ADDRESS 127.0.0.1\n", ACCESS);
    Path run = dir.resolve("run");
    Path digest = dir.resolve("state/digest.cache");
    ManualHooks hooks = new ManualHooks();
    AtomicReference<TestKit.Run> result = new AtomicReference<>();
    Thread t = new Thread(() -> result.set(spad(hooks, "-f", "-U", "-c", conf.toString(), "-a", access.toString(),
        "-r", run.toString(), "-d", digest.toString(), "--firewall", "none", "--log-format", "json")));
    t.start();
    assertTrue(hooks.awaitRunning(20_000), "daemon did not start");
    assertTrue(Files.exists(run.resolve("spad.pid")));
    TestKit.Run status = spad("-S", "-r", run.toString(), "-c", conf.toString());
    assertEquals(0, status.status(), status.out() + status.err());
    assertTrue(status.out().contains("spad is running (pid " + ProcessHandle.current().pid() + ")"), status.out());
    // a second spad stops at the pid file before it opens the running one's replay file, which it would tidy
    Files.writeString(digest, "not a record\n", java.nio.file.StandardOpenOption.APPEND);
    Object inode = Files.getAttribute(digest, "unix:ino");
    TestKit.Run second = spad("-f", "-U", "-c", conf.toString(), "-a", access.toString(), "-r", run.toString(),
        "-d", digest.toString(), "--firewall", "none");
    assertEquals(1, second.status());
    assertTrue(second.err().contains("another spad holds"), second.err());
    assertEquals(inode, Files.getAttribute(digest, "unix:ino"));
    assertTrue(Files.readString(digest).endsWith("not a record\n"));

    byte[] payload = wire(TestKit.defaultEncryptor(), access("alice", "10.0.0.5", "tcp/22", now()).build())
        .getBytes(StandardCharsets.US_ASCII);
    try (DatagramSocket s = new DatagramSocket()) {
      s.send(new DatagramPacket(payload, payload.length, InetAddress.getLoopbackAddress(), port));
    }
    long deadline = System.currentTimeMillis() + 10_000;
    while (!Files.readString(digest).contains(" 17 127.0.0.1 ") && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(Files.readString(digest).contains(" 17 127.0.0.1 "), "replay record persisted within a second");

    Files.writeString(access, ACCESS + "OPEN_PORTS tcp/99999\n");
    TestKit.Run badReload = spad("-R", "-r", run.toString(), "-c", conf.toString());
    assertEquals(1, badReload.status());
    assertTrue(badReload.out().contains("OPEN_PORTS"), badReload.out());
    Files.writeString(access, ACCESS + "OPEN_PORTS tcp/443\n");
    TestKit.Run reload = spad("-R", "-r", run.toString(), "-c", conf.toString());
    assertEquals(0, reload.status(), reload.out() + reload.err());
    byte[] second22 = wire(TestKit.defaultEncryptor(), access("alice", "10.0.0.5", "tcp/22", now()).build())
        .getBytes(StandardCharsets.US_ASCII);
    try (DatagramSocket s = new DatagramSocket()) {
      s.send(new DatagramPacket(second22, second22.length, InetAddress.getLoopbackAddress(), port));
      s.send(new DatagramPacket(payload, payload.length, InetAddress.getLoopbackAddress(), port));
    }
    // both packets decided before the stop
    long decided = System.currentTimeMillis() + 10_000;
    String counts = "";
    while (!(counts.contains("replays=1") && counts.contains("port=1")) && System.currentTimeMillis() < decided) {
      Thread.sleep(20);
      counts = spad("-S", "-r", run.toString(), "-c", conf.toString()).out();
    }
    hooks.stop();
    t.join(20_000);
    TestKit.Run r = result.get();
    assertEquals(0, r.status(), r.err());
    List<String> events = r.json().stream().map(c -> c.getString("event") + (c.hasPath("reason") ? ":" + c.getString("reason") : "")).sorted().toList();
    assertEquals(List.of("accept", "deny:port", "error:reload", "replay:replay"), events, r.events());
    assertFalse(Files.exists(run.resolve("spad.pid")), "pid file removed at exit");
    assertEquals(1, spad("-S", "-r", run.toString(), "-c", conf.toString()).status());
  }
}
