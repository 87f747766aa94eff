/**
 * REPLAY_STORE redis: replay protection shared by a fleet of gateways through Redis (one SET NX PX per packet),
 * and with FLEET_GRANTS Y the fleet's openings over a Redis stream.
 */
module spa.replay.redis {
  requires spa.core;
  requires redis.clients.jedis;
  requires org.apache.commons.pool2; // the pool settings bound the wait for a connection
  // Jedis is an automatic module, which names no requires: its explicit-module dependencies are required here so
  // that the plugin's layer resolves them (without them Jedis fails at its first connection)
  requires org.slf4j;
  requires com.google.gson;
  requires org.json;
  provides spa.core.replay.ReplayStore with spa.replay.redis.RedisReplayStore;
  provides spa.core.fleet.GrantBus with spa.replay.redis.RedisGrantBus;
}
