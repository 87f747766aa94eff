package spa.server.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.server.testkit.TestKit.addr;

import com.typesafe.config.Config;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import spa.core.Nat;
import spa.core.Packet;
import spa.core.ProtoPort;
import spa.server.testkit.TestKit;

class EventFormatTest {
  private static final long T = 1_795_249_742_123L; // 2026-11-21T08:29:02.123Z

  private static String render(EventFormat f, Event... events) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventOutput o = new EventOutput(out, f);
    EventLog log = o.newLog(true);
    for (Event e : events) {
      log.emit(e);
    }
    assertEquals(0, out.size(), "batched logs write when flushed");
    log.flush();
    return out.toString(StandardCharsets.UTF_8);
  }

  private static Event accept(Nat nat) {
    return Event.builder(Event.Type.ACCEPT, T).packet(packet("198.18.0.10", 40000, "0.0.0.0", 17)).user("alice")
        .allow("10.0.0.5").access(List.of(new ProtoPort("tcp", 22), new ProtoPort("udp", 53))).nat(nat).timeout(30)
        .stanza("ssh").build();
  }

  private static Packet packet(String src, int srcPort, String dst, int protocol) {
    return new Packet(addr(src), srcPort, addr(dst), 62201, protocol, new byte[0], java.time.Instant.EPOCH);
  }

  @Test
  void acceptEventsCarryEveryField() {
    Config c = TestKit.jsonLines(render(EventFormat.JSON, accept(null))).get(0);
    assertEquals("2026-11-21T08:29:02.123Z", c.getString("ts"));
    assertEquals("accept", c.getString("event"));
    assertEquals("198.18.0.10", c.getString("src"));
    assertEquals(40000, c.getInt("src_port"));
    assertEquals("0.0.0.0", c.getString("dst"));
    assertEquals(62201, c.getInt("dst_port"));
    assertEquals("udp", c.getString("proto"));
    assertEquals("alice", c.getString("user"));
    assertEquals("10.0.0.5", c.getString("allow"));
    assertEquals(List.of("tcp/22", "udp/53"), c.getStringList("access"));
    assertTrue(c.getIsNull("nat"));
    assertEquals(30, c.getInt("timeout"));
    assertEquals("ssh", c.getString("stanza"));
    assertFalse(c.hasPath("reason"));
  }

  @Test
  void natIsAnObject() {
    Config c = TestKit.jsonLines(render(EventFormat.JSON,
        accept(new Nat(Nat.Kind.FORWARD, addr("192.168.1.2"), 22, Nat.Snat.SNAT, addr("198.18.0.1"), true)))).get(0);
    assertEquals("forward", c.getString("nat.kind"));
    assertEquals("192.168.1.2", c.getString("nat.to"));
    assertEquals(22, c.getInt("nat.port"));
    assertTrue(c.getBoolean("nat.dnat"));
    assertEquals("snat", c.getString("nat.snat"));
    assertEquals("198.18.0.1", c.getString("nat.snat_to"));
  }

  @Test
  void denyEventsCarryAReasonAndEscapeHostileText() {
    Event deny = Event.builder(Event.Type.DENY, T).packet(packet("fd00::7", 1, "fd00::1", 6)).user("ev\"il\\\u0001")
        .reason("user").detail("bad \"user\"\n\u00e9").build();
    String line = render(EventFormat.JSON, deny);
    assertEquals(1, line.lines().count());
    Config c = TestKit.jsonLines(line).get(0);
    assertEquals("deny", c.getString("event"));
    assertEquals("user", c.getString("reason"));
    assertEquals("fd00::7", c.getString("src"), "canonical short form");
    assertEquals("tcp", c.getString("proto"));
    assertEquals("ev\"il\\\u0001", c.getString("user"));
    assertEquals("bad \"user\"\n\u00e9", c.getString("detail"));
    assertFalse(c.hasPath("timeout"));
    assertFalse(c.hasPath("allow"));
  }

  @Test
  void ipv6AddressesAreWrittenShortAndKeptApartFromTheirPort() {
    Event deny = Event.builder(Event.Type.DENY, T).packet(packet("fd00:5:0:0:0:0:0:2", 57315, "fd00:0:0:0:0:0:0:1", 17))
        .reason("replay").build();
    assertEquals("2026-11-21T08:29:02.123Z deny reason=replay src=[fd00:5::2]:57315 dst=[fd00::1]:62201/udp",
        render(EventFormat.TEXT, deny).strip());
    Config c = TestKit.jsonLines(render(EventFormat.JSON, deny)).get(0);
    assertEquals("fd00:5::2", c.getString("src"));
    assertEquals("fd00::1", c.getString("dst"));
  }

  @Test
  void textFormatIsOneReadableLine() {
    String t = render(EventFormat.TEXT, accept(new Nat(Nat.Kind.LOCAL, addr("127.0.0.1"), 2222, Nat.Snat.NONE, null, true)),
        Event.plain(T, Event.Type.ERROR, "queue-full", "12 packets dropped"));
    List<String> lines = t.lines().toList();
    assertEquals("2026-11-21T08:29:02.123Z accept src=198.18.0.10:40000 dst=0.0.0.0:62201/udp user=\"alice\" "
        + "allow=10.0.0.5 access=tcp/22,udp/53 nat=local:127.0.0.1:2222 timeout=30 stanza=\"ssh\"", lines.get(0));
    assertEquals("2026-11-21T08:29:02.123Z error reason=queue-full detail=\"12 packets dropped\"", lines.get(1));
  }

  @Test
  void aTallyCarriesItsSourceAndCountWithoutPacketFields() {
    Event tally = Event.builder(Event.Type.DENY, T).reason("auth").source(addr("198.18.0.9")).count(1200)
        .detail("HMAC mismatch").build();
    Config c = TestKit.jsonLines(render(EventFormat.JSON, tally)).get(0);
    assertEquals("deny", c.getString("event"));
    assertEquals("auth", c.getString("reason"));
    assertEquals("198.18.0.9", c.getString("src"));
    assertEquals(1200, c.getLong("count"));
    assertFalse(c.hasPath("src_port") || c.hasPath("dst") || c.hasPath("proto"), c.toString());
    assertEquals("2026-11-21T08:29:02.123Z deny reason=auth src=198.18.0.9 count=1200 detail=\"HMAC mismatch\"",
        render(EventFormat.TEXT, tally).strip());
  }
}
