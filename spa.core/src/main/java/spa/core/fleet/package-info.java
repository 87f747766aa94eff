/**
 * The grant-bus service: how the gateways of a fleet tell each other about the openings they make
 * ({@code FLEET_GRANTS Y}), so that a knock seen by one opens on all. A provider only carries opaque entries,
 * found with ServiceLoader and chosen by {@code REPLAY_STORE}'s name; spad authenticates each entry with the
 * fleet's key and checks it against its own stanzas. Stable API for plugin authors.
 */
package spa.core.fleet;
