package spa.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import spa.server.event.EventFormat;
import spa.server.event.EventOutput;
import spa.server.testkit.TestKit;

class CaptureDropsTest {

  @Test
  void aRisingCountIsOneErrorEventPerCheckAndAFlatOneNone() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventOutput events = new EventOutput(out, EventFormat.JSON);
    CaptureDrops drops = new CaptureDrops(events.newLog(false), () -> 1_800_000_000_000L);
    AtomicLong dropped = new AtomicLong();
    assertEquals(0, drops.count(), "no capture watched yet");
    drops.watch(dropped::get);
    drops.check();
    dropped.set(40);
    assertEquals(40, drops.count(), "read live, for spad -S");
    drops.check();
    drops.check();
    dropped.set(45);
    drops.check();
    drops.close();
    events.close();
    List<Config> lines = TestKit.jsonLines(out);
    assertEquals(2, lines.size(), lines::toString);
    for (Config c : lines) {
      assertEquals("error", c.getString("event"));
      assertEquals("capture-dropped", c.getString("reason"));
    }
    assertEquals("40 packets dropped by the capture so far (+40): it cannot keep up; see SPA_UDP_RECEIVE_BUFFER,"
        + " SPA_PCAP_BUFFER_SIZE", lines.get(0).getString("detail"));
    assertEquals("45 packets dropped by the capture so far (+5): it cannot keep up; see SPA_UDP_RECEIVE_BUFFER,"
        + " SPA_PCAP_BUFFER_SIZE", lines.get(1).getString("detail"));
  }

  @Test
  void statsShowTheCapturesCount() {
    Stats s = new Stats(10, java.util.Map.of(), 1, 7, 2, java.util.Map.of(), 0, 3);
    assertEquals("received=10 ignored={} queue-dropped=1 capture-dropped=7 accepted=2 denied={} replays=0"
        + " replay-cache=3", s.summary());
  }
}
