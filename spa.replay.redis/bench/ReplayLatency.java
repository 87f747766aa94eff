import java.security.SecureRandom;
import java.util.Arrays;
import spa.core.replay.ReplayStore;
import spa.replay.redis.RedisReplayStore;
import spa.replay.redis.RedisUrl;

/**
 * The time one authenticated packet spends in the shared replay check: N calls of {@code firstSeen} with distinct
 * digests against the Redis at args[0], after a warm-up, each timed alone; prints the median, p99 and max in
 * microseconds, and the count of answers that were not FIRST (must be 0).
 */
public class ReplayLatency {
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[1]);
    SecureRandom random = new SecureRandom();
    try (RedisReplayStore store = new RedisReplayStore()) {
      store.start(RedisUrl.parse(args[0]), 1000);
      byte[] d = new byte[32];
      for (int i = 0; i < 20_000; i++) { // warm-up: the JIT and the connection pool
        random.nextBytes(d);
        store.firstSeen(d, 0, 60_000);
      }
      long[] nanos = new long[n];
      int wrong = 0;
      for (int i = 0; i < n; i++) {
        random.nextBytes(d);
        long t0 = System.nanoTime();
        ReplayStore.Answer a = store.firstSeen(d, 0, 60_000);
        nanos[i] = System.nanoTime() - t0;
        if (a != ReplayStore.Answer.FIRST) {
          wrong++;
        }
      }
      Arrays.sort(nanos);
      System.out.printf("redis firstSeen: %d calls, median %.1f us, p99 %.1f us, max %.1f us, not-first %d%n", n,
          nanos[n / 2] / 1e3, nanos[(int) (n * 0.99)] / 1e3, nanos[n - 1] / 1e3, wrong);
    }
  }
}
