package spa.core.codec;

import spa.core.SpaException;

/**
 * The validation rules fwknop 2.6 applies to message fields, on encode and on decode alike.
 * Each check throws {@link SpaException} naming the field and the rule broken.
 */
public final class SpaFields {
  /** Longest base64 text of the message, nat_access, server_auth and timeout fields. */
  public static final int MAX_FIELD_B64 = 256;
  /** Longest base64 text of the username field (so at most 48 bytes decoded). */
  public static final int MAX_USER_B64 = 64;
  /** Plaintext bounds: at least 36, fewer than 1500 characters. */
  public static final int MIN_PLAINTEXT = 36;
  public static final int MAX_PLAINTEXT_EXCLUSIVE = 1500;
  public static final int MAX_COMMAND = 1400;
  public static final int MAX_NAT_HOST = 70;
  public static final int MAX_CLIENT_TIMEOUT = 65536;
  private static final String BAD_USER_CHARS = "\"/\\[]:;|=,+*?<>";
  /** The characters of {@link #BAD_USER_CHARS}, by code. */
  private static final boolean[] BAD_USER = new boolean[128];

  static {
    for (int i = 0; i < BAD_USER_CHARS.length(); i++) {
      BAD_USER[BAD_USER_CHARS.charAt(i)] = true;
    }
  }
  private static final String BAD_NAT_HOST_CHARS = " /?\"'\\";

  private SpaFields() {}

  /** A valid dotted-quad IPv4 address as fwknop accepts it for the allow IP: 7..15 chars, four decimal octets. */
  public static boolean isIpv4(String s) {
    return isIpv4(s, 0, s.length());
  }

  /** {@link #isIpv4(String)} of {@code s[from, to)}. */
  static boolean isIpv4(String s, int from, int to) {
    return ipv4(s, from, to) >= 0;
  }

  /**
   * The address of a dotted quad that {@link #isIpv4(String)} accepts, as an unsigned 32-bit value (first octet
   * highest), or -1: validation and value in one pass.
   */
  public static long ipv4(String s) {
    return ipv4(s, 0, s.length());
  }

