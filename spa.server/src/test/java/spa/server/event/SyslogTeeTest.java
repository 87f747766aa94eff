package spa.server.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SyslogTeeTest {
  @Test
  void everyWholeLineGoesBothWaysWithTheInfoPrefix() throws Exception {
    LineFeed feed = new LineFeed(16);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SyslogTee tee = new SyslogTee(out, feed::offer);
    byte[] chunk = "first\nsec".getBytes(StandardCharsets.UTF_8);
    tee.write(chunk, 0, chunk.length);
    byte[] rest = "ond\n\nthird\n".getBytes(StandardCharsets.UTF_8);
    tee.write(rest, 0, rest.length);
    feed.close();
    assertEquals("first\nsecond\n\nthird\n", out.toString(StandardCharsets.UTF_8));
    assertEquals("<6>first\n<6>second\n<6>third\n", new String(feed.readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void aFullFeedDropsAndCountsInsteadOfWaiting() {
    LineFeed feed = new LineFeed(1);
    assertEquals(true, feed.offer(new byte[] {'a', '\n'}));
    assertEquals(false, feed.offer(new byte[] {'b', '\n'}));
    assertEquals(1, feed.dropped());
  }
}
