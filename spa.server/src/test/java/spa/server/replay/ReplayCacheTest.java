package spa.server.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReplayCacheTest {
  @Test
  void insertsOnceFindsAndPrunes() {
    ReplayCache c = new ReplayCache();
    SplittableRandom r = new SplittableRandom(7);
    int n = 50_000;
    long[] a = new long[n];
    long[] b = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextLong();
      b[i] = r.nextLong();
      assertEquals(ReplayCache.INSERTED, c.putIfAbsent(a[i], b[i], 1000 + i % 100));
    }
    assertEquals(n, c.size());
    for (int i = 0; i < n; i++) {
      assertEquals(1000 + i % 100, c.lookup(a[i], b[i]));
      assertEquals(1000 + i % 100, c.putIfAbsent(a[i], b[i], 5));
    }
    assertEquals(ReplayCache.ABSENT, c.lookup(a[0], b[0] + (1L << 32)));
    int removed = c.prune(1050);
    assertEquals(n / 2, removed);
    assertEquals(n / 2, c.size());
    for (int i = 0; i < n; i++) {
      assertEquals(i % 100 < 50 ? ReplayCache.ABSENT : 1000 + i % 100, c.lookup(a[i], b[i]));
    }
  }

  @Test
  void keysAre96BitsAndSecondsUnsigned32Bits() {
    ReplayCache c = new ReplayCache();
    long k1 = 0x0123_4567_89ab_cdefL;
    assertEquals(ReplayCache.INSERTED, c.putIfAbsent(42, k1, 4_000_000_000L));
    assertEquals(4_000_000_000L, c.lookup(42, k1), "seconds past 2038 are kept");
    assertEquals(4_000_000_000L, c.lookup(42, k1 ^ 0xffff_ffffL), "the last 32 bits of the 128 given are not kept");
    assertEquals(ReplayCache.ABSENT, c.lookup(42, k1 ^ 1L << 32));
    assertEquals(ReplayCache.ABSENT, c.lookup(43, k1));
    assertEquals(ReplayCache.INSERTED, c.putIfAbsent(44, k1, -5));
    assertEquals(0, c.lookup(44, k1));
    assertEquals(ReplayCache.INSERTED, c.putIfAbsent(45, k1, Long.MAX_VALUE));
    assertEquals(0xffff_ffffL, c.lookup(45, k1));
  }

  @Test
  void keysThatShareAStripeFingerprintAndSlotStayDistinct() {
    ReplayCache c = new ReplayCache();
    for (long i = 0; i < 5_000; i++) {
      assertEquals(ReplayCache.INSERTED, c.putIfAbsent(i << 32, 5, 1));
    }
    for (long i = 0; i < 5_000; i++) {
      assertEquals(1, c.lookup(i << 32, 5));
    }
    assertEquals(ReplayCache.ABSENT, c.lookup(5_000L << 32, 5));
    assertEquals(5_000, c.prune(2));
    assertEquals(0, c.size());
    assertEquals(ReplayCache.ABSENT, c.lookup(0, 5));
  }

  @Test
  void presizedCachesHoldWhatTheyWereSizedFor() {
    ReplayCache c = new ReplayCache(200_000);
    SplittableRandom r = new SplittableRandom(9);
    for (int i = 0; i < 200_000; i++) {
      assertEquals(ReplayCache.INSERTED, c.putIfAbsent(r.nextLong(), r.nextLong(), 7));
    }
    assertEquals(200_000, c.size());
  }

  @Test
  void queriesWaitForALoadInProgressAndThenSeeItsRecords() throws Exception {
    ReplayCache c = new ReplayCache();
    c.beginLoad();
    CompletableFuture<Long> knock = CompletableFuture.supplyAsync(() -> c.putIfAbsent(1, 2, 500));
    CompletableFuture<Long> look = CompletableFuture.supplyAsync(() -> c.lookup(1, 2));
    Thread.sleep(200);
    assertFalse(knock.isDone(), "a packet must not be found new before the records are in");
    assertFalse(look.isDone());
    assertEquals(ReplayCache.INSERTED, c.load(1, 2, 100)); // the record on disk for the same packet
    c.endLoad(null);
    assertEquals(100, knock.get(5, TimeUnit.SECONDS), "the knock is a replay of the loaded record");
    assertEquals(100, look.get(5, TimeUnit.SECONDS));
    assertEquals(ReplayCache.INSERTED, c.putIfAbsent(3, 4, 600));
  }

  @Test
  void aFailedLoadRefusesEveryQuery() throws Exception {
    ReplayCache c = new ReplayCache();
    c.beginLoad();
    CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> c.putIfAbsent(1, 2, 500));
    c.endLoad(new IOException("disk gone"));
    var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> waiting.get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof IllegalStateException, e.toString());
    assertTrue(e.getCause().getMessage().contains("disk gone"), e.getCause().getMessage());
    assertThrows(IllegalStateException.class, () -> c.lookup(1, 2));
    assertThrows(IllegalStateException.class, () -> c.putIfAbsent(5, 6, 500));
  }

  @Test
  void concurrentWritersRecordEachKeyOnceThroughGrowth() throws Exception {
    // four threads insert the same 200,000 keys, half of them crowded into one stripe, while tables grow
    int n = 200_000;
    long[] k0 = new long[n];
    long[] k1 = new long[n];
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < n; i++) {
      k0[i] = i % 2 == 0 ? r.nextLong() & 0x03ff_ffff_ffff_ffffL : r.nextLong(); // even keys share stripe 0
      k1[i] = r.nextLong();
    }
    ReplayCache c = new ReplayCache();
    java.util.concurrent.atomic.AtomicIntegerArray wins = new java.util.concurrent.atomic.AtomicIntegerArray(n);
    int threads = 4;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
    java.util.List<Thread> ts = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t * 997;
      Thread th = new Thread(() -> {
        try {
          start.await();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        for (int j = 0; j < n; j++) {
          int i = (j + offset) % n;
          if (c.putIfAbsent(k0[i], k1[i], 100 + i) == ReplayCache.INSERTED) {
            wins.incrementAndGet(i);
          }
        }
      });
      ts.add(th);
      th.start();
    }
    for (Thread th : ts) {
      th.join(60_000);
    }
    for (int i = 0; i < n; i++) {
      assertEquals(1, wins.get(i), "key " + i + " recorded once");
      assertEquals(100 + i, c.lookup(k0[i], k1[i]));
    }
    assertEquals(n, c.size());
  }
}
