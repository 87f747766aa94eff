/**
 * {@code REPLAY_STORE redis}: the replay store a fleet of gateways shares, one Redis {@code SET key 1 NX PX ttl}
 * per authenticated packet, so a packet any gateway accepted is a replay on every other, and no record outlives
 * the age window.
 */
package spa.replay.redis;
