package spa.core;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

/**
 * An opening a firewall backend holds: {@code source} may reach {@code access} (through {@code nat}, when
 * set) until {@code expires}.
 *
 * @param source the address being let in (the SPA allow IP, or the packet source for {@code 0.0.0.0})
 * @param destination the destination to restrict to, or null for any
 * @param access requested proto/ports (for NAT: the ports the client connects to)
 * @param nat translation, or null for plain access
 * @param expires when the opening closes
 * @param stanza name of the access stanza that granted it
 */
public record Grant(InetAddress source, InetAddress destination, List<ProtoPort> access, Nat nat, Instant expires,
    String stanza) {

  public Grant {
    access = List.copyOf(access);
  }

  /** The same opening until another instant (a re-knock extends rather than stacks). */
  public Grant withExpiry(Instant newExpiry) {
    return new Grant(source, destination, access, nat, newExpiry, stanza);
  }

  /** True when this and {@code other} open the same thing for the same source (expiry aside). */
  public boolean sameOpening(Grant other) {
    return source.equals(other.source) && java.util.Objects.equals(destination, other.destination)
        && access.equals(other.access) && java.util.Objects.equals(nat, other.nat);
  }
}
