package spa.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RedisUrlDisplayTest {
  @Test
  void thePasswordInRedisUrlIsMasked() {
    assertEquals("redis://spa:********@198.18.0.1:6379/1", Variables.display("REDIS_URL", "redis://spa:s3c@198.18.0.1:6379/1"));
    assertEquals("rediss://********@198.18.0.1:6379", Variables.display("REDIS_URL", "rediss://s3c@198.18.0.1:6379"));
    assertEquals("redis-cluster://127.0.0.1:7000,127.0.0.1:7001",
        Variables.display("REDIS_URL", "redis-cluster://127.0.0.1:7000,127.0.0.1:7001"));
    assertEquals("local", Variables.display("REPLAY_STORE", "local"));
  }
}
