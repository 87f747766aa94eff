package spa.replay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import spa.core.ConfigException;
import spa.core.replay.ReplayStore.Answer;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisReplayStoreTest {
  private static byte[] sha(String s) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static RedisReplayStore store(String url) throws ConfigException {
    RedisReplayStore s = new RedisReplayStore();
    s.start(RedisUrl.parse(url), 300);
    return s;
  }

  @Test
  void oneGatewayFirstTheOtherSeesIt() throws Exception {
    try (RedisProcess r = new RedisProcess(); RedisReplayStore a = store(r.url()); RedisReplayStore b = store(r.url())) {
      assertEquals(Answer.FIRST, a.firstSeen(sha("p"), 100, 150_000));
      assertEquals(Answer.SEEN, b.firstSeen(sha("p"), 101, 150_000));
      assertEquals(Answer.SEEN, a.firstSeen(sha("p"), 101, 150_000));
      assertEquals(Answer.FIRST, b.firstSeen(sha("q"), 101, 150_000));
    }
  }

  @Test
  void recordsExpireAfterTheirTimeToLive() throws Exception {
    try (RedisProcess r = new RedisProcess(); RedisReplayStore a = store(r.url())) {
      a.firstSeen(sha("p"), 100, 150_000);
      long pttl = Long.parseLong(r.cli("PTTL", RedisReplayStore.PREFIX + HexFormat.of().formatHex(sha("p"))));
      assertTrue(pttl > 140_000 && pttl <= 150_000, "PTTL " + pttl);
      r.cli("PEXPIRE", RedisReplayStore.PREFIX + HexFormat.of().formatHex(sha("p")), "1");
      assertEquals("0", waitFor(r, "DBSIZE", "0"));
      assertEquals(Answer.FIRST, a.firstSeen(sha("p"), 300, 150_000));
    }
  }

  private static String waitFor(RedisProcess r, String cmd, String want) throws Exception {
    String got = r.cli(cmd);
    for (int i = 0; i < 100 && !got.equals(want); i++) {
      Thread.sleep(20);
      got = r.cli(cmd);
    }
    return got;
  }

  @Test
  void aFrozenServerIsUnavailableNotAStall() throws Exception {
    try (RedisProcess r = new RedisProcess(); RedisReplayStore a = store(r.url())) {
      assertEquals(Answer.FIRST, a.firstSeen(sha("p"), 100, 150_000));
      r.signal("STOP");
      assertEquals(Answer.UNAVAILABLE, a.firstSeen(sha("q"), 100, 150_000));
      assertEquals(Answer.UNAVAILABLE, a.firstSeen(sha("r"), 100, 150_000));
      r.signal("CONT");
    }
  }

  @Test
  void reconnectsAfterTheServerIsKilledAndRestarted() throws Exception {
    try (RedisProcess r = new RedisProcess(); RedisReplayStore a = store(r.url())) {
      assertEquals(Answer.FIRST, a.firstSeen(sha("p"), 100, 150_000));
      r.kill();
      assertEquals(Answer.UNAVAILABLE, a.firstSeen(sha("q"), 100, 150_000));
      r.start();
      assertEquals(Answer.FIRST, a.firstSeen(sha("q"), 100, 150_000));
      assertEquals(Answer.SEEN, a.firstSeen(sha("q"), 100, 150_000));
    }
  }

  @Test
  void aclUserAndPassword() throws Exception {
    try (RedisProcess r = new RedisProcess("--user", "spa", "on", ">s3cret", "~spa:replay:*", "+@connection", "+set")) {
      try (RedisReplayStore a = store("redis://spa:s3cret@127.0.0.1:" + r.port)) {
        assertEquals(Answer.FIRST, a.firstSeen(sha("p"), 100, 150_000));
        assertEquals(Answer.SEEN, a.firstSeen(sha("p"), 100, 150_000));
      }
      ConfigException e = assertThrows(ConfigException.class, () -> store("redis://spa:wrong@127.0.0.1:" + r.port));
      assertFalse(e.toString().contains("wrong"), e.toString());
      assertTrue(e.toString().startsWith("REDIS_URL: redis://spa:***@127.0.0.1:"), e.toString());
    }
  }

  @Test
  void noServerAtStartIsOneLine() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ConfigException e = assertThrows(ConfigException.class, () -> store("redis://127.0.0.1:" + port));
    assertTrue(e.toString().startsWith("REDIS_URL: redis://127.0.0.1:" + port + " does not answer"), e.toString());
    assertFalse(e.toString().contains("\n"));
  }
}
