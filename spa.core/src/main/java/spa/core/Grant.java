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

  /**
   * True when this and {@code other} are the same opening: the same source reaching the same entrance
   * (the same set of proto/ports, the same NAT kind and port), expiry aside. Details a firewall listing
   * cannot reconstruct are not compared when either side lacks them: the destination, the NAT target, and
   * the access list of a forward-all grant. A re-knock that changes only the NAT target is therefore the
   * same opening, re-pointed.
   */
  public boolean sameOpening(Grant other) {
    if (!source.equals(other.source)) {
      return false;
    }
    if (destination != null && other.destination != null && !destination.equals(other.destination)) {
      return false;
    }
    if ((nat == null) != (other.nat == null)) {
      return false;
    }
    if (nat != null && (nat.kind() != other.nat.kind() || nat.port() != other.nat.port())) {
      return false;
    }
    boolean forwardAll = nat != null && nat.kind() == Nat.Kind.FORWARD_ALL;
    return forwardAll && (access.isEmpty() || other.access.isEmpty())
        || new java.util.HashSet<>(access).equals(new java.util.HashSet<>(other.access));
  }
}
