package spa.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import spa.server.testkit.TestKit;

class RateLimiterTest {
  private static final InetAddress A = TestKit.addr("198.18.0.10");

  @Test
  void twoSourcesNeverResetEachOthersBucket() {
    RateLimiter r = new RateLimiter(1, 65536);
    // burst of 2 for A, then A is over; thousands of other sources in between must not refill A's bucket
    assertEquals(RateLimiter.Verdict.ALLOW, r.take("s", A, 0));
    assertEquals(RateLimiter.Verdict.ALLOW, r.take("s", A, 0));
    for (int i = 0; i < 5000; i++) {
      InetAddress other = TestKit.addr("198.19." + (i >> 8) + "." + (i & 255));
      assertEquals(RateLimiter.Verdict.ALLOW, r.take("s", other, 0));
      assertEquals(RateLimiter.Verdict.OVER, r.take("s", A, 0), "after source " + other);
    }
    assertEquals(RateLimiter.Verdict.ALLOW, r.take("other-stanza", A, 0));
    assertEquals(RateLimiter.Verdict.ALLOW, r.take("s", A, 1000));
  }

  @Test
  void idleBucketsAreDroppedAndAFullTableRefusesInsteadOfResetting() {
    RateLimiter r = new RateLimiter(1, 2);
    r.take("s", A, 0);
    r.take("s", TestKit.addr("198.18.0.11"), 0);
    assertEquals(RateLimiter.Verdict.FULL, r.take("s", TestKit.addr("198.18.0.12"), 100));
    assertEquals(2, r.size());
    // two seconds later both have refilled: they make room
    assertEquals(RateLimiter.Verdict.ALLOW, r.take("s", TestKit.addr("198.18.0.12"), 2000));
    assertEquals(1, r.size());
  }
}
