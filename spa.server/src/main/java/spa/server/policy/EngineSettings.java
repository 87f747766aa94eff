package spa.server.policy;

/**
 * How the engine runs, from spad's own daemon variables.
 *
 * @param workers SPA_WORKERS: decision threads (absent or 0: one per processor)
 * @param queueSize SPA_QUEUE_SIZE: packets that may wait for a worker
 * @param ratePerSource SPA_RATE_LIMIT: authenticated packets per second per stanza and source (0: no limit)
 * @param decryptLimit SPA_DECRYPT_LIMIT: decrypt attempts per second, all sources together (0: no limit)
 * @param logEachDeny LOG_EACH_DENY: one event per refused unauthenticated packet instead of a tally per source
 * @param commandTimeout CMD_EXEC_TIMEOUT: seconds a command may run (a stanza may set its own); also the limit of
 *     cycle closes journaled by an earlier run
 * @param cycleCloseAtExit CMD_CYCLE_CLOSE_AT_EXIT: Y runs the cycle closes not yet due when spad stops; N (the
 *     default) keeps them journaled for the next start
 */
public record EngineSettings(int workers, int queueSize, double ratePerSource, double decryptLimit,
    boolean logEachDeny, int commandTimeout, boolean cycleCloseAtExit) {}
