package spa.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.server.testkit.TestKit.access;
import static spa.server.testkit.TestKit.now;
import static spa.server.testkit.TestKit.udp;
import static spa.server.testkit.TestKit.wire;

import com.typesafe.config.Config;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.server.replay.DigestStore;
import spa.server.replay.ReplayCache;
import spa.server.replay.Replays;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.MessageType;
import spa.core.Packet;
import spa.core.Settings;
import spa.core.SpaMessage;
import spa.core.codec.Base64s;
import spa.core.spi.Encryptor;
import spa.core.spi.FirewallBackend;
import spa.server.event.EventFormat;
import spa.server.event.EventOutput;
import spa.server.policy.DefaultAuthorizer;
import spa.server.policy.NatResolver;
import spa.server.policy.Policy;
import spa.server.grant.GrantEvents;
import spa.server.grant.GrantJournal;
import spa.server.grant.GrantManager;
import spa.server.testkit.TestKit;

class EngineTest {
  private static final String SRC = "198.18.0.10";
  private static final String DST = "198.18.0.1";
  @TempDir
  Path dir;
  private double rateLimit;
  private double decryptLimit;
  private boolean logEachDeny;

  /** Runs the engine over packets and returns its JSON events. */
  private List<Config> run(String server, String accessConf, boolean test, ReplayCache cache, DigestStore store,
      FirewallBackend fw, Packet... packets) throws Exception {
    Policy policy = TestKit.policy(TestKit.config(dir, server, accessConf));
    Replays replays = new Replays(cache, test ? null : store);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventOutput events = new EventOutput(out, EventFormat.JSON);
    Actuator act = test ? Actuator.none()
        : new SerialActuator(fw == null ? null : new GrantManager(fw, new GrantJournal(dir.resolve("grants")),
            Clock.systemUTC(), new GrantEvents(events.newLog(false), fw.name(), System::currentTimeMillis)),
            fw == null ? "none" : fw.name(), null, replays, events, System::currentTimeMillis, 100);
    Engine e = new Engine(new Engine.Options(test, true, 2, 1024, 0, rateLimit, decryptLimit, logEachDeny),
        new DecisionChain(policy, new DefaultAuthorizer(policy, NatResolver.system()), List.of()),
        replays, act, events, new Prefilter(false, false, false), System::currentTimeMillis);
    e.start();
    for (Packet p : packets) {
      e.sink().accept(p);
    }
    e.sink().end();
    e.awaitEnd();
    e.finish();
    act.close();
    events.close();
    return TestKit.jsonLines(out);
  }

  private List<Config> runTest(String server, String accessConf, Packet... packets) throws Exception {
    return run(server, accessConf, true, new ReplayCache(), null, null, packets);
  }

  private static final String ACCESS = "SOURCE ANY\nKEY " + TestKit.KEY + "\nHMAC_KEY " + TestKit.HMAC + "\n";

  private static Packet knock(SpaMessage m) {
    return udp(SRC, DST, wire(TestKit.defaultEncryptor(), m));
  }

  private static String reason(List<Config> events) {
    assertEquals(1, events.size(), events.toString());
    assertEquals("deny", events.get(0).getString("event"), events.toString());
    return events.get(0).getString("reason");
  }

  @Test
  void acceptsAValidPacketWithItsFields() throws Exception {
    List<Config> ev = runTest("", ACCESS + "FW_ACCESS_TIMEOUT 45\n",
        knock(access("alice", "10.0.0.5", "tcp/22,udp/53", now()).build()));
    assertEquals(1, ev.size(), ev.toString());
    Config a = ev.get(0);
    assertEquals("accept", a.getString("event"));
    assertEquals("alice", a.getString("user"));
    assertEquals("10.0.0.5", a.getString("allow"));
    assertEquals(List.of("tcp/22", "udp/53"), a.getStringList("access"));
    assertTrue(a.getIsNull("nat"));
    assertEquals(45, a.getInt("timeout"));
    assertEquals("#1", a.getString("stanza"));
    assertEquals(SRC, a.getString("src"));
    assertEquals(DST, a.getString("dst"));
    assertEquals("udp", a.getString("proto"));
  }

  @Test
  void replayIsRefusedEvenInOneBatch() throws Exception {
    Packet p = knock(access("alice", "10.0.0.5", "tcp/22", now()).build());
    List<Config> ev = runTest("", ACCESS, p, p, p);
    assertEquals(1, ev.stream().filter(c -> c.getString("event").equals("accept")).count(), ev.toString());
    assertEquals(2, ev.stream().filter(c -> c.getString("event").equals("replay")).count(), ev.toString());
    assertTrue(ev.stream().filter(c -> c.getString("event").equals("replay")).allMatch(c -> c.getString("reason").equals("replay")));
  }

