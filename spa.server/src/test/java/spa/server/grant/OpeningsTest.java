package spa.server.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import spa.core.Grant;
import spa.core.ProtoPort;

/** One grant per opening, found by source, whether a source has one opening or several. */
class OpeningsTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  private static Grant grant(String source, String access, int seconds) throws Exception {
    return new Grant(InetAddress.getByName(source), null, ProtoPort.parseList(access, 1), null,
        T.plusSeconds(seconds), "stanza-1");
  }

  @Test
  void aSourceWithOneOpeningAndOneWithSeveral() throws Exception {
    Openings o = new Openings();
    Grant a22 = grant("198.18.0.1", "tcp/22", 30);
    Grant a80 = grant("198.18.0.1", "tcp/80", 30);
    Grant b22 = grant("198.18.0.2", "tcp/22", 30);
    o.put(a22);
    o.put(b22);
    o.put(a80);
    assertEquals(3, o.size());
    assertEquals(List.of(a22, a80, b22), o.all());
    assertSame(a80, o.find(grant("198.18.0.1", "tcp/80", 99)));
    assertNull(o.find(grant("198.18.0.2", "tcp/80", 30)));
    // a later grant for the same opening replaces the held one
    Grant a22later = grant("198.18.0.1", "tcp/22", 60);
    o.put(a22later);
    assertEquals(3, o.size());
    assertFalse(o.contains(a22));
    assertTrue(o.contains(a22later));
    // removing is exact: not a grant that is only the same opening
    assertFalse(o.remove(a22));
    assertTrue(o.remove(a80));
    assertTrue(o.remove(b22));
    assertFalse(o.remove(b22));
    assertEquals(List.of(a22later), o.all());
    assertSame(a22later, o.find(a22));
    o.removeSame(a22);
    assertEquals(0, o.size());
    assertEquals(List.of(), o.all());
  }
}
