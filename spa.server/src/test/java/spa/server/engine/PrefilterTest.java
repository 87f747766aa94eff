package spa.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import spa.core.Packet;
import spa.server.testkit.TestKit;

class PrefilterTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void fwknopdsFirstChecks() {
    Prefilter f = new Prefilter(false, false, false);
    assertEquals(Prefilter.TOO_SHORT, f.check(b("A".repeat(139))));
    assertEquals(Prefilter.PASS, f.check(b("A".repeat(140))));
    assertEquals(Prefilter.PASS, f.check(b("A".repeat(1500))));
    assertEquals(Prefilter.TOO_LONG, f.check(b("A".repeat(1501))));
    assertEquals(Prefilter.PREFIX, f.check(b("U2FsdGVkX1" + "A".repeat(200))));
    assertEquals(Prefilter.PASS, f.check(b("hQ" + "A".repeat(300))));
    assertEquals(Prefilter.PREFIX, f.check(b("hQ" + "A".repeat(400))));
    assertEquals(Prefilter.NOT_BASE64, f.check(b("A".repeat(200) + "!")));
    assertEquals(Prefilter.NOT_BASE64, f.check(b("A".repeat(200) + "\u00e9")));
    assertEquals(Prefilter.NOT_BASE64, f.check(b("GET /" + "A".repeat(200))));
    // '=' passes the first look, as in fwknopd; the cipher refuses it (with reason auth)
    assertEquals(Prefilter.PASS, f.check(b("A".repeat(200) + "=")));
  }

  @Test
  void unwrapsSpaOverHttp() {
    Prefilter f = new Prefilter(true, false, true);
    String spa = "8+/" + "A".repeat(150);
    String req = "GET /" + spa.replace('+', '-').replace('/', '_') + " HTTP/1.1\r\nUser-Agent: Fwknop/2.6.10\r\n"
        + "X-Forwarded-For: 198.18.0.77\r\nHost: x\r\n\r\n";
    Packet p = TestKit.udp("127.0.0.1", "0.0.0.0", req);
    assertEquals(Prefilter.HTTP, f.check(p.payload()));
    Packet inner = f.unwrapHttp(p);
    assertNotNull(inner);
    assertEquals(spa, new String(inner.payload(), StandardCharsets.ISO_8859_1));
    assertEquals(TestKit.addr("198.18.0.77"), inner.src());
    String noAgent = "GET /" + spa.replace('+', '-').replace('/', '_') + " HTTP/1.1\r\nUser-Agent: curl\r\n\r\n";
    assertNull(f.unwrapHttp(TestKit.udp("127.0.0.1", "0.0.0.0", noAgent)));
    assertNotNull(new Prefilter(true, true, false).unwrapHttp(TestKit.udp("127.0.0.1", "0.0.0.0", noAgent)));
  }
}
