package spa.server.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.Nat;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.core.fleet.GrantBus;
import spa.core.spi.FirewallBackend;
import spa.server.event.EventFormat;
import spa.server.event.EventOutput;
import spa.server.grant.GrantJournal;
import spa.server.grant.GrantManager;
import spa.server.policy.Policy;
import spa.server.testkit.ManualTime;
import spa.server.testkit.TestKit;

/**
 * What a gateway does with the fleet's entries: applies those its own stanzas would allow until their expiry,
 * refuses the rest with the reason, publishes only its own grants, and removes on a flush exactly what came from
 * the gateway that flushed.
 */
class FleetGrantsTest {
  static final byte[] KEY = FleetEntryTest.KEY;
  @TempDir
  Path dir;
  final ManualTime clock = new ManualTime(Instant.ofEpochMilli(1_800_000_000_000L));
  final Held firewall = new Held();
  final Bus bus = new Bus();
  final List<String> warnings = new CopyOnWriteArrayList<>();
  final ByteArrayOutputStream events = new ByteArrayOutputStream();
  Policy policy;
  String stanza;
  GrantManager grants;
  FleetGrants fleet;

  @BeforeEach
  void setUp() throws Exception {
    policy = TestKit.policy(TestKit.config(dir, "",
        "SOURCE 198.18.0.0/24\nOPEN_PORTS tcp/22, udp/53\nKEY k\nHMAC_KEY h\nFW_ACCESS_TIMEOUT 30\nMAX_FW_TIMEOUT 120\n"));
    stanza = policy.stanzas().get(0).name();
    grants = new GrantManager(firewall, new GrantJournal(dir.resolve("grants")), clock, clock, new GrantManager.Listener() {
      @Override
      public void expired(Grant grant) {}

      @Override
      public void failed(String operation, Grant grant, Exception cause) {}
    });
    fleet = new FleetGrants(bus, KEY, "gw-b", () -> policy, grants,
        new EventOutput(events, EventFormat.JSON).newLog(false), clock::millis, warnings::add);
  }

  Grant grant(String source, long lifeMillis, String... access) {
    List<ProtoPort> pp = new ArrayList<>();
    for (String a : access) {
      pp.add(ProtoPort.parse(a, 1));
    }
    return new Grant(TestKit.addr(source), null, pp, null, Instant.ofEpochMilli(clock.millis() + lifeMillis), stanza);
  }

  String from(String origin, Grant g) {
    return FleetEntry.grant(origin, clock.millis(), g).encode(KEY);
  }

  @Test
  void aGrantTheStanzaAllowsOpensUntilItsOwnExpiry() {
    Grant g = grant("198.18.0.7", 60_000, "tcp/22");
    fleet.received(List.of(from("gw-a", g)));
    assertEquals(List.of(g), firewall.held);
    assertEquals(g.expires(), grants.active().get(0).expires());
    assertTrue(events.toString().contains("fleet: from gw-a"), events.toString());
    assertEquals(List.of(), bus.published, "a grant from the fleet is not published again");
  }

  @Test
  void whatTheLocalStanzaWouldNotAllowIsRefusedWithTheReason() {
    Grant otherStanza = new Grant(TestKit.addr("198.18.0.7"), null, List.of(new ProtoPort("tcp", 22)), null,
        Instant.ofEpochMilli(clock.millis() + 60_000), "not here");
    String forged = from("gw-a", grant("198.18.0.8", 60_000, "tcp/22"));
    forged = forged.substring(0, forged.length() - 4) + "AAA=";
    fleet.received(List.of(
        from("gw-a", otherStanza),
        from("gw-a", grant("198.18.0.7", 60_000, "tcp/23")),
        from("gw-a", grant("198.18.5.7", 60_000, "tcp/22")),
        from("gw-a", grant("198.18.0.7", 600_000, "tcp/22")),
        forged));
    assertEquals(List.of(), firewall.held);
    String all = String.join("\n", warnings);
    assertTrue(all.contains("no stanza named 'not here' here"), all);
    assertTrue(all.contains("tcp/23 is not allowed"), all);
    assertTrue(all.contains("198.18.5.7 is outside"), all);
    assertTrue(all.contains("lasts longer than"), all);
    assertTrue(all.contains("MAC does not match FLEET_KEY"), all);
    assertEquals(5, warnings.size());
  }

  @Test
  void itsOwnEntriesAndOutdatedOnesAreSkippedQuietly() {
    fleet.received(List.of(from("gw-b", grant("198.18.0.7", 60_000, "tcp/22")),
        from("gw-a", grant("198.18.0.8", 500, "tcp/22"))));
    assertEquals(List.of(), firewall.held);
    assertEquals(List.of(), warnings);
  }

  @Test
  void onlyPlainGrantsMadeHereArePublished() {
    Grant plain = grant("198.18.0.7", 60_000, "tcp/22");
    fleet.published(plain);
    fleet.published(new Grant(plain.source(), null, plain.access(), new Nat(Nat.Kind.FORWARD, TestKit.addr("198.18.1.2"), 22, Nat.Snat.NONE, null, true),
        plain.expires(), stanza));
    assertEquals(1, bus.published.size());
    FleetEntry e = FleetEntry.decode(KEY, bus.published.get(0));
    assertEquals("gw-b", e.origin());
    assertEquals(plain, e.grant());
  }

  @Test
  void aFlushRemovesWhatCameFromThatGatewayAndCannotBeUndoneByReplay() {
    Grant fromA = grant("198.18.0.7", 60_000, "tcp/22");
    Grant fromC = grant("198.18.0.8", 60_000, "tcp/22");
    Grant reknockedHere = grant("198.18.0.9", 60_000, "udp/53");
    String oldEntry = from("gw-a", fromA);
    fleet.received(List.of(oldEntry, from("gw-c", fromC), from("gw-a", reknockedHere)));
    fleet.published(reknockedHere); // the same opening knocked here: now this gateway's own
    assertEquals(3, firewall.held.size());
    clock.advanceMillis(1000);
    fleet.received(List.of(FleetEntry.flush("gw-a", clock.millis()).encode(KEY)));
    assertEquals(List.of(fromC, reknockedHere), firewall.held);
    fleet.received(List.of(oldEntry));
    assertEquals(2, firewall.held.size(), "an entry from before the flush, written again, opens nothing");
    assertTrue(String.join("\n", warnings).contains("published before gw-a's flush"), String.join("\n", warnings));
    clock.advanceMillis(1000);
    fleet.received(List.of(from("gw-a", fromA)));
    assertEquals(3, firewall.held.size(), "a new grant from gw-a after its flush opens");
  }

  /** The opening a firewall holds, as nftables would: kernel expiry, one per source and access. */
  static final class Held implements FirewallBackend {
    final List<Grant> held = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "held";
    }

    @Override
    public boolean kernelExpiry() {
      return true;
    }

    @Override
    public void start(Settings settings) {}

    @Override
    public void open(Grant grant) {
      held.removeIf(grant::sameOpening);
      held.add(grant);
    }

    @Override
    public void close(Grant grant) {
      held.removeIf(grant::sameOpening);
    }

    @Override
    public List<Grant> list() {
      return List.copyOf(held);
    }

    @Override
    public void flush() throws FirewallException {
      held.clear();
    }
  }

  /** A bus that keeps what is published; entries are handed to the gateway by the test. */
  static final class Bus implements GrantBus {
    final List<String> published = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "test";
    }

    @Override
    public void start(Settings settings, long catchUpMillis, Receiver receiver) {}

    @Override
    public boolean publish(String entry) {
      return published.add(entry);
    }

    @Override
    public void close() {}
  }
}
