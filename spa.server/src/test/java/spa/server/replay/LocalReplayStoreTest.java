package spa.server.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import spa.core.replay.ReplayStore;
import spa.core.replay.ReplayStore.Answer;

class LocalReplayStoreTest {
  private static byte[] sha(String s) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void firstThenSeenPerDigest() throws Exception {
    ReplayCache cache = new ReplayCache();
    ReplayStore store = new LocalReplayStore(cache);
    assertEquals("local", store.name());
    assertEquals(Answer.FIRST, store.firstSeen(sha("a"), 1000, 120_000));
    assertEquals(Answer.SEEN, store.firstSeen(sha("a"), 1001, 120_000));
    assertEquals(Answer.FIRST, store.firstSeen(sha("b"), 1001, 120_000));
    assertEquals(2, cache.size());
    assertEquals(1000, cache.lookup(ReplayCache.key0(sha("a")), ReplayCache.key1(sha("a"))));
  }

  @Test
  void prunedDigestIsNewAgain() throws Exception {
    ReplayCache cache = new ReplayCache();
    ReplayStore store = new LocalReplayStore(cache);
    store.firstSeen(sha("a"), 1000, 120_000);
    cache.prune(1001);
    assertEquals(Answer.FIRST, store.firstSeen(sha("a"), 1200, 120_000));
  }

  @Test
  void ofConcurrentCallersWithOneDigestExactlyOneIsFirst() throws Exception {
    ReplayStore store = new LocalReplayStore();
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 200; round++) {
        byte[] d = sha("packet " + round);
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Answer>> answers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          answers.add(pool.submit(() -> {
            start.await();
            return store.firstSeen(d.clone(), 1000, 120_000);
          }));
        }
        int first = 0;
        for (Future<Answer> a : answers) {
          first += a.get() == Answer.FIRST ? 1 : 0;
        }
        assertEquals(1, first, "round " + round);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
