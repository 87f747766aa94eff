package spa.core.codec;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import spa.core.DigestType;
import spa.core.MessageType;
import spa.core.SpaException;
import spa.core.SpaMessage;

/**
 * The straightforward String-based decoder (substrings, fresh digests, java.util.Base64) that
 * {@link SpaCodec#decode} must agree with on every input: same message, or the same refusal.
 *
 * <p>It shares no table or check with the code it tests: its own base64 alphabet, limits, digit test, message
 * type flags and digest names. Only the wording of a refusal (SpaFields.printable, describe) is borrowed.
 */
final class ReferenceDecoder {
  private static final int RANDOM_DIGITS = 16;
  private static final long MAX_TIMESTAMP = Integer.MAX_VALUE;
  // fwknop 2.6 limits (reference doc 1.6): base64 fields, username, plaintext, command, NAT host, client timeout
  private static final int MAX_FIELD_B64 = 256;
  private static final int MAX_USER_B64 = 64;
  private static final int MIN_PLAINTEXT = 36;
  private static final int MAX_PLAINTEXT_EXCLUSIVE = 1500;
  private static final int MAX_COMMAND = 1400;
  private static final int MAX_NAT_HOST = 70;
  private static final int MAX_CLIENT_TIMEOUT = 65536;

  private ReferenceDecoder() {}