  @Test
  void garbageAndWrongKeysFailAuth() throws Exception {
    byte[] junk = new byte[150];
    new Random(1).nextBytes(junk);
    String garbage = Base64s.encode(junk);
    assertEquals("auth", reason(runTest("", ACCESS, udp(SRC, DST, garbage))));
    Encryptor.Keyed other = TestKit.encryptor("KEY", "otherkey", "HMAC_KEY", TestKit.HMAC);
    Encryptor.Keyed otherHmac = TestKit.encryptor("KEY", TestKit.KEY, "HMAC_KEY", "otherhmac");
    Encryptor.Keyed noHmac = TestKit.encryptor("KEY", TestKit.KEY);
    SpaMessage m = access("alice", "10.0.0.5", "tcp/22", now()).build();
    assertEquals("auth", reason(runTest("", ACCESS, udp(SRC, DST, wire(other, m)))));
    assertEquals("auth", reason(runTest("", ACCESS, udp(SRC, DST, wire(otherHmac, m)))));
    assertEquals("auth", reason(runTest("", ACCESS, udp(SRC, DST, wire(noHmac, m)))));
  }

  @Test
  void sourceAndDestinationMustMatchAStanza() throws Exception {
    Packet p = knock(access("alice", "10.0.0.5", "tcp/22", now()).build());
    assertEquals("source", reason(runTest("", "SOURCE 10.0.0.0/8\nKEY k\n", p)));
    assertEquals("source", reason(runTest("", ACCESS.replace("SOURCE ANY", "SOURCE ANY\nDESTINATION 192.0.2.1"), p)));
    assertEquals("accept", runTest("", ACCESS.replace("SOURCE ANY", "SOURCE 198.18.0.0/15\nDESTINATION 198.18.0.1"), p)
        .get(0).getString("event"));
  }

  @Test
  void aBadMessageUnderGoodKeys() throws Exception {
    String bogus = "1234567890123456:not a valid spa message at all but printable:x";
    String w = TestKit.defaultEncryptor().encrypt(bogus);
    assertEquals("bad-message", reason(runTest("", ACCESS, udp(SRC, DST, w))));
  }

  @Test
  void expiredStanza() throws Exception {
    Packet p = knock(access("alice", "10.0.0.5", "tcp/22", now()).build());
    assertEquals("stanza-expired", reason(runTest("", ACCESS + "ACCESS_EXPIRE_EPOCH 1000\n", p)));
    // fwknopd's one-digit month and day: the stanza loads, and its packets are refused as expired
    Packet q = knock(access("alice", "10.0.0.5", "tcp/22", now()).build());
    assertEquals("stanza-expired", reason(runTest("", ACCESS + "ACCESS_EXPIRE 1/2/2001\n", q)));
    // an expired stanza whose keys do not fit is not the reason
    Packet other = udp(SRC, DST, wire(TestKit.encryptor("KEY", "zzz", "HMAC_KEY", "yyy"),
        access("alice", "10.0.0.5", "tcp/22", now()).build()));
    assertEquals("auth", reason(runTest("", ACCESS + "ACCESS_EXPIRE 01/01/2001\n", other)));
  }

