package spa.fw.pf;

import java.net.InetAddress;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import spa.core.IpAddresses;
import spa.core.ProtoPort;

/**
 * One of spa's pf rules, the one fwknopd writes:
 * {@code pass in quick proto P from SRC to any|DST port N keep state label _exp_EPOCH}.
 *
 * @param source the granted source
 * @param destination the destination, null for {@code any}
 * @param access the proto/port
 * @param expires the {@code _exp_} epoch second
 */
record PfRule(InetAddress source, InetAddress destination, ProtoPort access, long expires) {
  /**
   * The rule as {@code pfctl -s rules} prints it: pfctl adds the address family, writes {@code port = N}, adds
   * {@code flags S/SA} to TCP rules, and quotes the label; older and newer versions differ on {@code keep state}.
   */
  private static final Pattern LISTED = Pattern.compile("pass in quick (?:inet6? )?proto (tcp|udp) from (\\S+)"
      + " to (\\S+) port (?:= )?(\\d+) (?:flags \\S+ )?(?:keep state )?label \"?_exp_(\\d+)\"?\\s*");

  /** The line for {@code pfctl -a ANCHOR -f -}. */
  String line() {
    return "pass in quick proto " + access.proto() + " from " + IpAddresses.text(source) + " to "
        + (destination == null ? "any" : IpAddresses.text(destination)) + " port " + access.port()
        + " keep state label _exp_" + expires;
  }

  /** spa's rule from one listed line, or null when the line is another rule. */
  static PfRule parse(String line) {
    Matcher m = LISTED.matcher(line.strip());
    if (!m.matches()) {
      return null;
    }
    InetAddress src = IpAddresses.literal(m.group(2));
    InetAddress dst = m.group(3).equals("any") ? null : IpAddresses.literal(m.group(3));
    if (src == null || dst == null && !m.group(3).equals("any")) {
      return null;
    }
    int port = Integer.parseInt(m.group(4));
    if (port > 65535) {
      return null;
    }
    return new PfRule(src, dst, new ProtoPort(m.group(1), port), Long.parseLong(m.group(5)));
  }
}
