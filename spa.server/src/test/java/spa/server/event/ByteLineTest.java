package spa.server.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
