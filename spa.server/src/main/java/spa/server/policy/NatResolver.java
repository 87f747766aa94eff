package spa.server.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Turns the host of a NAT request into an address. */
@FunctionalInterface
public interface NatResolver {
  /** The address, or null when the host cannot be used. */
  InetAddress resolve(String host, boolean dnsAllowed);

  /** IPv4 and IPv6 literals always; other names through the system resolver when {@code dnsAllowed}. */
  static NatResolver system() {
    return (host, dns) -> {
      try {
        InetAddress v4 = IpLiterals.v4(host);
        if (v4 != null) {
          return v4;
        }
        if (host.indexOf(':') >= 0) {
          return host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')
              ? InetAddress.getByName(host) : null;
        }
        return dns ? InetAddress.getByName(host) : null;
      } catch (UnknownHostException e) {
        return null;
      }
    };
  }
}
