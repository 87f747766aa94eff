package spa.server.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import spa.core.Grant;
import spa.core.ProtoPort;
import spa.server.testkit.TestKit;

/** Fleet entries: what one gateway writes another reads back, and nothing altered or keyed otherwise passes. */
class FleetEntryTest {
  static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  static final Grant GRANT = new Grant(TestKit.addr("198.18.0.7"), TestKit.addr("198.18.1.1"),
      List.of(new ProtoPort("tcp", 22), new ProtoPort("udp", 53)), null, Instant.ofEpochMilli(1_800_000_000_123L),
      "ssh users");

  @Test
  void aGrantAndAFlushReadBackAsWritten() {
    FleetEntry g = FleetEntry.grant("gw-a", 1_799_999_990_000L, GRANT);
    assertEquals(g, FleetEntry.decode(KEY, g.encode(KEY)));
    FleetEntry f = FleetEntry.flush("gw-a", 1_799_999_999_000L);
    assertEquals(f, FleetEntry.decode(KEY, f.encode(KEY)));
    Grant v6 = new Grant(TestKit.addr("fd00::7"), null, List.of(new ProtoPort("tcp", 443)), null,
        Instant.ofEpochMilli(1_800_000_000_000L), "x");
    assertEquals(v6, FleetEntry.decode(KEY, FleetEntry.grant("b", 1, v6).encode(KEY)).grant());
  }

  @Test
  void anotherKeyIsRefused() {
    String text = FleetEntry.grant("gw-a", 1, GRANT).encode(KEY);
    byte[] other = KEY.clone();
    other[0] ^= 1;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FleetEntry.decode(other, text));
    assertTrue(e.getMessage().contains("MAC does not match FLEET_KEY"), e.getMessage());
  }

  /** Each field changed by one character: the MAC no longer matches. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void anyAlteredFieldIsRefused(int field) {
    String[] f = FleetEntry.grant("gw-a", 1_799_999_990_000L, GRANT).encode(KEY).split(" ");
    char last = f[field].charAt(f[field].length() - 1);
    f[field] = f[field].substring(0, f[field].length() - 1) + (last == '1' ? '2' : '1');
    assertThrows(IllegalArgumentException.class, () -> FleetEntry.decode(KEY, String.join(" ", f)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "x", "spa-fleet-1 grant a 1 - - - - - !!!", "a b c"})
  void malformedTextIsRefusedInOneLine(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FleetEntry.decode(KEY, text));
    assertEquals(1, e.getMessage().lines().count());
  }
}
