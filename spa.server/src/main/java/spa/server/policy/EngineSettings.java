package spa.server.policy;

import spa.core.ConfigException;
import spa.core.Settings;

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
 * @param warmUp SPA_WARM_UP: sample packets (throwaway keys) a live spad decides once it is ready, so that the
 *     JIT compiles the packet path before the first knock, and a tenth as many knocks rehearsed through the act
 *     path when the firewall has a stand-in; 0: none
 */
public record EngineSettings(int workers, int queueSize, double ratePerSource, double decryptLimit,
    boolean logEachDeny, int commandTimeout, boolean cycleCloseAtExit, int warmUp) {

  /** Most decision threads SPA_WORKERS may ask for. */
  static final int MAX_WORKERS = 256;
  /** Largest SPA_QUEUE_SIZE: packets waiting for a worker cost memory whether or not they come. */
  static final int MAX_QUEUE_SIZE = 1 << 24;
  /** Largest SPA_RATE_LIMIT and SPA_DECRYPT_LIMIT, per second. */
  static final int MAX_RATE = 1_000_000;
  /** CMD_EXEC_TIMEOUT when unset, in seconds (fwknopd's default), and its largest value. */
  static final int DEFAULT_COMMAND_TIMEOUT = 30;
  static final int MAX_COMMAND_TIMEOUT = 86_400;
  /**
   * SPA_WARM_UP when unset: enough for C2 to compile the AES packet path (~0.25 s, ~0.45 s of CPU with the JIT's
   * compilations; a knock after it is decided ~300 us sooner), and its largest value.
   */
  static final int DEFAULT_WARM_UP = 10_000;
  static final int MAX_WARM_UP = 1_000_000;

  /** The engine's settings: a value that is not a number, or is out of range, stops start-up. */
  public static EngineSettings from(Settings g) throws ConfigException {
    int workers = PolicyCompiler.intValue(g, "SPA_WORKERS", 0, 0, MAX_WORKERS);
    int queue = PolicyCompiler.intValue(g, "SPA_QUEUE_SIZE", 65536, 1, MAX_QUEUE_SIZE);
    double rate = rate(g, "SPA_RATE_LIMIT", "authenticated packets per second");
    double decrypts = rate(g, "SPA_DECRYPT_LIMIT", "decrypt attempts per second");
    int commandTimeout = PolicyCompiler.intValue(g, "CMD_EXEC_TIMEOUT", DEFAULT_COMMAND_TIMEOUT, 1, MAX_COMMAND_TIMEOUT);
    int warmUp = PolicyCompiler.intValue(g, "SPA_WARM_UP", DEFAULT_WARM_UP, 0, MAX_WARM_UP);
    return new EngineSettings(workers == 0 ? Math.max(1, Runtime.getRuntime().availableProcessors()) : workers, queue,
        rate, decrypts, g.flag("LOG_EACH_DENY", false), commandTimeout, flag(g, "CMD_CYCLE_CLOSE_AT_EXIT"), warmUp);
  }

  /** A Y/N setting, N when absent; anything else stops start-up (a typo must not pick a behaviour). */
  private static boolean flag(Settings g, String key) throws ConfigException {
    String v = g.get(key).orElse("N").strip();
    if (v.equalsIgnoreCase("Y")) {
      return true;
    }
    if (v.equalsIgnoreCase("N")) {
      return false;
    }
    throw g.invalid(key, "'" + v + "' is not Y or N");
  }

  /** A rate setting: a decimal number in 0..MAX_RATE, 0 when absent. */
  private static double rate(Settings g, String key, String what) throws ConfigException {
    if (!g.has(key)) {
      return 0;
    }
    String v = g.get(key).orElseThrow().strip();
    // digits only: Double.parseDouble would also take NaN, Infinity, 1e9 and hex
    if (!v.matches("[0-9]{1,7}(\\.[0-9]{1,6})?")) {
      throw g.invalid(key, "'" + v + "' is not a number of " + what + " (for example 20 or 0.5)");
    }
    double rate = Double.parseDouble(v);
    if (rate > MAX_RATE) {
      throw g.invalid(key, v + " is outside 0.." + MAX_RATE);
    }
    return rate;
  }
}
