package spa.client.rc;

import java.net.URI;

/** How the client picks the IP placed in the message. */
public sealed interface AllowIp {

  /** A fixed address ({@code -a}). */
  record Address(String ip) implements AllowIp {}

  /** {@code 0.0.0.0}: the server uses the packet's source address ({@code -s}). */
  record Source() implements AllowIp {}

  /** The external address, learned from a web page ({@code -R}). */
  record Resolve(URI url) implements AllowIp {}
}
