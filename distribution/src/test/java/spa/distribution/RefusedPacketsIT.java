package spa.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.DigestType;
import spa.core.EncryptionMode;

/**
 * The packets fwknopd refuses before trying any key, with a log line each, are refused by spad with a deny
 * event and its reason: the same datagrams to {@code fwknopd -t -U -v} and to the image's {@code spad -t -U}
 * on the same files. A real fwknop packet with its {@code U2FsdGVkX1} prefix put back (a replay variant) and a
 * GnuPG-like one with {@code hQ} are fwknopd's "not a valid SPA message format" and spad's {@code prefix};
 * base64 with a {@code :} or {@code !} inside is fwknopd's "not an SPA message" and spad's {@code not-base64}.
 */
class RefusedPacketsIT {
  private static final Pattern FWKNOPD_ERROR = Pattern.compile("preprocess_spa_data\\(\\) returned error (\\d+)");
  private static final Pattern REASON = Pattern.compile("\"reason\":\"([^\"]+)\"");
  private static final Pattern COUNT = Pattern.compile("\"count\":(\\d+)");

  @Test
  void bothRefuseEachMalformedPacketWithAReason(@TempDir Path dir) throws Exception {
    Keys keys = Keys.randomBase64();
    List<FwknopFiles.Stanza> stanzas = List.of(new FwknopFiles.Stanza(keys, EncryptionMode.CBC, DigestType.SHA256));
    Path fwknop = Tools.require("fwknop", "fwknop-client");
    Path home = Files.createDirectories(dir.resolve("home"));
    Path saved = home.resolve("packet");
    List<String> build = new java.util.ArrayList<>(List.of(fwknop.toString(), "--no-save-args", "--no-rc-file", "-A",
        "tcp/22", "-a", "198.18.0.2", "-D", "127.0.0.1", "-T", "--save-packet", saved.toString(), "--use-hmac",
        "--key-base64-rijndael", keys.key(), "--key-base64-hmac", keys.hmacKey()));
    Run.Result made = Run.run(build, Map.of("HOME", home.toString()), home, Duration.ofSeconds(30));
    assertTrue(made.ok(), made.toString());
    String wire = Files.readString(saved, StandardCharsets.US_ASCII).strip();
    String a = "A".repeat(150);
    List<String> payloads = List.of("U2FsdGVkX1" + wire, "hQ" + a + a + a, a + ":" + a, a + "!!");

    Path fwDir = Files.createDirectories(dir.resolve("fwknopd"));
    String fwLog;
    try (Fwknopd fwknopd = Fwknopd.start(fwDir, stanzas, payloads.size())) {
      send(fwknopd.port(), payloads);
      if (!fwknopd.awaitExit(Duration.ofSeconds(20))) {
        fail("fwknopd did not take " + payloads.size() + " packets:\n" + fwknopd.log());
      }
      fwLog = fwknopd.log();
    }
    Map<String, Integer> fwErrors = new TreeMap<>();
    Matcher m = FWKNOPD_ERROR.matcher(fwLog);
    while (m.find()) {
      fwErrors.merge(m.group(1), 1, Integer::sum);
    }
    // 4096: "Data is not a valid SPA message format", 4098: "Data is not an SPA message"
    assertEquals(Map.of("4096", 2, "4098", 2), fwErrors, fwLog);

    Path spadDir = Files.createDirectories(dir.resolve("spad"));
    int port = Tools.freeUdpPort();
    FwknopFiles files = FwknopFiles.write(spadDir, stanzas, port);
    Path out = spadDir.resolve("events.jsonl");
    Path err = spadDir.resolve("spad.err");
    Process spad = new ProcessBuilder(Image.get().spad().toString(), "-t", "-U", "-C", String.valueOf(payloads.size()),
        "--log-format", "json", "-c", files.fwknopdConf().toString(), "-a", files.accessConf().toString(),
        "-d", spadDir.resolve("digest.cache").toString(), "-p", spadDir.resolve("spad.pid").toString())
        .directory(spadDir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Tools.udpPortBound(port)) {
        if (!spad.isAlive() || System.nanoTime() > deadline) {
          fail("spad did not start a UDP server on port " + port + ":\n" + Files.readString(err));
        }
        Thread.sleep(20);
      }
      send(port, payloads);
      if (!spad.waitFor(30, TimeUnit.SECONDS)) {
        fail("spad did not take " + payloads.size() + " packets:\n" + Files.readString(err));
      }
    } finally {
      spad.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
    Map<String, Long> denied = new TreeMap<>();
    for (String line : Files.readAllLines(out)) {
      Matcher r = REASON.matcher(line);
      Matcher c = COUNT.matcher(line);
      if (line.contains("\"event\":\"deny\"") && r.find()) {
        denied.merge(r.group(1), c.find() ? Long.parseLong(c.group(1)) : 1, Long::sum);
      }
    }
    assertEquals(Map.of("prefix", 2L, "not-base64", 2L), denied, Files.readString(out) + Files.readString(err));
  }

  private static void send(int port, List<String> payloads) throws Exception {
    try (DatagramSocket s = new DatagramSocket()) {
      for (String p : payloads) {
        byte[] b = p.getBytes(StandardCharsets.US_ASCII);
        s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
        Thread.sleep(50); // one at a time, so that each is logged apart
      }
    }
  }
}
