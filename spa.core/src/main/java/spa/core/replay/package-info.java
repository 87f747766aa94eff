/**
 * The replay-store service: the one question the engine asks about an authenticated packet ("first time seen
 * within the replay window? then record it", atomically), answered by a provider found with ServiceLoader and
 * chosen by {@code REPLAY_STORE} (spad's own {@code local} cache by default; a shared store lets a fleet of
 * gateways refuse a packet any one of them has accepted). Stable API for plugin authors.
 */
package spa.core.replay;
