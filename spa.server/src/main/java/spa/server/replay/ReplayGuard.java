package spa.server.replay;

import java.io.IOException;
import spa.core.Packet;

/**
 * The one question the packet path asks about replays: was this packet seen before within the replay window, and
 * if not, record it, atomically (of two workers with the same packet, one finds it new). Small on purpose, so
 * that another store (a shared one for several daemons) can answer it.
 */
public interface ReplayGuard {
  /**
   * Records the packet whose wire payload has SHA-256 {@code sha256}, seen at {@code epochSecond}, unless it was
   * recorded before.
   */
  Seen firstSeen(byte[] sha256, Packet packet, long epochSecond);

  /**
   * Makes the record {@link First#sequence} durable (forced to disk: it survives a machine crash); returns at once
   * when it already is. Called before a grant is reported, so that a restart cannot accept the packet again.
   */
  void durable(long sequence) throws IOException;

  /**
   * Puts the record {@link First#sequence} where a kill of the daemon cannot lose it (for a file: written, in the
   * kernel's page cache, not yet forced); called before the firewall is changed, while {@link #durable} may run
   * alongside the change. A store without that middle step makes the record durable.
   */
  default void written(long sequence) throws IOException {
    durable(sequence);
  }

  /** Records held, for statistics. */
  int size();

  /** What {@link #firstSeen} found. */
  sealed interface Seen permits First, Again, Unavailable {}

  /** New, and now recorded; {@code sequence} for {@link #durable} (0: nothing to make durable). */
  record First(long sequence) implements Seen {}

  /** A replay: the packet was first recorded at {@code firstSecond} (negative: the store does not say when). */
  record Again(long firstSecond) implements Seen {}

  /** The replay store did not answer (a shared store lost, fail-closed): the packet is refused. */
  record Unavailable(String detail) implements Seen {}
}
