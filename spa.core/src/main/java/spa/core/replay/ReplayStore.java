package spa.core.replay;

import spa.core.ConfigException;
import spa.core.Settings;

/**
 * Remembers the digests of authenticated packets for as long as a replay of them could pass the age check.
 * {@link #firstSeen} is called from several packet workers at once: an implementation is thread-safe, and of two
 * calls with the same digest exactly one answers {@link Answer#FIRST}, also across the daemons sharing a store.
 *
 * <p>The packet path waits for {@link #firstSeen}: a store that talks to a server bounds that wait (its own
 * time-out setting) and answers {@link Answer#UNAVAILABLE} rather than block; the daemon's fault policy then
 * refuses the packet or asks its local cache.
 */
public interface ReplayStore extends AutoCloseable {

  /** The name {@code REPLAY_STORE} selects it by: {@code local}, {@code redis}. */
  String name();

  /**
   * Reads the daemon's settings and connects. A store that cannot reach its server throws with one line naming
   * the server and the cause.
   */
  void start(Settings settings) throws ConfigException;

  /**
   * Records {@code digest} (a SHA-256, 32 bytes; not kept by the store) as seen at {@code epochSecond}, to be
   * forgotten after {@code ttlMillis} (the age window plus the allowed clock skew), unless it is recorded already.
   */
  Answer firstSeen(byte[] digest, long epochSecond, long ttlMillis);

  /** What {@link #firstSeen} found. */
  enum Answer {
    /** New, and now recorded. */
    FIRST,
    /** Recorded before, within its time to live: a replay. */
    SEEN,
    /** The store could not answer within its time-out (server lost, slow, refusing). */
    UNAVAILABLE
  }

  /** Releases connections; the default has none. */
  @Override
  default void close() {}
}