  @Test
  void everyPolicyDenialCarriesItsReasonAndWhoAsked() throws Exception {
    long t = now();
    record Case(String server, String stanza, SpaMessage message, String reason) {}
    Case[] cases = {
        new Case("ENABLE_SPA_PACKET_AGING Y\n", "", access("alice", "10.0.0.5", "tcp/22", t - 1000).build(), "age"),
        new Case("", "OPEN_PORTS tcp/22\n", access("alice", "10.0.0.5", "tcp/23", t).build(), "port"),
        new Case("", "RESTRICT_PORTS tcp/23\n", access("alice", "10.0.0.5", "tcp/22,tcp/23", t).build(), "port"),
        new Case("", "REQUIRE_USERNAME bob\n", access("alice", "10.0.0.5", "tcp/22", t).build(), "user"),
        new Case("", "REQUIRE_SOURCE_ADDRESS Y\n", access("alice", "0.0.0.0", "tcp/22", t).build(), "allow-ip"),
        new Case("", "", access("alice", "10.0.0.5", "tcp/22", t).type(MessageType.NAT_ACCESS)
            .natAccess("192.168.1.2,22").build(), "nat-disabled"),
        new Case("", "", access("alice", "10.0.0.5", "tcp/22", t).type(MessageType.LOCAL_NAT_ACCESS)
            .natAccess("127.0.0.1,22").build(), "nat-disabled"),
        new Case("ENABLE_IPT_FORWARDING Y\nENABLE_NAT_DNS N\n", "", access("alice", "10.0.0.5", "tcp/22", t)
            .type(MessageType.NAT_ACCESS).natAccess("inner.invalid,22").build(), "nat-host"),
        new Case("", "", SpaMessage.builder().random("1234567890123456").user("alice").timestamp(t)
            .type(MessageType.COMMAND).message("10.0.0.5,touch /tmp/x").build(), "cmd-disabled"),
    };
    for (Case c : cases) {
      List<Config> ev = runTest(c.server(), ACCESS + c.stanza(), knock(c.message()));
      assertEquals(c.reason(), reason(ev), c.toString());
      assertEquals("alice", ev.get(0).getString("user"), c.toString());
      assertEquals("#1", ev.get(0).getString("stanza"));
      assertTrue(ev.get(0).hasPath("detail"));
    }
  }

  @Test
  void stanzasAreTriedInOrder() throws Exception {
    String two = "SOURCE ANY\nKEY wrongkey\nHMAC_KEY wronghmac\n" + ACCESS;
    List<Config> ev = runTest("", two, knock(access("alice", "10.0.0.5", "tcp/22", now()).build()));
    assertEquals("#2", ev.get(0).getString("stanza"));
    String portThenOk = ACCESS + "OPEN_PORTS tcp/80\nNAME web\n" + ACCESS + "NAME ssh\nFW_ACCESS_TIMEOUT 9\n";
    List<Config> ev2 = runTest("", portThenOk, knock(access("alice", "10.0.0.5", "tcp/22", now()).build()));
    assertEquals("accept", ev2.get(0).getString("event"));
    assertEquals("ssh", ev2.get(0).getString("stanza"));
    assertEquals(9, ev2.get(0).getInt("timeout"));
  }

  @Test
  void anAuthenticatedButDeniedPacketStillBurnsItsDigest() throws Exception {
    Packet p = knock(access("alice", "10.0.0.5", "tcp/23", now()).build());
    List<Config> ev = runTest("", ACCESS + "OPEN_PORTS tcp/22\n", p, p);
    assertEquals(List.of("deny", "replay"), ev.stream().map(c -> c.getString("event")).sorted().toList());
  }

  /** Records grants, and checks that the replay record is on disk before each one. */
  private static final class RecordingFirewall implements FirewallBackend {
    final List<Grant> opened = new ArrayList<>();
    final List<Boolean> persistedFirst = new ArrayList<>();
    final Path digestFile;
    String expectedDigest;

    RecordingFirewall(Path digestFile) {
      this.digestFile = digestFile;
    }

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public boolean kernelExpiry() {
      return true;
    }

    @Override
    public void start(Settings settings) {}

    @Override
    public synchronized void open(Grant grant) throws FirewallException {
      try {
        persistedFirst.add(Files.readString(digestFile).contains(expectedDigest));
      } catch (java.io.IOException e) {
        throw new FirewallException(e.toString());
      }
      opened.add(grant);
    }

    @Override
    public void close(Grant grant) {}

    @Override
    public List<Grant> list() {
      return List.copyOf(opened);
    }

    @Override
    public void flush() {}
  }

