package spa.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import spa.server.event.EventFormat;
import spa.server.event.EventOutput;
import spa.server.testkit.TestKit;

class DenyTallyTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final EventOutput events = new EventOutput(out, EventFormat.JSON);

  private List<String> flushed(DenyTally t) {
    out.reset();
    t.flush(1000);
    return TestKit.jsonLines(out).stream()
        .map(c -> c.getString("reason") + " " + (c.hasPath("src") ? c.getString("src") : "-") + " "
            + c.getLong("count") + " " + c.getString("detail")).sorted().toList();
  }

  @Test
  void countsPerReasonAndSourceEachPeriodAndKeepsTheFirstDetail() {
    DenyTally t = new DenyTally(10, events.newLog(true));
    t.add("auth", TestKit.addr("198.18.0.1"), "first");
    t.add("auth", TestKit.addr("198.18.0.1"), "second");
    t.add("prefix", TestKit.addr("198.18.0.1"), "p");
    t.add("auth", TestKit.addr("198.18.0.2"), "other");
    assertEquals(List.of("auth 198.18.0.1 2 first", "auth 198.18.0.2 1 other", "prefix 198.18.0.1 1 p"), flushed(t));
    assertEquals(List.of(), flushed(t), "nothing new: nothing reported");
    t.add("auth", TestKit.addr("198.18.0.1"), "later");
    assertEquals(List.of("auth 198.18.0.1 1 later"), flushed(t));
  }

  @Test
  void sourcesBeyondTheBoundAreCountedTogetherUntilIdlePairsAreRetired() {
    DenyTally t = new DenyTally(2, events.newLog(true));
    for (int i = 1; i <= 4; i++) {
      t.add("auth", TestKit.addr("198.18.0." + i), "d");
    }
    List<String> first = flushed(t);
    assertEquals(3, first.size(), first.toString());
    assertEquals("auth - 2 d (sources beyond the 2 counted one by one)", first.get(0));
    flushed(t); // a period without any: the pairs are retired
    t.add("auth", TestKit.addr("198.18.0.3"), "d");
    t.add("auth", TestKit.addr("198.18.0.4"), "d");
    assertEquals(List.of("auth 198.18.0.3 1 d", "auth 198.18.0.4 1 d"), flushed(t));
  }

  @Test
  void concurrentCountsAcrossFlushesAreNotLost() throws Exception {
    DenyTally t = new DenyTally(4, events.newLog(true));
    int threads = 4;
    int each = 20_000;
    long[] total = new long[1];
    Thread[] ts = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      String src = "198.18.0." + (1 + i % 2);
      ts[i] = new Thread(() -> {
        for (int k = 0; k < each; k++) {
          t.add("auth", TestKit.addr(src), "d");
        }
      });
      ts[i].start();
    }
    boolean running = true;
    while (running) {
      running = false;
      for (Thread th : ts) {
        running |= th.isAlive();
      }
      total[0] += sum(t);
    }
    total[0] += sum(t);
    assertEquals((long) threads * each, total[0]);
  }

  private long sum(DenyTally t) {
    out.reset();
    t.flush(1000);
    return TestKit.jsonLines(out).stream().mapToLong((Config c) -> c.getLong("count")).sum();
  }
}
