package spa.replay.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import spa.core.ConfigException;

class RedisUrlTest {
  @Test
  void forms() throws Exception {
    RedisUrl u = RedisUrl.parse("redis://spa:pw@198.18.0.1:6380/2");
    assertEquals(RedisUrl.Kind.STANDALONE, u.kind());
    assertEquals("spa", u.user());
    assertEquals("pw", u.password());
    assertEquals(2, u.database());
    assertEquals("redis://spa:***@198.18.0.1:6380/2", u.masked());
    assertEquals("rediss://:***@198.18.0.1:6379", RedisUrl.parse("rediss://pw@198.18.0.1").masked());
    RedisUrl s = RedisUrl.parse("redis-sentinel://198.18.0.1:26379,198.18.0.2:26379/main");
    assertEquals("main", s.master());
    assertEquals(2, s.nodes().size());
    assertEquals(3, RedisUrl.parse("redis-cluster://127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002").nodes().size());
  }

  @Test
  void badOnesAreOneLine() {
    for (String bad : new String[] {"198.18.0.1:6379", "http://198.18.0.1", "redis://a:1,b:2",
        "redis-sentinel://198.18.0.1:26379", "redis://198.18.0.1:x", "redis-cluster://127.0.0.1:7000/1"}) {
      ConfigException e = assertThrows(ConfigException.class, () -> RedisUrl.parse(bad), bad);
      assertEquals("REDIS_URL", e.key());
    }
  }
}
