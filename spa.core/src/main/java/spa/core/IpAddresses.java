package spa.core;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import spa.core.codec.SpaFields;

/**
 * IP address literals, read without ever asking the resolver, and written in their canonical text (IPv6
 * compressed as RFC 5952 and nft print it, no scope): the one place spa turns text into an address or back.
 */
public final class IpAddresses {
  private IpAddresses() {
  }

  /** The canonical text of {@code a}: a dotted quad, or compressed IPv6. */
  public static String text(InetAddress a) {
    if (!(a instanceof Inet6Address)) {
      return a.getHostAddress();
    }
    byte[] b = a.getAddress();
    int[] w = new int[8];
    for (int i = 0; i < 8; i++) {
      w[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      if (w[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && w[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (!sb.isEmpty() && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(w[i]));
    }
    return sb.toString();
  }

  /** Parses a numeric address literal (never a host name); null when {@code s} is not one. */
  public static InetAddress literal(String s) {
    // a dotted quad, or text with a colon (which InetAddress parses as an IPv6 literal, never looking it up);
    // anything else ("1..2", "999.1.1.1") InetAddress would send to the resolver
    if (!(SpaFields.isIpv4(s) || s.indexOf(':') >= 0 && s.chars().allMatch(ch -> ch == ':' || ch == '.'
        || Character.digit(ch, 16) >= 0))) {
      return null;
    }
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
