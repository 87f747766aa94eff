package spa.server.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Encodings of event values, including those a line remembers from earlier events. */
class ByteLineTest {
  private static String text(ByteLine l) {
    return new String(l.array(), 0, l.length(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void remembersLongStringsWithoutMixingTheirEncodings() {
    String detail = "a \"quoted\" detail\twith a tab and \\ and \u00e9";
    String json = "\"a \\\"quoted\\\" detail\\twith a tab and \\\\ and \\u00e9\"";
    String printable = "a \\\"quoted\\\" detail\\x09with a tab and \\\\ and \\xe9";
    ByteLine l = new ByteLine(16);
    for (int i = 0; i < 3; i++) {
      l.reset();
      l.jsonString(detail);
      assertEquals(json, text(l));
      l.reset();
      l.printable(detail);
      assertEquals(printable, text(l));
    }
  }

  @Test
  void aRememberedEncodingFollowsWhateverTheLineHolds() {
    String detail = "no matching stanza's keys verify and decrypt the packet";
    ByteLine l = new ByteLine(8);
    l.put('{').jsonString(detail).put(',').jsonString(detail).put('}');
    assertEquals("{\"" + detail + "\",\"" + detail + "\"}", text(l));
  }

  @Test
  void manyDifferentStringsEachKeepTheirOwnEncoding() {
    ByteLine l = new ByteLine(64);
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 10; i++) {
        String s = "a long enough string, number " + i + (i % 2 == 0 ? " \"even\"" : " odd");
        l.reset();
        l.jsonString(s);
        assertEquals("\"" + s.replace("\"", "\\\"") + "\"", text(l));
      }
    }
  }

  @Test
  void shortStringsAndEqualButDistinctStrings() {
    ByteLine l = new ByteLine(4);
    l.jsonString("auth").put(' ').jsonString(new String("auth"));
    assertEquals("\"auth\" \"auth\"", text(l));
    String a = new StringBuilder("x".repeat(30)).append('"').toString();
    String b = new StringBuilder("x".repeat(30)).append('"').toString();
    l.reset();
    l.jsonString(a).jsonString(b);
    String enc = "\"" + "x".repeat(30) + "\\\"\"";
    assertEquals(enc + enc, text(l));
  }

  @Test
  void numbersOfEveryLengthAndSignAreTheirDecimalText() {
    ByteLine l = new ByteLine(2);
    long[] edges = {0, 9, 10, 99, 100, 65_535, 99_999, 100_000, 999_999_999, 1_000_000_000, Integer.MAX_VALUE,
        Integer.MAX_VALUE + 1L, -1, -10, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE};
    for (long v : edges) {
      l.reset();
      l.number(v);
      assertEquals(Long.toString(v), text(l));
    }
    for (long v = 1; v > 0 && v < Long.MAX_VALUE / 3; v = v * 3 + 1) {
      l.reset();
      l.put('x').number(v).put('y');
      assertEquals("x" + v + "y", text(l));
    }
  }

  @Test
  void ipv4AddressesAreDottedDecimalForEveryOctet() throws Exception {
    ByteLine l = new ByteLine(1);
    for (int v = 0; v < 256; v++) {
      byte b = (byte) v;
      InetAddress a = InetAddress.getByAddress(new byte[] {b, (byte) (255 - v), (byte) (v / 3), b});
      l.reset();
      l.put('[').address(a).put(']');
      assertEquals("[" + a.getHostAddress() + "]", text(l));
    }
  }
}
