package spa.server.policy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An address list as access.conf writes it: comma-separated {@code ANY}, {@code a.b.c.d},
 * {@code a.b.c.d/nn} or {@code a.b.c.d/255.255.255.0}; IPv6 literals and prefixes are accepted too.
 * Matching is {@code (ip & mask) == (net & mask)}. Never resolves names.
 */
public final class IpList {
  private final boolean any;
  private final int[] v4Net;
  private final int[] v4Mask;
  private final byte[][] v6Net;
  private final int[] v6Prefix;
  private final String text;

  private IpList(boolean any, int[] v4Net, int[] v4Mask, byte[][] v6Net, int[] v6Prefix, String text) {
    this.any = any;
    this.v4Net = v4Net;
    this.v4Mask = v4Mask;
    this.v6Net = v6Net;
    this.v6Prefix = v6Prefix;
    this.text = text;
  }

  /** The list that matches every address. */
  public static IpList any() {
    return new IpList(true, new int[0], new int[0], new byte[0][], new int[0], "ANY");
  }

  /** Parses a list; the message of the exception names the bad entry. */
  public static IpList parse(String text) {
    boolean any = false;
    List<int[]> v4 = new ArrayList<>();
    List<byte[]> v6 = new ArrayList<>();
    List<Integer> v6p = new ArrayList<>();
    int entries = 0;
    for (String raw : text.split(",")) {
      String e = raw.strip();
      if (e.isEmpty()) {
        continue;
      }
      entries++;
      if (e.toUpperCase(Locale.ROOT).equals("ANY")) {
        any = true;
        continue;
      }
      int slash = e.indexOf('/');
      String addr = slash < 0 ? e : e.substring(0, slash);
      String suffix = slash < 0 ? null : e.substring(slash + 1);
      if (addr.indexOf(':') >= 0) {
        byte[] a = parseV6(addr, e);
        int prefix = suffix == null ? 128 : prefix(suffix, 128, e);
        v6.add(a);
        v6p.add(prefix);
        continue;
      }
      int ip = parseV4(addr, e);
      int mask;
      if (suffix == null) {
        mask = -1;
      } else if (suffix.indexOf('.') >= 0) {
        mask = parseV4(suffix, e);
        if (Integer.bitCount(mask) != Integer.numberOfLeadingZeros(~mask)) {
          throw new IllegalArgumentException("'" + e + "': netmask " + suffix + " is not contiguous");
        }
        if (mask == 0) {
          throw matchesAll(e);
        }
      } else {
        mask = -1 << (32 - prefix(suffix, 32, e));
      }
      v4.add(new int[] {ip & mask, mask});
    }
    if (entries == 0) {
      throw new IllegalArgumentException("empty address list");
    }
    int[] nets = new int[v4.size()];
    int[] masks = new int[v4.size()];
    for (int i = 0; i < v4.size(); i++) {
      nets[i] = v4.get(i)[0];
      masks[i] = v4.get(i)[1];
    }
    int[] prefixes = v6p.stream().mapToInt(Integer::intValue).toArray();
    return new IpList(any, nets, masks, v6.toArray(new byte[0][]), prefixes, text.strip());
  }

  /** A prefix length 1..max: fwknopd refuses {@code /0}, which matches every address. */
  private static int prefix(String s, int max, String entry) {
    if (s.isEmpty() || s.length() > 3 || !s.chars().allMatch(Character::isDigit)) {
      throw new IllegalArgumentException("'" + entry + "': prefix length must be 1.." + max);
    }
    int p = Integer.parseInt(s);
    if (p == 0) {
      throw matchesAll(entry);
    }
    if (p > max) {
      throw new IllegalArgumentException("'" + entry + "': prefix length must be 1.." + max);
    }
    return p;
  }

  private static IllegalArgumentException matchesAll(String entry) {
    return new IllegalArgumentException("'" + entry + "': a /0 mask matches every address; write ANY if that is meant");
  }

  /** A dotted quad as an int, strictly (four decimal octets 0..255). */
  static int parseV4(String s, String entry) {
    int value = 0;
    int octets = 0;
    int cur = -1;
    for (int i = 0; i <= s.length(); i++) {
      char c = i == s.length() ? '.' : s.charAt(i);
      if (c == '.') {
        if (cur < 0 || octets == 4) {
          throw new IllegalArgumentException("'" + entry + "' is not an IPv4 address");
        }
        value = value << 8 | cur;
        octets++;
        cur = -1;
      } else if (c >= '0' && c <= '9') {
        cur = cur < 0 ? c - '0' : cur * 10 + (c - '0');
        if (cur > 255) {
          throw new IllegalArgumentException("'" + entry + "' is not an IPv4 address (octet above 255)");
        }
      } else {
        throw new IllegalArgumentException("'" + entry + "' is not an IPv4 address or ANY");
      }
    }
    if (octets != 4) {
      throw new IllegalArgumentException("'" + entry + "' is not an IPv4 address");
    }
    return value;
  }

  private static byte[] parseV6(String s, String entry) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
        throw new IllegalArgumentException("'" + entry + "' is not an IPv6 address");
      }
    }
    try {
      InetAddress a = InetAddress.getByName(s); // a literal: no lookup
      if (a instanceof Inet6Address) {
        return a.getAddress();
      }
      throw new IllegalArgumentException("'" + entry + "' is not an IPv6 address");
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + entry + "' is not an IPv6 address");
    }
  }

  public boolean isAny() {
    return any;
  }

  /** An IPv4 address as an int (big-endian), for the packet path. */
  public static int v4(Inet4Address a) {
    byte[] b = a.getAddress();
    return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | b[3] & 0xff;
  }

  public boolean matches(InetAddress a) {
    if (any) {
      return true;
    }
    if (a instanceof Inet4Address v4) {
      return matchesV4(v4(v4));
    }
    if (a == null) {
      return false;
    }
    byte[] b = a.getAddress();
    for (int i = 0; i < v6Net.length; i++) {
      if (prefixMatch(v6Net[i], b, v6Prefix[i])) {
        return true;
      }
    }
    return false;
  }

  public boolean matchesV4(int ip) {
    if (any) {
      return true;
    }
    for (int i = 0; i < v4Net.length; i++) {
      if ((ip & v4Mask[i]) == v4Net[i]) {
        return true;
      }
    }
    return false;
  }

  private static boolean prefixMatch(byte[] net, byte[] a, int prefix) {
    if (a.length != net.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (net[i] != a[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (net[full] & mask) == (a[full] & mask);
  }

  @Override
  public String toString() {
    return text;
  }
}
