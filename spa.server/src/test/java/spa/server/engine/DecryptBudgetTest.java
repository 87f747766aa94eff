package spa.server.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DecryptBudgetTest {
  @Test
  void oneSecondsWorthAtOnceThenTheRate() {
    AtomicLong nanos = new AtomicLong(1_000_000_000L);
    DecryptBudget b = new DecryptBudget(10, nanos::get);
    for (int i = 0; i < 10; i++) {
      assertTrue(b.take(), "attempt " + i);
    }
    assertFalse(b.take());
    nanos.addAndGet(100_000_000L);
    assertTrue(b.take());
    assertFalse(b.take());
  }
}
