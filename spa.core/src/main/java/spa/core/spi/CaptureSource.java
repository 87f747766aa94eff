package spa.core.spi;

import java.io.IOException;
import spa.core.ConfigException;
import spa.core.Packet;
import spa.core.Settings;

/**
 * Delivers candidate packets to a sink until closed. Knows nothing of SPA. Provided with
 * {@code provides spa.core.spi.CaptureSource with ...}; selected by {@link #name()}.
 */
public interface CaptureSource {

  /** Short name used by configuration and {@code --list-plugins}, such as {@code udp} or {@code pcap}. */
  String name();

  /**
   * Starts capturing with the daemon's settings (fwknopd.conf names: {@code UDPSERV_PORT},
   * {@code PCAP_INTF}, {@code PCAP_FILTER}, {@code PCAP_FILE}, ...). Packets are handed to {@code sink}
   * from the capture's own thread(s).
   */
  Capture start(Settings settings, Sink sink) throws ConfigException, IOException;

  /**
   * For the daemon's warm-up: starts this kind of capture, as {@link #start} would with {@code settings}, but on
   * loopback only, taking what is sent to 127.0.0.1 port {@code port} (a port nothing else uses) and nothing else,
   * and saying nothing in the log, so that the capture's code is compiled before the first knock. Null (the
   * default): this capture has no such rehearsal.
   */
  default Capture rehearsal(Settings settings, int port, Sink sink) throws ConfigException, IOException {
    return null;
  }

  /** Receives packets. */
  interface Sink {
    void accept(Packet packet);

    /** The source has no more packets (an offline file ended). */
    default void end() {}
  }

  /** A running capture. */
  interface Capture extends AutoCloseable {
    /**
     * Packets the source itself had to drop (kernel or buffer overflow) since it started, when it can tell; 0 when
     * it cannot. The daemon calls it from other threads than the capture's, about once a second and for each
     * status query, and after {@link #close()}: it must be thread-safe and cheap, and keep its last count once closed.
     */
    default long dropped() {
      return 0;
    }

    /** Stops capturing; returns once no more packets will be delivered. */
    @Override
    void close();
  }
}