  /** {@link #ipv4(String)} of {@code s[from, to)}. */
  public static long ipv4(String s, int from, int to) {
    int len = to - from;
    if (len < 7 || len > 15) {
      return -1;
    }
    int dots = 0;
    int octet = 0;
    int digits = 0;
    long value = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '.') {
        if (digits == 0 || octet > 255) {
          return -1;
        }
        dots++;
        value = value << 8 | octet;
        octet = 0;
        digits = 0;
      } else if (c >= '0' && c <= '9') {
        // a leading zero would be octal to inet_aton; refuse the ambiguity
        if (digits == 1 && octet == 0) {
          return -1;
        }
        octet = octet * 10 + (c - '0');
        digits++;
      } else {
        return -1;
      }
    }
    return dots == 3 && digits > 0 && octet <= 255 ? value << 8 | octet : -1;
  }

  public static void checkAllowIp(String field, String ip) throws SpaException {
    if (!isIpv4(ip)) {
      throw SpaException.message(field, "allow IP '" + printable(ip) + "' is not a dotted-quad IPv4 address");
    }
  }

  public static void checkUsername(String user) throws SpaException {
    if (user == null || user.isEmpty()) {
      throw SpaException.message("username", "empty");
    }
    for (int i = 0; i < user.length(); i++) {
      char c = user.charAt(i);
      if (c < 0x20 || c > 0x7e || BAD_USER[c]) {
        throw SpaException.message("username", "character " + describe(c) + " is not allowed");
      }
    }
  }

  /** An access message: {@code allow_ip,proto/port[,proto/port...]} with tcp or udp and ports 1..65535. */
  public static void checkAccessMessage(String msg) throws SpaException {
    int comma = msg.indexOf(',');
    if (comma < 0) {
      throw SpaException.message("message", "no access list after the allow IP");
    }
    if (!isIpv4(msg, 0, comma)) {
      checkAllowIp("message", msg.substring(0, comma));
    }
    if (comma == msg.length() - 1) {
      throw SpaException.message("message", "empty access list");
    }
    // each comma-separated spec in place, the empty ones too (a trailing comma is an error)
    for (int from = comma + 1; ; ) {
      int next = msg.indexOf(',', from);
      int to = next < 0 ? msg.length() : next;
      checkProtoPort(msg, from, to);
      if (next < 0) {
        return;
      }
      from = next + 1;
    }
  }

  /** One {@code proto/port} spec, {@code msg[from, to)}. */
  private static void checkProtoPort(String msg, int from, int to) throws SpaException {
    int slash = msg.indexOf('/', from);
    if (slash < 0 || slash >= to || slash - from != 3) {
      throw SpaException.message("message", "'" + printable(msg.substring(from, to)) + "' is not tcp/<port> or udp/<port>");
    }
    if (!msg.regionMatches(true, from, "tcp", 0, 3) && !msg.regionMatches(true, from, "udp", 0, 3)) {
      throw SpaException.message("message", "protocol in '" + printable(msg.substring(from, to)) + "' is not tcp or udp");
    }
    int digits = to - slash - 1;
    int p = 0;
    for (int i = slash + 1; i < to && p >= 0; i++) {
      char c = msg.charAt(i);
      p = c >= '0' && c <= '9' ? p * 10 + (c - '0') : -1;
    }
    if (digits == 0 || digits > 5 || p < 0) {
      throw SpaException.message("message", "port in '" + printable(msg.substring(from, to)) + "' is not 1 to 5 digits");
    }
    if (p < 1 || p > 65535) {
      throw SpaException.message("message", "port in '" + printable(msg.substring(from, to)) + "' is not 1..65535");
    }
  }

  /** A command message: {@code allow_ip,command} with a non-empty command, under 1400 characters in all. */
  public static void checkCommandMessage(String msg) throws SpaException {
    int comma = msg.indexOf(',');
    if (comma < 0) {
      throw SpaException.message("message", "no command after the allow IP");
    }
    checkAllowIp("message", msg.substring(0, comma));
    if (comma == msg.length() - 1) {
      throw SpaException.message("message", "empty command");
    }
    if (msg.length() >= MAX_COMMAND) {
      throw SpaException.message("message", "command message is " + msg.length() + " characters, limit " + (MAX_COMMAND - 1));
    }
  }

  /** nat_access: {@code host,port}, one comma, host up to 70 characters without space / ? " ' \, port 1..65535. */
  public static void checkNatAccess(String nat) throws SpaException {
    int comma = nat.indexOf(',');
    if (comma < 0 || nat.indexOf(',', comma + 1) >= 0) {
      throw SpaException.message("nat_access", "expected exactly one comma in host,port");
    }
    String host = nat.substring(0, comma);
    String port = nat.substring(comma + 1);
    if (host.isEmpty() || host.length() > MAX_NAT_HOST) {
      throw SpaException.message("nat_access", "host must be 1.." + MAX_NAT_HOST + " characters");
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c < 0x21 || c > 0x7e || BAD_NAT_HOST_CHARS.indexOf(c) >= 0) {
        throw SpaException.message("nat_access", "host has a forbidden character " + describe(c));
      }
    }
    if (port.isEmpty() || port.length() > 5 || !allDigits(port)) {
      throw SpaException.message("nat_access", "port must be 1 to 5 digits");
    }
    int p = Integer.parseInt(port);
    if (p < 1 || p > 65535) {
      throw SpaException.message("nat_access", "port must be 1..65535");
    }
  }

  static boolean allDigits(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return s.length() > 0;
  }

  static String describe(char c) {
    return c >= 0x21 && c <= 0x7e ? "'" + c + "'" : String.format("0x%02x", (int) c);
  }

  /** The text with non-printable characters escaped and cut to 40 characters, safe for a log line. */
  public static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < 40; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c <= 0x7e) {
        sb.append(c);
      } else {
        sb.append(String.format("\\x%02x", (int) c));
      }
    }
    return s.length() > 40 ? sb + "..." : sb.toString();
  }
}
