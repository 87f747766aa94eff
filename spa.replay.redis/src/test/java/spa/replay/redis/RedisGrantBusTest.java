package spa.replay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import spa.core.ConfigException;
import spa.core.fleet.GrantBus;

/** The fleet's stream on a real redis-server: delivery in order, catch-up at start, and across a restart. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisGrantBusTest {
  /** What one gateway received, and what it was told about the connection. */
  static final class Inbox implements GrantBus.Receiver {
    final List<String> entries = new CopyOnWriteArrayList<>();
    final List<String> states = new CopyOnWriteArrayList<>();

    @Override
    public void received(List<String> batch) {
      entries.addAll(batch);
    }

    @Override
    public void lost(String cause) {
      states.add("lost");
    }

    @Override
    public void restored() {
      states.add("restored");
    }
  }

  private static RedisGrantBus bus(RedisProcess r, long catchUpMillis, Inbox inbox) throws ConfigException {
    RedisGrantBus b = new RedisGrantBus();
    b.start(RedisUrl.parse(r.url()), 300, RedisGrantBus.DEFAULT_STREAM, catchUpMillis, inbox);
    return b;
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "timed out waiting for " + what);
      Thread.sleep(10);
    }
  }

  @Test
  void whatOneGatewayPublishesEveryGatewayReceivesInOrder() throws Exception {
    Inbox a = new Inbox();
    Inbox b = new Inbox();
    try (RedisProcess r = new RedisProcess(); RedisGrantBus busA = bus(r, 60_000, a); RedisGrantBus busB = bus(r, 60_000, b)) {
      for (int i = 0; i < 100; i++) {
        assertTrue(busA.publish("entry " + i));
      }
      await(() -> b.entries.size() == 100 && a.entries.size() == 100, "100 entries at both");
      for (int i = 0; i < 100; i++) {
        assertEquals("entry " + i, b.entries.get(i));
      }
      assertEquals(a.entries, b.entries);
    }
  }

  @Test
  void aGatewayStartingLaterCatchesUpBackToItsHorizonOnly() throws Exception {
    try (RedisProcess r = new RedisProcess()) {
      try (RedisGrantBus first = bus(r, 60_000, new Inbox())) {
        first.publish("old");
        await(() -> "1".equals(cli(r, "XLEN", RedisGrantBus.DEFAULT_STREAM)), "the entry in the stream");
      }
      Thread.sleep(1100);
      Inbox late = new Inbox();
      Inbox short_ = new Inbox();
      try (RedisGrantBus b = bus(r, 60_000, late); RedisGrantBus c = bus(r, 1000, short_)) {
        b.publish("new");
        await(() -> late.entries.size() == 2 && short_.entries.size() == 1, "catch-up");
        assertEquals(List.of("old", "new"), late.entries);
        assertEquals(List.of("new"), short_.entries, "an entry older than the horizon is not delivered");
      }
    }
  }

  @Test
  void aRestartedRedisIsReadAgainFromTheLastEntryDelivered() throws Exception {
    Inbox b = new Inbox();
    try (RedisProcess r = new RedisProcess();
        RedisGrantBus busA = bus(r, 60_000, new Inbox()); RedisGrantBus busB = bus(r, 60_000, b)) {
      busA.publish("before");
      await(() -> b.entries.size() == 1, "the first entry");
      r.kill();
      await(() -> b.states.contains("lost"), "the loss reported");
      assertTrue(busA.publish("while lost"), "publishing queues, it does not wait for Redis");
      r.start();
      busA.publish("after");
      await(() -> b.entries.size() == 3, "the entries published while Redis was down, then after");
      assertEquals(List.of("before", "while lost", "after"), b.entries);
      assertEquals(List.of("lost", "restored"), b.states);
    }
  }

  @Test
  void noServerAtStartUpIsOneLine() throws Exception {
    int port;
    try (RedisProcess r = new RedisProcess()) {
      port = r.port();
    }
    RedisGrantBus b = new RedisGrantBus();
    ConfigException e = assertThrows(ConfigException.class, () -> b.start(RedisUrl.parse("redis://127.0.0.1:" + port),
        300, RedisGrantBus.DEFAULT_STREAM, 1000, new Inbox()));
    assertTrue(e.toString().contains("does not answer"), e.toString());
    assertEquals(1, e.toString().lines().count());
    assertFalse(b.publish("x"), "a bus that did not start takes nothing");
  }

  private static String cli(RedisProcess r, String... args) {
    try {
      return r.cli(args);
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