  static String b64Digest(DigestType type, String text) {
    try {
      byte[] d = MessageDigest.getInstance(jcaName(type)).digest(text.getBytes(StandardCharsets.ISO_8859_1));
      return java.util.Base64.getEncoder().withoutPadding().encodeToString(d);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String jcaName(DigestType type) {
    return switch (type) {
      case MD5 -> "MD5";
      case SHA1 -> "SHA-1";
      case SHA256 -> "SHA-256";
      case SHA384 -> "SHA-384";
      case SHA512 -> "SHA-512";
      case SHA3_256 -> "SHA3-256";
      case SHA3_512 -> "SHA3-512";
    };
  }

  /** fwknop's lenient base64: stop at the first '=', refuse other characters outside the alphabet, ignore a lone tail. */
  static String decodeText(CharSequence text) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    StringBuilder out = new StringBuilder();
    int acc = 0;
    int bits = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '=') {
        break;
      }
      int v = alphabet.indexOf(c);
      if (v < 0) {
        return null;
      }
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.append((char) ((acc >> bits) & 0xff));
        acc &= (1 << bits) - 1;
      }
    }
    return out.toString();
  }

  // The field rules as first written, on substrings.

  /** A dotted quad, each octet 0..255 written without a leading zero (inet_aton would read one as octal). */
  private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile(
      "(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

  static boolean isIpv4(String s) {
    return IPV4.matcher(s).matches();
  }

  static void checkAllowIp(String field, String ip) throws SpaException {
    if (!isIpv4(ip)) {
      throw SpaException.message(field, "allow IP '" + SpaFields.printable(ip) + "' is not a dotted-quad IPv4 address");
    }
  }

  static void checkUsername(String user) throws SpaException {
    if (user == null || user.isEmpty()) {
      throw SpaException.message("username", "empty");
    }
    for (int i = 0; i < user.length(); i++) {
      char c = user.charAt(i);
      if (c < 0x20 || c > 0x7e || "\"/\\[]:;|=,+*?<>".indexOf(c) >= 0) {
        throw SpaException.message("username", "character " + SpaFields.describe(c) + " is not allowed");
      }
    }
  }

  /** An access message: {@code allow_ip,proto/port[,proto/port...]} with tcp or udp and ports 1..65535. */
  static void checkAccessMessage(String msg) throws SpaException {
    int comma = msg.indexOf(',');
    if (comma < 0) {
      throw SpaException.message("message", "no access list after the allow IP");
    }
    checkAllowIp("message", msg.substring(0, comma));
    String list = msg.substring(comma + 1);
    if (list.isEmpty()) {
      throw SpaException.message("message", "empty access list");
    }
    for (String spec : list.split(",", -1)) {
      checkProtoPort(spec);
    }
  }

  private static void checkProtoPort(String spec) throws SpaException {
    int slash = spec.indexOf('/');
    if (slash != 3) {
      throw SpaException.message("message", "'" + SpaFields.printable(spec) + "' is not tcp/<port> or udp/<port>");
    }
    String proto = spec.substring(0, 3);
    if (!proto.equalsIgnoreCase("tcp") && !proto.equalsIgnoreCase("udp")) {
      throw SpaException.message("message", "protocol in '" + SpaFields.printable(spec) + "' is not tcp or udp");
    }
    String port = spec.substring(4);
    if (port.isEmpty() || port.length() > 5 || !allDigits(port)) {
      throw SpaException.message("message", "port in '" + SpaFields.printable(spec) + "' is not 1 to 5 digits");
    }
    int p = Integer.parseInt(port);
    if (p < 1 || p > 65535) {
      throw SpaException.message("message", "port in '" + SpaFields.printable(spec) + "' is not 1..65535");
    }
  }

  /** A command message: {@code allow_ip,command} with a non-empty command, under 1400 characters in all. */
  static void checkCommandMessage(String msg) throws SpaException {
    String[] ipAndCommand = msg.split(",", 2);
    if (ipAndCommand.length < 2) {
      throw SpaException.message("message", "no command after the allow IP");
    }
    checkAllowIp("message", ipAndCommand[0]);
    if (ipAndCommand[1].isEmpty()) {
      throw SpaException.message("message", "empty command");
    }
    if (msg.length() > MAX_COMMAND - 1) {
      throw SpaException.message("message", "command message is " + msg.length() + " characters, limit " + (MAX_COMMAND - 1));
    }
  }

  /** nat_access: {@code host,port}, one comma, host up to 70 characters without space / ? " ' \, port 1..65535. */
  static void checkNatAccess(String nat) throws SpaException {
    String[] parts = nat.split(",", -1);
    if (parts.length != 2) {
      throw SpaException.message("nat_access", "expected exactly one comma in host,port");
    }
    String host = parts[0];
    if (host.isEmpty() || host.length() > MAX_NAT_HOST) {
      throw SpaException.message("nat_access", "host must be 1.." + MAX_NAT_HOST + " characters");
    }
    java.util.OptionalInt bad = host.chars().filter(c -> c < '!' || c > '~' || " /?\"'\\".indexOf(c) >= 0).findFirst();
    if (bad.isPresent()) {
      throw SpaException.message("nat_access", "host has a forbidden character " + describe((char) bad.getAsInt()));
    }
    if (!parts[1].matches("[0-9]{1,5}")) {
      throw SpaException.message("nat_access", "port must be 1 to 5 digits");
    }
    if (Integer.parseInt(parts[1]) == 0 || Integer.parseInt(parts[1]) > 65535) {
      throw SpaException.message("nat_access", "port must be 1..65535");
    }
  }

  private static boolean allDigits(CharSequence s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static String describe(char c) {
    return SpaFields.describe(c);
  }

  /**
   * Decodes and validates a plaintext (the reference behaviour). The digest type is inferred from the digest's length (43 tries
   * SHA-256 then SHA3-256; 86 tries SHA-512 then SHA3-512) and the digest must match.
   */
  static SpaMessage decode(String plaintext) throws SpaException {
    if (plaintext == null) {
      throw SpaException.message(null, "no plaintext");
    }
    int len = plaintext.length();
    if (len < MIN_PLAINTEXT || len >= MAX_PLAINTEXT_EXCLUSIVE) {
      throw SpaException.message(null, "plaintext length " + len + " outside " + MIN_PLAINTEXT + ".."
          + (MAX_PLAINTEXT_EXCLUSIVE - 1));
    }
    int colons = 0;
    for (int i = 0; i < len; i++) {
      char c = plaintext.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        throw SpaException.message(null, "non-printable character " + describe(c));
      }
      if (c == ':') {
        colons++;
      }
    }
    if (colons < 6) {
      throw SpaException.message(null, "only " + (colons + 1) + " fields, at least 7 needed");
    }
    int lastColon = plaintext.lastIndexOf(':');
    String encoded = plaintext.substring(0, lastColon);
    DigestType digestType = verifyDigest(encoded, plaintext.substring(lastColon + 1));

    Cursor cur = new Cursor(encoded);
    String rand = cur.next();
    if (rand.length() < RANDOM_DIGITS) {
      throw SpaException.message("random", "shorter than 16 characters");
    }
    rand = rand.substring(0, RANDOM_DIGITS);

    String userB64 = cur.next();
    if (userB64.isEmpty() || userB64.length() > MAX_USER_B64) {
      throw SpaException.message("username", "base64 length " + userB64.length() + " outside 1.." + MAX_USER_B64);
    }
    String user = b64Field("username", userB64);
    checkUsername(user);

    String ts = cur.next();
    if (ts.isEmpty() || ts.length() > 12 || !allDigits(ts)) {
      throw SpaException.message("timestamp", "must be 1 to 12 decimal digits");
    }
    long timestamp = Long.parseLong(ts);
    if (timestamp > MAX_TIMESTAMP) {
      throw SpaException.message("timestamp", "beyond 32 bits");
    }

    String version = cur.next();
    if (version.isEmpty() || version.length() > 8) {
      throw SpaException.message("version", "length " + version.length() + " outside 1..8");
    }

    String typeText = cur.next();
    if (typeText.isEmpty() || typeText.length() > 2 || !allDigits(typeText)) {
      throw SpaException.message("message_type", "must be 1 or 2 digits");
    }
    int typeCode = Integer.parseInt(typeText);
    if (typeCode > 6) {
      throw SpaException.message("message_type", "unknown type " + typeCode);
    }
    MessageType type = switch (typeCode) {
      case 0 -> MessageType.COMMAND;
      case 1 -> MessageType.ACCESS;
      case 2 -> MessageType.NAT_ACCESS;
      case 3 -> MessageType.CLIENT_TIMEOUT_ACCESS;
      case 4 -> MessageType.CLIENT_TIMEOUT_NAT_ACCESS;
      case 5 -> MessageType.LOCAL_NAT_ACCESS;
      default -> MessageType.CLIENT_TIMEOUT_LOCAL_NAT_ACCESS;
    };
    boolean hasNat = typeCode == 2 || typeCode >= 4;
    boolean hasClientTimeout = typeCode == 3 || typeCode == 4 || typeCode == 6;

    int remainingFields = cur.remainingFields();
    int maxFields = hasNat && hasClientTimeout ? 4 : hasNat || hasClientTimeout ? 3 : 2;
    if (remainingFields > maxFields) {
      throw SpaException.message(null, remainingFields + " fields after the type, at most " + maxFields + " for type " + typeCode);
    }

    String msgB64 = cur.next();
    checkFieldLength("message", msgB64);
    String message = b64Field("message", msgB64);
    if (typeCode == 0) {
      checkCommandMessage(message);
    } else {
      checkAccessMessage(message);
    }

    String nat = null;
    if (hasNat) {
      if (!cur.hasNext()) {
        throw SpaException.message("nat_access", "missing for type " + typeCode);
      }
      String natB64 = cur.next();
      checkFieldLength("nat_access", natB64);
      nat = b64Field("nat_access", natB64);
      checkNatAccess(nat);
    }

    String serverAuth = null;
    int clientTimeout = 0;
    if (hasClientTimeout) {
      if (!cur.hasNext()) {
        throw SpaException.message("client_timeout", "missing for type " + typeCode);
      }
      String rest = cur.rest();
      int colon = rest.indexOf(':');
      if (colon >= 0) {
        serverAuth = serverAuth(rest.substring(0, colon));
        rest = rest.substring(colon + 1);
      }
      if (rest.length() > 6 || !allDigits(rest)) {
        throw SpaException.message("client_timeout", "must be decimal digits");
      }
      clientTimeout = Integer.parseInt(rest);
      if (clientTimeout > MAX_CLIENT_TIMEOUT) {
        throw SpaException.message("client_timeout", clientTimeout + " beyond " + MAX_CLIENT_TIMEOUT);
      }
    } else if (cur.hasNext()) {
      String rest = cur.rest();
      if (!rest.isEmpty()) {
        serverAuth = serverAuth(rest);
      }
    }
    return new SpaMessage(rand, user, timestamp, version, type, message, nat, serverAuth, clientTimeout, digestType);
  }

  private static String serverAuth(String b64) throws SpaException {
    checkFieldLength("server_auth", b64);
    return b64Field("server_auth", b64);
  }

  private static DigestType verifyDigest(String encoded, String digest) throws SpaException {
    // the digest types in the order fwknop tries them, found by the length of their unpadded base64
    List<DigestType> candidates = new ArrayList<>();
    for (DigestType t : List.of(DigestType.MD5, DigestType.SHA1, DigestType.SHA256, DigestType.SHA3_256,
        DigestType.SHA384, DigestType.SHA512, DigestType.SHA3_512)) {
      if (b64Digest(t, "").length() == digest.length()) {
        candidates.add(t);
      }
    }
    if (candidates.isEmpty()) {
      throw SpaException.message("digest", "length " + digest.length() + " matches no digest type");
    }
    DigestType first = candidates.get(0);
    DigestType second = candidates.size() > 1 ? candidates.get(1) : null;
    if (b64Digest(first, encoded).equals(digest)) {
      return first;
    }
    if (second != null && b64Digest(second, encoded).equals(digest)) {
      return second;
    }
    throw SpaException.message("digest", "does not match the message");
  }

  private static void checkFieldLength(String field, String b64) throws SpaException {
    if (b64.isEmpty() || b64.length() > MAX_FIELD_B64) {
      throw SpaException.message(field, "base64 length " + b64.length() + " outside 1.." + MAX_FIELD_B64);
    }
  }

  private static String b64Field(String field, String b64) throws SpaException {
    String v = decodeText(b64);
    if (v == null) {
      throw SpaException.message(field, "not base64");
    }
    if (v.isEmpty()) {
      throw SpaException.message(field, "decodes to nothing");
    }
    return v;
  }

  /** Walks ':'-separated fields. */
  static final class Cursor {
    private final String s;
    private int pos;

    Cursor(String s) {
      this.s = s;
    }

    boolean hasNext() {
      return pos <= s.length();
    }

    String next() throws SpaException {
      if (pos > s.length()) {
        throw SpaException.message(null, "too few fields");
      }
      int colon = s.indexOf(':', pos);
      int end = colon < 0 ? s.length() : colon;
      String f = s.substring(pos, end);
      pos = end + 1;
      return f;
    }

    /** Everything not yet read (may contain ':'). */
    String rest() {
      String r = pos > s.length() ? "" : s.substring(pos);
      pos = s.length() + 1;
      return r;
    }

    int remainingFields() {
      if (pos > s.length()) {
        return 0;
      }
      int n = 1;
      for (int i = pos; i < s.length(); i++) {
        if (s.charAt(i) == ':') {
          n++;
        }
      }
      return n;
    }
  }
}
