package spa.server.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import spa.core.codec.SpaFields;

/** Dotted-quad literals to addresses without any name lookup. */
final class IpLiterals {
  private IpLiterals() {}

  static boolean isV4(String s) {
    return SpaFields.isIpv4(s);
  }

  /** The address of a dotted quad that {@link #isV4} accepted. */
  static InetAddress v4(String s) {
    int ip = IpList.parseV4(s, s);
    try {
      return InetAddress.getByAddress(new byte[] {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes are always an address
    }
  }
}
