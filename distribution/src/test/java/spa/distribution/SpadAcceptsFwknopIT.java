package spa.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Packets sent by Debian's fwknop 2.6 client over UDP are accepted by the image's {@code bin/spad -t -U}, which
 * reads the very fwknopd.conf and access.conf that fwknopd reads in {@link FwknopdAcceptsSpaIT}: the same matrix,
 * each packet by the stanza with its settings and with the fields that were sent; a packet under other keys is
 * denied as {@code auth}. Each packet asks for its own allow IP, which names it in spad's JSON events.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpadAcceptsFwknopIT {


  private final Image image = Image.get();
  private List<SpaCase> cases;
  private SpaCase wrongKeys;
  private List<FwknopFiles.Stanza> stanzas;
  private final Map<SpaCase, Run.Result> sent = new LinkedHashMap<>();
  private List<String> events;
  private String spadOutput;

  @BeforeAll
  void sendEveryFwknopPacketToOneSpad(@TempDir Path dir) throws Exception {
    cases = SpaCase.matrix(Keys.randomBase64(), Keys.randomPassphrases());
    stanzas = cases.stream().map(c -> new FwknopFiles.Stanza(c.keys(), c.mode(), c.hmac())).distinct().toList();
    wrongKeys = cases.get(0).withKeys(Keys.randomBase64());
    List<SpaCase> all = new ArrayList<>(cases);
    all.add(wrongKeys);
    Path fwknop = Tools.require("fwknop", "fwknop-client");

    Path serverDir = Files.createDirectories(dir.resolve("spad"));
    int port = Tools.freeUdpPort();
    FwknopFiles files = FwknopFiles.write(serverDir, stanzas, port);
    Path out = serverDir.resolve("events.jsonl");
    Path err = serverDir.resolve("spad.err");
    Process spad = new ProcessBuilder(image.spad().toString(), "-t", "-U", "-C", String.valueOf(all.size()),
        "--log-format", "json", "-c", files.fwknopdConf().toString(), "-a", files.accessConf().toString(),
        "-d", serverDir.resolve("digest.cache").toString(), "-p", serverDir.resolve("spad.pid").toString())
        .directory(serverDir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Tools.udpPortBound(port)) {
        if (!spad.isAlive() || System.nanoTime() > deadline) {
          fail("spad did not start a UDP server on port " + port + ":\n" + Files.readString(err));
        }
        Thread.sleep(20);
      }
      int n = 0;
      for (SpaCase c : all) {
        Path home = Files.createDirectories(dir.resolve("client-" + n++));
        List<String> cmd = new ArrayList<>(List.of(fwknop.toString(), "--no-save-args", "--no-rc-file"));
        cmd.addAll(c.clientArgs());
        cmd.addAll(List.of("-p", String.valueOf(port)));
        sent.put(c, Run.run(cmd, Map.of("HOME", home.toString()), home, Duration.ofSeconds(30)));
      }
      boolean allSent = sent.values().stream().allMatch(Run.Result::ok);
      spad.waitFor(allSent ? 60 : 3, TimeUnit.SECONDS);
    } finally {
      if (spad.isAlive()) {
        spad.destroy();
        if (!spad.waitFor(5, TimeUnit.SECONDS)) {
          spad.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
    spadOutput = Files.readString(out) + "\n--- stderr:\n" + Files.readString(err);
    events = Files.readAllLines(out).stream().filter(l -> l.startsWith("{")).toList();
  }

  List<SpaCase> cases() {
    return cases;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void spadAcceptsTheFwknopPacketWithTheRightFields(SpaCase c) {
    String e = eventOf(c, "allow", c.allowIp());
    Request q = c.request();
    assertEquals("accept", JsonFields.get(e, "event"), e);
    assertEquals("#" + FwknopFiles.stanzaNumber(stanzas, c), JsonFields.get(e, "stanza"), e);
    assertEquals(Request.USER, JsonFields.get(e, "user"), e);
    if (q == Request.COMMAND) {
      assertEquals("touch /tmp/x", JsonFields.get(e, "command"), e);
      assertEquals("[]", JsonFields.get(e, "access"), e);
    } else {
      String expected = "[" + List.of(q.afterAllowIp().split(",")).stream().map(a -> "\"" + a + "\"")
          .collect(Collectors.joining(",")) + "]";
      assertEquals(expected, JsonFields.get(e, "access"), e);
      // the client timeout, else FW_ACCESS_TIMEOUT, 30 s by default
      assertEquals(String.valueOf(q.clientTimeout() > 0 ? q.clientTimeout() : 30), JsonFields.get(e, "timeout"), e);
    }
    String nat = JsonFields.get(e, "nat");
    if (q.natAccess() == null) {
      assertEquals("null", nat, e);
    } else {
      assertEquals(q == Request.LOCAL_NAT ? "local" : "forward", JsonFields.get(nat, "kind"), e);
      assertEquals(q.natAccess(), JsonFields.get(nat, "to") + "," + JsonFields.get(nat, "port"), e);
    }
  }

  @Test
  void spadDeniesAPacketUnderOtherKeysAsAuth() {
    String e = eventOf(wrongKeys, "event", "deny");
    assertEquals("auth", JsonFields.get(e, "reason"), e);
  }

  /** The one event of {@code c}'s packet, found as the one event whose {@code key} is {@code value}. */
  private String eventOf(SpaCase c, String key, String value) {
    Run.Result r = sent.get(c);
    assertNotNull(r, "not sent: " + c);
    assertTrue(r.ok(), () -> "fwknop failed:\n" + r.describe());
    List<String> mine = events.stream().filter(l -> value.equals(JsonFields.get(l, key))).toList();
    assertEquals(1, mine.size(), () -> "spad events with " + key + " " + value + " for " + String.join(" ", r.command())
        + ":\n" + String.join("\n", mine) + "\nspad output:\n" + spadOutput);
    return mine.get(0);
  }
}
