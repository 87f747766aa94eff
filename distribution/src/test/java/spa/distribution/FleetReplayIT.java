package spa.distribution;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.DigestType;
import spa.core.EncryptionMode;
import spa.test.support.Required;

/**
 * Two gateways of one fleet, the image's {@code spad -t -U} twice on loopback, sharing Debian's redis-server
 * ({@code REPLAY_STORE redis}): a packet gateway A accepted is refused by gateway B as a replay; with Redis gone,
 * B refuses authenticated packets with reason {@code replay-store} (the default {@code REDIS_FAULT closed}); once
 * Redis is back on its port, B accepts a new packet without a restart. With {@code REDIS_FAULT local} a lost Redis
 * leaves the gateway's own cache deciding (the gap logged; a replay within the gap still refused), and with
 * {@code REDIS_START local} a gateway starts without Redis.
 */
class FleetReplayIT {
  private final List<Process> processes = new ArrayList<>();

  @Test
  void aPacketOneGatewayAcceptedIsRefusedByTheOtherAndALostRedisFailsClosed(@TempDir Path dir) throws Exception {
    Path redis = Required.programs("redis-server");
    int redisPort = freeTcpPort();
    Keys keys = Keys.randomBase64();
    List<FwknopFiles.Stanza> stanzas = List.of(new FwknopFiles.Stanza(keys, EncryptionMode.CBC, DigestType.SHA256));
    try {
      Process store = startRedis(redis, redisPort, dir);
      Gateway a = gateway(dir.resolve("a"), stanzas, redisPort);
      Gateway b = gateway(dir.resolve("b"), stanzas, redisPort);

      String p1 = fwknopPacket(dir, keys);
      send(a.port, p1);
      a.await("accept", e -> e.contains("\"event\":\"accept\""));
      send(b.port, p1);
      b.await("replay of A's packet", e -> e.contains("\"event\":\"replay\"") && e.contains("shared replay store"));

      store.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      send(b.port, fwknopPacket(dir, keys));
      b.await("replay-store deny", e -> e.contains("\"event\":\"deny\"") && e.contains("\"reason\":\"replay-store\""));
      b.await("replay-store error", e -> e.contains("\"event\":\"error\"") && e.contains("\"reason\":\"replay-store\""));

      startRedis(redis, redisPort, dir);
      send(b.port, fwknopPacket(dir, keys));
      b.await("accept once Redis is back", e -> e.contains("\"event\":\"accept\""));
      // B accepted only the packet it saw after Redis came back: neither A's packet nor the one in the gap
      assertTrue(b.count("\"event\":\"accept\"") == 1, () -> b.describe());
    } finally {
      for (Process p : processes) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void withFaultPolicyLocalALostRedisLeavesTheLocalCacheDecidingAndTheGapLogged(@TempDir Path dir) throws Exception {
    Path redis = Required.programs("redis-server");
    int redisPort = freeTcpPort();
    Keys keys = Keys.randomBase64();
    List<FwknopFiles.Stanza> stanzas = List.of(new FwknopFiles.Stanza(keys, EncryptionMode.CBC, DigestType.SHA256));
    try {
      Process store = startRedis(redis, redisPort, dir);
      Gateway b = gateway(dir.resolve("b"), stanzas, redisPort, "REDIS_FAULT local;\n");
      store.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      String inGap = fwknopPacket(dir, keys);
      send(b.port, inGap);
      b.await("accept from the local cache", e -> e.contains("\"event\":\"accept\""));
      b.await("the gap logged as an error event", e -> e.contains("\"reason\":\"replay-store\"")
          && e.contains("the local cache alone decides (REDIS_FAULT local)"));
      send(b.port, inGap);
      b.await("replay refused by the local cache", e -> e.contains("\"event\":\"replay\""));
      startRedis(redis, redisPort, dir);
      send(b.port, fwknopPacket(dir, keys));
      b.await("a second accept with Redis back", e -> e.contains("\"event\":\"accept\"") && countOf(b) == 2);
    } finally {
      for (Process p : processes) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void withStartPolicyLocalAGatewayStartsWithoutRedis(@TempDir Path dir) throws Exception {
    Keys keys = Keys.randomBase64();
    List<FwknopFiles.Stanza> stanzas = List.of(new FwknopFiles.Stanza(keys, EncryptionMode.CBC, DigestType.SHA256));
    try {
      Gateway g = gateway(dir.resolve("g"), stanzas, freeTcpPort(), "REDIS_START local;\n");
      assertTrue(Files.readString(g.err).contains("REDIS_START local"), g::describe);
      send(g.port, fwknopPacket(dir, keys));
      g.await("accept on the local cache", e -> e.contains("\"event\":\"accept\""));
    } finally {
      for (Process p : processes) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static long countOf(Gateway g) {
    try {
      return g.count("\"event\":\"accept\"");
    } catch (IOException e) {
      return -1;
    }
  }

  private record Gateway(int port, Path events, Path err) {
    long count(String text) throws IOException {
      return Files.readAllLines(events).stream().filter(l -> l.contains(text)).count();
    }

    String describe() {
      try {
        return Files.readString(events) + Files.readString(err);
      } catch (IOException e) {
        return e.toString();
      }
    }

    /** Waits up to 15 s for an event line matching {@code which}. */
    void await(String what, Predicate<String> which) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (System.nanoTime() < deadline) {
        if (Files.readAllLines(events).stream().anyMatch(which)) {
          return;
        }
        Thread.sleep(50);
      }
      fail("no " + what + " at the gateway on port " + port + ":\n" + describe());
    }
  }

  private Gateway gateway(Path dir, List<FwknopFiles.Stanza> stanzas, int redisPort) throws Exception {
    return gateway(dir, stanzas, redisPort, "");
  }

  /** A gateway with {@code more} lines in its fwknopd.conf. */
  private Gateway gateway(Path dir, List<FwknopFiles.Stanza> stanzas, int redisPort, String more) throws Exception {
    Files.createDirectories(dir);
    int port = Tools.freeUdpPort();
    FwknopFiles files = FwknopFiles.write(dir, stanzas, port);
    Files.writeString(files.fwknopdConf(), "REPLAY_STORE redis;\nREDIS_URL redis://127.0.0.1:" + redisPort + ";\n" + more,
        java.nio.file.StandardOpenOption.APPEND);
    Path events = dir.resolve("events.jsonl");
    Path err = dir.resolve("spad.err");
    Process spad = new ProcessBuilder(Image.get().spad().toString(), "-t", "-U", "--log-format", "json",
        "-c", files.fwknopdConf().toString(), "-a", files.accessConf().toString(),
        "-d", dir.resolve("digest.cache").toString(), "-p", dir.resolve("spad.pid").toString())
        .directory(dir.toFile()).redirectOutput(events.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    processes.add(spad);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Tools.udpPortBound(port)) {
      if (!spad.isAlive() || System.nanoTime() > deadline) {
        fail("spad did not start a UDP server on port " + port + ":\n" + Files.readString(err));
      }
      Thread.sleep(20);
    }
    return new Gateway(port, events, err);
  }

  private Process startRedis(Path server, int port, Path dir) throws Exception {
    Process p = new ProcessBuilder(server.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    processes.add(p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return p;
      } catch (IOException notYet) {
        Thread.sleep(20);
      }
    }
    return fail("redis-server did not listen on port " + port);
  }

  /** A fresh packet from Debian's fwknop client (its own salt and digest), as the wire carries it. */
  private static String fwknopPacket(Path dir, Keys keys) throws Exception {
    Path fwknop = Tools.require("fwknop", "fwknop-client");
    Path home = Files.createDirectories(dir.resolve("home"));
    Path saved = home.resolve("packet");
    Run.Result made = Run.run(List.of(fwknop.toString(), "--no-save-args", "--no-rc-file", "-A", "tcp/22", "-a",
        "198.18.0.2", "-D", "127.0.0.1", "-T", "--save-packet", saved.toString(), "--use-hmac",
        "--key-base64-rijndael", keys.key(), "--key-base64-hmac", keys.hmacKey()),
        Map.of("HOME", home.toString()), home, Duration.ofSeconds(30));
    assertTrue(made.ok(), made.toString());
    return Files.readString(saved, StandardCharsets.US_ASCII).strip();
  }

  private static void send(int port, String payload) throws IOException {
    try (DatagramSocket s = new DatagramSocket()) {
      byte[] b = payload.getBytes(StandardCharsets.US_ASCII);
      s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
    }
  }

  private static int freeTcpPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
