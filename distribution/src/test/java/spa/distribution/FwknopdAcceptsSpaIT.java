package spa.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import spa.core.MessageType;

/**
 * Packets sent by {@code bin/spa} over UDP are accepted by Debian's fwknopd 2.6: every cipher mode x HMAC x
 * request kind, plus passphrase keys; and packets under the wrong keys are not. One fwknopd serves all packets:
 * one access stanza per (keys, mode, HMAC), so the stanza that accepts a packet also proves which settings
 * fwknopd needed to read it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FwknopdAcceptsSpaIT {
  private static final Duration SPA_LIMIT = Duration.ofSeconds(60);

  /** What one {@code bin/spa} run left: its result and the packet it saved with -B. */
  record Sent(Run.Result run, String wire) {}

  private final Image image = Image.get();
  private List<SpaCase> cases;
  private SpaCase wrongKeys;
  private SpaCase wrongEncryptionKey;
  private List<FwknopFiles.Stanza> stanzas;
  private final Map<SpaCase, Sent> sent = new LinkedHashMap<>();
  private List<Fwknopd.Datagram> received;
  private String fwknopdLog;

  @BeforeAll
  void sendEveryPacketToOneFwknopd(@TempDir Path dir) throws Exception {
    Keys keys = Keys.randomBase64();
    cases = SpaCase.matrix(keys, Keys.randomPassphrases());
    stanzas = cases.stream().map(c -> new FwknopFiles.Stanza(c.keys(), c.mode(), c.hmac())).distinct().toList();
    SpaCase first = cases.get(0);
    wrongKeys = first.withKeys(Keys.randomBase64());
    wrongEncryptionKey = first.withKeys(new Keys(Keys.randomBase64().key(), keys.hmacKey(), true));
    List<SpaCase> all = new ArrayList<>(cases);
    all.add(wrongKeys);
    all.add(wrongEncryptionKey);

    try (Fwknopd fwknopd = Fwknopd.start(Files.createDirectories(dir.resolve("fwknopd")), stanzas, all.size())) {
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Map<SpaCase, Future<Sent>> futures = new LinkedHashMap<>();
        int n = 0;
        for (SpaCase c : all) {
          Path home = Files.createDirectories(dir.resolve("client-" + n++));
          futures.put(c, pool.submit(() -> send(c, home, fwknopd.port())));
        }
        for (var e : futures.entrySet()) {
          sent.put(e.getKey(), e.getValue().get());
        }
      } finally {
        pool.shutdownNow();
      }
      boolean allSent = sent.values().stream().allMatch(s -> s.run().ok() && !s.wire().isEmpty());
      // fwknopd exits by itself after the last packet (-C); if some were never sent, give it a moment.
      fwknopd.awaitExit(allSent ? Duration.ofSeconds(60) : Duration.ofSeconds(3));
      fwknopdLog = fwknopd.log();
      received = fwknopd.datagrams();
    }
  }

  /** Runs bin/spa for one case, sending to fwknopd and saving the packet. */
  private Sent send(SpaCase c, Path home, int port) throws Exception {
    Path packet = home.resolve("packet.txt");
    List<String> cmd = new ArrayList<>();
    cmd.add(image.spa().toString());
    cmd.addAll(c.clientArgs());
    cmd.addAll(List.of("-p", String.valueOf(port), "-B", packet.toString()));
    Run.Result r = Run.run(cmd, Map.of("HOME", home.toString()), home, SPA_LIMIT);
    String wire = Files.exists(packet) ? Files.readString(packet).strip() : "";
    return new Sent(r, wire);
  }

  List<SpaCase> cases() {
    return cases;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void fwknopdAcceptsThePacketWithTheRightFields(SpaCase c) {
    Fwknopd.Datagram d = receivedPacketOf(c);
    int expectedStanza = FwknopFiles.stanzaNumber(stanzas, c);
    List<Integer> acceptedBy = d.accepted().stream().map(Fwknopd.StanzaOutcome::stanza).toList();
    assertEquals(List.of(expectedStanza), acceptedBy, () -> "stanzas that accepted it:\n" + describe(d));

    Fwknopd.StanzaOutcome o = d.accepted().get(0);
    Request q = c.request();
    assertEquals(q == Request.COMMAND ? "command execution" : "firewall manipulation", o.action());
    assertEquals(q.type().code(), o.code("Message Type"), () -> o.fields().toString());
    assertEquals(c.message(), o.fields().get("Message String"));
    assertEquals(q.natAccess() == null ? "<NULL>" : q.natAccess(), o.fields().get("Nat Access"));
    assertEquals(String.valueOf(q.clientTimeout()), o.fields().get("Client Timeout"));
    assertEquals(Request.USER, o.fields().get("Username"));
    assertEquals(c.hmac().code(), o.code("HMAC Type"));
    assertEquals(c.hmac().code(), o.code("Digest Type"));
    assertEquals(c.mode().code(), o.code("Encryption Mode"));
    assertTrue(q.type() != MessageType.COMMAND || o.fields().get("Message String").endsWith(",touch /tmp/x"));
  }

  @Test
  void fwknopdRejectsAPacketUnderOtherKeys() {
    Fwknopd.Datagram d = receivedPacketOf(wrongKeys);
    assertTrue(d.accepted().isEmpty(), () -> describe(d));
    assertEquals(stanzas.size(), d.stanzas().size(), () -> describe(d));
    assertTrue(d.stanzas().stream().allMatch(s -> s.fields().isEmpty()), () -> describe(d));
  }

  @Test
  void fwknopdRejectsAPacketWhoseHmacIsRightButEncryptionKeyWrong() {
    Fwknopd.Datagram d = receivedPacketOf(wrongEncryptionKey);
    assertTrue(d.accepted().isEmpty(), () -> describe(d));
    Fwknopd.StanzaOutcome first = d.stanzas().get(0);
    assertTrue(first.lines().stream().anyMatch(l -> l.contains("Decryption failed")), () -> describe(d));
  }

  private Fwknopd.Datagram receivedPacketOf(SpaCase c) {
    Sent s = sent.get(c);
    assertNotNull(s, "not sent: " + c);
    assertTrue(s.run().ok(), () -> "bin/spa failed:\n" + s.run().describe());
    assertFalse(s.wire().isEmpty(), () -> "bin/spa saved no packet with -B:\n" + s.run().describe());
    return received.stream().filter(d -> s.wire().equals(d.wire())).findFirst()
        .orElseThrow(() -> new AssertionError("fwknopd never logged packet " + s.wire() + " from "
            + String.join(" ", s.run().command()) + "\nfwknopd log:\n" + fwknopdLog));
  }

  private static String describe(Fwknopd.Datagram d) {
    return d.stanzas().stream()
        .map(s -> "stanza #" + s.stanza() + (s.accepted() ? " ACCEPTED" : "") + "\n  " + String.join("\n  ", s.lines()))
        .collect(Collectors.joining("\n"));
  }
}
