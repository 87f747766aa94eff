package spa.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.client.Ciphers;
import spa.core.MessageType;
import spa.core.Settings;
import spa.core.SpaMessage;
import spa.core.codec.SpaCodec;

/** {@code spa} sending real packets to loopback listeners, decrypted here as a server would. */
class SendTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @TempDir
  Path home;

  private static SpaMessage open(String wire, String... keys) throws Exception {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < keys.length; i += 2) {
      m.put(keys[i], keys[i + 1]);
    }
    Settings stanza = Settings.of(m, "test stanza");
    String plaintext = Ciphers.installed().decryptor("aes").orElseThrow().forStanza(stanza).decrypt(wire);
    return SpaCodec.decode(plaintext);
  }

  @Test
  void dashSixSendsToTheServersIpv6Address() throws Exception {
    try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("::1"), 0))) {
      server.setSoTimeout(5000);
      CliHarness.Result r = new CliHarness(home).run("--no-rc-file", "-6", "-A", "tcp/22", "-a", "10.0.0.5",
          "-D", "::1", "-p", Integer.toString(server.getLocalPort()), "--key-rijndael", "fwknoptest");
      assertEquals(0, r.status(), r.err());
      DatagramPacket d = new DatagramPacket(new byte[2048], 2048);
      server.receive(d);
      String wire = new String(d.getData(), 0, d.getLength(), StandardCharsets.US_ASCII);
      assertEquals("10.0.0.5,tcp/22", open(wire, "KEY", "fwknoptest").message());
    }
  }

  @Test
  void udpPacketIsAcceptedByTheDecryptor() throws Exception {
    try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
      server.setSoTimeout(5000);
      CliHarness.Result r = new CliHarness(home).run("--no-rc-file", "-A", "tcp/22", "-a", "10.0.0.5",
          "-D", "127.0.0.1", "-p", Integer.toString(server.getLocalPort()), "--key-rijndael", "fwknoptest",
          "--key-hmac", "hmactest", "--hmac-digest-type", "sha512", "-f", "30");
      assertEquals(0, r.status(), r.err());
      assertEquals("", r.out());
      DatagramPacket d = new DatagramPacket(new byte[2048], 2048);
      server.receive(d);
      String wire = new String(d.getData(), 0, d.getLength(), StandardCharsets.US_ASCII);
      SpaMessage m = open(wire, "KEY", "fwknoptest", "HMAC_KEY", "hmactest", "HMAC_DIGEST_TYPE", "sha512");
      assertEquals("10.0.0.5,tcp/22", m.message());
      assertEquals(MessageType.CLIENT_TIMEOUT_ACCESS, m.type());
      assertEquals(30, m.clientTimeout());
      assertEquals("alice", m.user());
      assertEquals(CliHarness.NOW, m.timestamp());
    }
  }

  @Test
  void tcpAndSavedPacketAreTheSame() throws Exception {
    Path saved = home.resolve("packet.txt");
    try (ServerSocket server = new ServerSocket(0, 5, LOOPBACK)) {
      server.setSoTimeout(5000);
      CliHarness.Result r = new CliHarness(home).run("--no-rc-file", "-C", "echo hi", "-a", "10.0.0.5",
          "-D", "127.0.0.1", "-P", "tcp", "-p", Integer.toString(server.getLocalPort()), "--key-rijndael", "k1",
          "-M", "cfb", "-B", saved.toString(), "-v");
      assertEquals(0, r.status(), r.err());
      assertTrue(r.out().contains("            protocol: tcp\n"), r.out());
      try (Socket s = server.accept()) {
        String wire = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertEquals(wire + "\n", Files.readString(saved));
        assertTrue(r.out().contains("bytes sent: " + wire.length() + "\n"), r.out());
        SpaMessage m = open(wire, "KEY", "k1", "ENCRYPTION_MODE", "cfb");
        assertEquals(MessageType.COMMAND, m.type());
        assertEquals("echo hi", m.command());
      }
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(saved)));
    }
  }

  @Test
  void httpRequestCarriesTheTranslatedPacket() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, LOOPBACK)) {
      server.setSoTimeout(5000);
      CliHarness.Result r = new CliHarness(home).run("--no-rc-file", "-A", "udp/53", "-a", "10.0.0.5",
          "-D", "127.0.0.1", "-P", "http", "-p", Integer.toString(server.getLocalPort()), "--key-rijndael", "k1",
          "-u", "Test/1");
      assertEquals(0, r.status(), r.err());
      try (Socket s = server.accept()) {
        String req = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(req.startsWith("GET /"), req);
        assertTrue(req.endsWith(" HTTP/1.0\r\nUser-Agent: Test/1\r\nAccept: */*\r\nHost: 127.0.0.1\r\n"
            + "Connection: close\r\n\r\n"), req);
        String wire = req.substring(5, req.indexOf(' ', 5)).replace('-', '+').replace('_', '/');
        assertEquals("10.0.0.5,udp/53", open(wire, "KEY", "k1").message());
      }
    }
  }

  @Test
  void resolvedAddressGoesIntoThePacket() throws Exception {
    HttpServer http = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
    http.createContext("/ip", ex -> {
      byte[] b = "198.51.100.23\n".getBytes(StandardCharsets.US_ASCII);
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    http.start();
    try {
      String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/ip";
      CliHarness.Result r = new CliHarness(home).run("--no-rc-file", "-A", "tcp/22", "-R", "--resolve-url", url,
          "--key-rijndael", "k", "-T", "-v");
      assertEquals(0, r.status(), r.err());
      assertTrue(r.out().contains(" Message String: 198.51.100.23,tcp/22\n"), r.out());
      assertTrue(r.out().contains("Resolved external IP (via " + url + ") as: 198.51.100.23\n"), r.out());
      CliHarness.Result implied = new CliHarness(home).run("--no-rc-file", "-A", "tcp/22", "--resolve-url", url,
          "--key-rijndael", "k", "-T");
      assertTrue(implied.out().contains(" Message String: 198.51.100.23,tcp/22\n"), implied.err());
    } finally {
      http.stop(0);
    }
  }

  @Test
  void saveAppendAddsOneLinePerPacket() throws Exception {
    Path saved = home.resolve("packets");
    CliHarness h = new CliHarness(home);
    String[] args = {"--no-rc-file", "-A", "tcp/22", "-a", "10.0.0.5", "--key-rijndael", "k", "-T", "-B",
        saved.toString(), "-b"};
    assertEquals(0, h.run(args).status());
    assertEquals(0, h.run(args).status());
    List<String> lines = Files.readAllLines(saved);
    assertEquals(2, lines.size());
    for (String wire : lines) {
      assertEquals("10.0.0.5,tcp/22", open(wire, "KEY", "k").message());
    }
    String[] overwrite = {"--no-rc-file", "-A", "tcp/22", "-a", "10.0.0.5", "--key-rijndael", "k", "-T", "-B",
        saved.toString()};
    assertEquals(0, h.run(overwrite).status());
    assertEquals(1, Files.readAllLines(saved).size());
  }
}
