package spa.core;

import java.net.InetAddress;

/**
 * Address translation attached to a grant.
 *
 * @param kind forwarding to another host, or local NAT to a port on this host
 * @param target where connections are sent (for {@link Kind#FORWARD_ALL}, may be null)
 * @param port target port (0 for FORWARD_ALL)
 * @param snat source translation, if any
 * @param snatAddress the SNAT {@code --to-source} address for {@link Snat#SNAT}, else null
 * @param dnat whether to translate the destination (false with DISABLE_DNAT: gateway mode)
 */
public record Nat(Kind kind, InetAddress target, int port, Snat snat, InetAddress snatAddress, boolean dnat) {

  /** What translation is done. */
  public enum Kind {
    /** Forward the requested port to another host (message types 2/4, or FORCE_NAT). */
    FORWARD,
    /** Redirect the requested port to a port on this host (types 5/6): the ghost service. */
    LOCAL,
    /** Forward everything from the source (FORWARD_ALL). */
    FORWARD_ALL
  }

  /** Source translation. */
  public enum Snat {
    NONE, SNAT, MASQUERADE
  }
}
