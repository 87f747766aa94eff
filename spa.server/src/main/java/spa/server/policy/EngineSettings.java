package spa.server.policy;

/**
 * How the engine runs, from spad's own daemon variables.
 *
 * @param workers SPA_WORKERS: decision threads (absent or 0: one per processor)
 * @param queueSize SPA_QUEUE_SIZE: packets that may wait for a worker
 * @param ratePerSource SPA_RATE_LIMIT: packets per second per source before the prefilter drops (0: no limit)
 */
public record EngineSettings(int workers, int queueSize, double ratePerSource) {}
