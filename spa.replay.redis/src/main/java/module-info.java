/** REPLAY_STORE redis: replay protection shared by a fleet of gateways through Redis (one SET NX PX per packet). */
module spa.replay.redis {
  requires spa.core;
  requires redis.clients.jedis;
  requires org.apache.commons.pool2; // the pool settings bound the wait for a connection
  provides spa.core.replay.ReplayStore with spa.replay.redis.RedisReplayStore;
}