  @Test
  void replayRecordIsPersistedBeforeTheGrantAndSurvivesARestart() throws Exception {
    Path file = dir.resolve("state/digest.cache");
    Packet p = knock(access("alice", "10.0.0.5", "tcp/22", now()).build());
    String digest = Base64.getEncoder().withoutPadding().encodeToString(
        java.security.MessageDigest.getInstance("SHA-256").digest(p.payload()));
    RecordingFirewall fw = new RecordingFirewall(file);
    fw.expectedDigest = digest;
    ReplayCache cache = new ReplayCache();
    List<Config> first;
    try (DigestStore store = DigestStore.open(file, cache, 0, null)) {
      first = run("", ACCESS, false, cache, store, fw, p);
    }
    assertEquals(List.of("accept", "grant"), first.stream().map(c -> c.getString("event")).toList());
    assertEquals(List.of(true), fw.persistedFirst);
    assertEquals(1, fw.opened.size());
    assertTrue(Files.readString(file).contains(digest + " 17 " + SRC + " 40000 " + DST + " 62201 "));

    ReplayCache restarted = new ReplayCache();
    try (DigestStore store = DigestStore.open(file, restarted, 0, null)) {
      List<Config> second = run("", ACCESS, false, restarted, store, fw, p);
      assertEquals(List.of("replay"), second.stream().map(c -> c.getString("event")).toList());
    }
    assertEquals(1, fw.opened.size());
    // test mode reads the cache too, and writes nothing
    String before = Files.readString(file);
    ReplayCache tc = new ReplayCache();
    DigestStore.read(file, tc, 0);
    Packet fresh = knock(access("alice", "10.0.0.5", "tcp/22", now()).build());
    List<Config> third = run("", ACCESS, true, tc, null, null, p, fresh);
    assertEquals(List.of("accept", "replay"), third.stream().map(c -> c.getString("event")).sorted().toList());
    assertEquals(before, Files.readString(file));
  }

  @Test
  void manyPacketsFromBothWorkersGiveOneEventEach() throws Exception {
    Encryptor.Keyed enc = TestKit.defaultEncryptor();
    List<Packet> ps = new ArrayList<>();
    Random r = new Random(3);
    for (int i = 0; i < 400; i++) {
      if (i % 2 == 0) {
        ps.add(udp(SRC, DST, wire(enc, access("u" + i, "10.0.0." + (i % 250 + 1), "tcp/" + (i + 1), now()).build())));
      } else {
        byte[] junk = new byte[160];
        r.nextBytes(junk);
        ps.add(udp(SRC, DST, Base64s.encode(junk)));
      }
    }
    List<Config> ev = runTest("", ACCESS, ps.toArray(new Packet[0]));
    assertEquals(201, ev.size(), "one event per accept, and one tally of the forged packets from their source");
    assertEquals(200, ev.stream().filter(c -> c.getString("event").equals("accept")).count());
    Config tally = ev.stream().filter(c -> c.hasPath("reason")).findFirst().orElseThrow();
    assertEquals("auth", tally.getString("reason"));
    assertEquals(SRC, tally.getString("src"));
    assertEquals(200, tally.getInt("count"));
  }

  private static Packet garbage(Random r) {
    byte[] junk = new byte[160];
    r.nextBytes(junk);
    return udp(SRC, DST, Base64s.encode(junk));
  }

  private static long count(List<Config> ev, String event, String reason) {
    return ev.stream().filter(c -> c.getString("event").equals(event)
        && (reason == null || c.hasPath("reason") && c.getString("reason").equals(reason)))
        .mapToLong(c -> c.hasPath("count") ? c.getLong("count") : 1).sum();
  }

  @Test
  void spoofedGarbageFromAUsersAddressDoesNotStopTheirPacket() throws Exception {
    rateLimit = 1;
    List<Packet> ps = new ArrayList<>();
    Random r = new Random(5);
    for (int i = 0; i < 500; i++) {
      ps.add(garbage(r));
    }
    ps.add(knock(access("alice", "10.0.0.5", "tcp/22", now()).build()));
    List<Config> ev = runTest("", ACCESS, ps.toArray(new Packet[0]));
    assertEquals(1, count(ev, "accept", null), ev.toString());
    assertEquals(500, count(ev, "deny", "auth"), ev.toString());
  }

