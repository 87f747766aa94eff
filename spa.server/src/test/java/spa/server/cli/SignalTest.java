package spa.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.server.testkit.TestKit.access;
import static spa.server.testkit.TestKit.now;
import static spa.server.testkit.TestKit.wire;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.server.testkit.TestKit;

/**
 * spad as its own process: SIGHUP reloads, SIGTERM stops cleanly (events flushed, pid file removed); started
 * with SIGHUP ignored, it says so and how to reload instead.
 */
class SignalTest {
  @TempDir
  Path dir;

  private static String line(BlockingQueue<String> q, String contains) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    List<String> seen = new ArrayList<>();
    while (System.currentTimeMillis() < deadline) {
      String l = q.poll(200, TimeUnit.MILLISECONDS);
      if (l != null && l.contains(contains)) {
        return l;
      }
      if (l != null) {
        seen.add(l);
      }
    }
    throw new AssertionError("no line containing " + contains + "; saw " + seen);
  }

  private static Thread pump(java.io.InputStream in, BlockingQueue<String> q) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          q.add(l);
        }
      } catch (java.io.IOException e) {
        // process ended
      }
    });
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void send(int port, String payload) throws Exception {
    byte[] b = payload.getBytes(StandardCharsets.US_ASCII);
    try (DatagramSocket s = new DatagramSocket()) {
      s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
    }
  }

  private int port;
  private Path acc;
  private Path run;
  private String stanza;

  /** The command that starts spad in the foreground on a free loopback port, with one stanza. */
  private List<String> spad() throws Exception {
    try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Path conf = dir.resolve("fwknopd.conf");
    acc = dir.resolve("access.conf");
    run = dir.resolve("run");
    Files.writeString(conf, "UDPSERV_PORT " + port + "\nSPA_UDP_BIND_ADDRESS 127.0.0.1\n");
    stanza = "SOURCE ANY\nKEY " + TestKit.KEY + "\nHMAC_KEY " + TestKit.HMAC + "\n";
    Files.writeString(acc, stanza);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "--module-path", System.getProperty("jdk.module.path"),
        "--enable-native-access=spa.server,com.sun.jna", "-m", "spa.server/spa.server.cli.SpadCommand", "-f", "-v", "-U",
        "-c", conf.toString(), "-a", acc.toString(), "-r", run.toString(), "-d", dir.resolve("digest.cache").toString(),
        "--firewall", "none", "--log-format", "json"));
    return cmd;
  }

  @Test
  void hupReloadsAndTermStopsCleanly() throws Exception {
    // the signals as a service manager leaves them, even when this suite runs under nohup
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/env", "--default-signal=HUP,TERM,INT"));
    cmd.addAll(spad());
    Process p = new ProcessBuilder(cmd).start();
    try {
      BlockingQueue<String> out = new LinkedBlockingQueue<>();
      BlockingQueue<String> err = new LinkedBlockingQueue<>();
      pump(p.getInputStream(), out);
      pump(p.getErrorStream(), err);
      line(err, "ready: capturing with udp");
      long deadline = System.currentTimeMillis() + 20_000;
      while (!Files.exists(run.resolve("spad.sock")) && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(Long.toString(p.pid()), Files.readString(run.resolve("spad.pid")).strip());
      send(port, wire(TestKit.defaultEncryptor(), access("alice", "10.0.0.5", "tcp/22", now()).build()));
      assertTrue(line(out, "\"event\":\"accept\"").contains("\"user\":\"alice\""));

      Files.writeString(acc, stanza + "REQUIRE_USERNAME bob\n");
      assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor());
      line(err, "reloaded configuration");
      send(port, wire(TestKit.defaultEncryptor(), access("alice", "10.0.0.5", "tcp/22", now()).build()));
      assertTrue(line(out, "\"event\":\"deny\"").contains("\"reason\":\"user\""));

      p.destroy(); // SIGTERM
      assertTrue(p.waitFor(20, TimeUnit.SECONDS), "spad did not stop on SIGTERM");
      assertEquals(0, p.exitValue(), "a clean stop exits 0");
      assertFalse(Files.exists(run.resolve("spad.pid")), "pid file removed");
      assertFalse(Files.exists(run.resolve("spad.sock")), "control socket removed");
      assertTrue(Files.readString(dir.resolve("digest.cache")).lines().filter(l -> !l.startsWith("#")).count() == 2,
          "both replay records written before exit");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void startedUnderNohupSaysReloadIsThroughSpadR() throws Exception {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/nohup"));
    cmd.addAll(spad());
    Process p = new ProcessBuilder(cmd).start();
    try {
      BlockingQueue<String> err = new LinkedBlockingQueue<>();
      pump(p.getInputStream(), new LinkedBlockingQueue<>());
      pump(p.getErrorStream(), err);
      String warning = line(err, "SIGHUP");
      assertTrue(warning.startsWith("spad: warning: SIGHUP does not reach spad") && warning.endsWith("reload with spad -R"),
          warning);
      line(err, "ready: capturing with udp");
      p.destroy(); // SIGTERM still stops it
      assertTrue(p.waitFor(20, TimeUnit.SECONDS), "spad did not stop on SIGTERM");
      assertEquals(0, p.exitValue());
    } finally {
      p.destroyForcibly();
    }
  }
}
