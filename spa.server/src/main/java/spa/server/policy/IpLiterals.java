package spa.server.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import spa.core.codec.SpaFields;

/** Dotted-quad literals to addresses without any name lookup. */
final class IpLiterals {
  private IpLiterals() {}

  /** The address of a dotted quad as {@link SpaFields#isIpv4} accepts it, else null; one pass over the text. */
  static InetAddress v4(String s) {
    long ip = SpaFields.ipv4(s);
    return ip < 0 ? null : v4(ip);
  }

  /** The address of an unsigned 32-bit value, first octet highest. */
  static InetAddress v4(long ip) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes are always an address
    }
  }
}