  @Test
  void aUserOverTheLimitIsRefusedWithReasonRateAndOthersAreNot() throws Exception {
    rateLimit = 1; // two at once
    List<Packet> ps = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ps.add(knock(access("alice", "10.0.0.5", "tcp/22", now()).build()));
    }
    ps.add(udp("198.18.0.11", DST, wire(TestKit.defaultEncryptor(), access("bob", "10.0.0.6", "tcp/22", now()).build())));
    List<Config> ev = runTest("", ACCESS, ps.toArray(new Packet[0]));
    assertEquals(3, count(ev, "accept", null), ev.toString());
    List<Config> rate = ev.stream().filter(c -> c.getString("event").equals("deny")).toList();
    assertEquals(3, rate.size(), ev.toString());
    for (Config c : rate) {
      assertEquals("rate", c.getString("reason"));
      assertEquals("alice", c.getString("user"), "an authenticated refusal names who asked");
      assertEquals(SRC, c.getString("src"));
      assertTrue(c.hasPath("src_port"), "one event per authenticated refusal, not a tally");
    }
    assertEquals(List.of("198.18.0.11"), ev.stream().filter(c -> c.getString("event").equals("accept")
        && !c.getString("src").equals(SRC)).map(c -> c.getString("src")).toList());
  }

  @Test
  void refusalsOfUnauthenticatedPacketsAreTalliedPerReasonAndSource() throws Exception {
    List<Packet> ps = new ArrayList<>();
    Random r = new Random(6);
    for (int i = 0; i < 7; i++) {
      ps.add(garbage(r));
      byte[] junk = new byte[160];
      r.nextBytes(junk);
      ps.add(udp("198.18.0.12", DST, Base64s.encode(junk)));
    }
    ps.add(udp("198.18.0.13", DST, Base64s.encode(new byte[160])));
    List<Config> ev = runTest("", ACCESS.replace("SOURCE ANY", "SOURCE 198.18.0.10,198.18.0.12"),
        ps.toArray(new Packet[0]));
    assertEquals(3, ev.size(), ev.toString());
    for (Config c : ev) {
      long expected = switch (c.getString("src")) {
        case SRC, "198.18.0.12" -> 7;
        default -> 1;
      };
      assertEquals(expected, c.getLong("count"), c.toString());
      assertEquals(c.getString("src").equals("198.18.0.13") ? "source" : "auth", c.getString("reason"));
      assertTrue(!c.hasPath("src_port") && !c.hasPath("dst"), c.toString());
    }
  }

  @Test
  void logEachDenyReportsEveryRefusal() throws Exception {
    logEachDeny = true;
    Random r = new Random(7);
    List<Config> ev = runTest("", ACCESS, garbage(r), garbage(r), garbage(r));
    assertEquals(3, ev.size(), ev.toString());
    assertTrue(ev.stream().allMatch(c -> c.getString("reason").equals("auth") && !c.hasPath("count")
        && c.getInt("src_port") == 40000), ev.toString());
  }

  /** fwknopd logs each of these ("not a valid SPA message format", "not an SPA message"); spad denies them. */
  private static Packet[] malformed() {
    Packet authentic = knock(access("alice", "10.0.0.5", "tcp/22", now()).build());
    String a = "A".repeat(150);
    return new Packet[] {
        udp(SRC, DST, spa.core.codec.WireForm.SALTED + new String(authentic.payload(), java.nio.charset.StandardCharsets.US_ASCII)),
        udp(SRC, DST, "hQ" + a + a + a),
        udp(SRC, DST, a + ":" + a),
        udp("198.18.0.12", DST, a + "!!"),
        udp(SRC, DST, "A".repeat(100))}; // too short: counted, as fwknopd ignores it in silence
  }

  @Test
  void prefilterRefusalsFwknopdLogsAreTalliedWithTheirReason() throws Exception {
    List<Config> ev = runTest("", ACCESS, malformed());
    assertEquals(3, ev.size(), ev.toString());
    assertEquals(2, count(ev, "deny", "prefix"), ev.toString());
    assertEquals(2, count(ev, "deny", "not-base64"), ev.toString());
    assertTrue(ev.stream().allMatch(c -> c.getString("event").equals("deny") && c.hasPath("count")
        && !c.getString("detail").isEmpty()), ev.toString());
    assertEquals(List.of(SRC, "198.18.0.12"), ev.stream().filter(c -> c.getString("reason").equals("not-base64"))
        .map(c -> c.getString("src")).sorted().toList());
  }

  @Test
  void logEachDenyReportsEachPrefilterRefusal() throws Exception {
    logEachDeny = true;
    List<Config> ev = runTest("", ACCESS, malformed());
    assertEquals(List.of("prefix", "prefix", "not-base64", "not-base64"),
        ev.stream().map(c -> c.getString("reason")).toList(), ev.toString());
    assertTrue(ev.stream().allMatch(c -> !c.hasPath("count") && c.getInt("src_port") == 40000), ev.toString());
  }

  @Test
  void theDecryptBudgetRefusesWithReasonRateForAllSourcesAlike() throws Exception {
    decryptLimit = 1; // one attempt, then none for a second
    Random r = new Random(8);
    List<Config> ev = runTest("", ACCESS, garbage(r), garbage(r), garbage(r),
        udp("198.18.0.14", DST, Base64s.encode(new byte[170])));
    assertEquals(1, count(ev, "deny", "auth"), ev.toString());
    assertEquals(3, count(ev, "deny", "rate"), ev.toString());
  }
}
