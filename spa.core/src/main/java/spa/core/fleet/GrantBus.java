package spa.core.fleet;

import java.util.List;
import spa.core.ConfigException;
import spa.core.Settings;

/**
 * Carries the fleet's grant entries between gateways: what one publishes, every gateway receives, in the order
 * published, including entries published before it started or while it was cut off, back to a catch-up horizon.
 * Entries are opaque text to the bus; spad authenticates them (a bus, or its server, is not trusted to open
 * anything). Nothing the packet path does waits for the bus.
 */
public interface GrantBus extends AutoCloseable {

  /** The name that selects it, the same as its replay store's: {@code redis}. */
  String name();

  /** Receives entries on the bus's own thread; a batch is in the order the entries were published. */
  @FunctionalInterface
  interface Receiver {
    void received(List<String> entries);

    /** The connection to the bus's server was lost: {@code cause} in one line. The bus keeps trying. */
    default void lost(String cause) {}

    /** The connection is back, and the entries missed are being delivered. */
    default void restored() {}
  }

  /**
   * Reads the daemon's settings, connects, and starts delivering to {@code receiver} every entry published from
   * {@code catchUpMillis} ago on (this gateway's own included), then each new one. When the connection is lost the
   * bus reconnects by itself and goes on from the last entry it delivered. A bus that cannot reach its server
   * throws with one line naming the server and the cause.
   */
  void start(Settings settings, long catchUpMillis, Receiver receiver) throws ConfigException;

  /**
   * Queues {@code entry} for publication and returns at once; false when the queue is full (the server is slow or
   * lost) and the entry was dropped.
   */
  boolean publish(String entry);

  /** Stops delivering and releases connections; entries still queued are sent first within a bounded time. */
  @Override
  void close();
}
