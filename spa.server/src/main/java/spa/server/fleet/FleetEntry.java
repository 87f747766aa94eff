package spa.server.fleet;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import spa.core.Grant;
import spa.core.IpAddresses;
import spa.core.ProtoPort;

/**
 * One entry of the fleet's bus, as text: {@code spa-fleet-1 KIND ORIGIN ISSUED STANZA SOURCE DESTINATION ACCESS
 * EXPIRES MAC}, fields separated by one space; the stanza's name in base64url (it may hold spaces), times in
 * epoch milliseconds, {@code -} for a field a kind has not, and the MAC an HMAC-SHA256 with the fleet's key over
 * everything before it. {@code grant}: ORIGIN opened SOURCE to ACCESS (through stanza STANZA) until EXPIRES.
 * {@code flush}: ORIGIN removed all its openings at ISSUED; the others remove those they hold from it.
 *
 * @param kind what happened
 * @param origin the gateway's {@code FLEET_ID}
 * @param issuedMillis when the origin published it
 * @param grant the opening ({@link Kind#GRANT}), or null
 */
public record FleetEntry(Kind kind, String origin, long issuedMillis, Grant grant) {
  static final String VERSION = "spa-fleet-1";
  private static final Base64.Encoder NAME_OUT = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder NAME_IN = Base64.getUrlDecoder();

  /** What an entry says. */
  public enum Kind { GRANT, FLUSH }

  public static FleetEntry grant(String origin, long issuedMillis, Grant grant) {
    return new FleetEntry(Kind.GRANT, origin, issuedMillis, grant);
  }

  public static FleetEntry flush(String origin, long issuedMillis) {
    return new FleetEntry(Kind.FLUSH, origin, issuedMillis, null);
  }

  /** The entry's text, authenticated with {@code key}. */
  public String encode(byte[] key) {
    StringBuilder b = new StringBuilder(VERSION).append(' ').append(kind.name().toLowerCase()).append(' ')
        .append(origin).append(' ').append(issuedMillis).append(' ');
    if (grant == null) {
      b.append("- - - - -");
    } else {
      b.append(NAME_OUT.encodeToString(grant.stanza().getBytes(StandardCharsets.UTF_8))).append(' ')
          .append(IpAddresses.text(grant.source())).append(' ')
          .append(grant.destination() == null ? "-" : IpAddresses.text(grant.destination())).append(' ')
          .append(String.join(",", grant.access().stream().map(ProtoPort::toString).toList())).append(' ')
          .append(grant.expires().toEpochMilli());
    }
    String body = b.toString();
    return body + ' ' + Base64.getEncoder().encodeToString(mac(key, body));
  }

  /**
   * Reads and authenticates {@code text}.
   *
   * @throws IllegalArgumentException with one line saying why it is refused (not authentic, not well formed)
   */
  public static FleetEntry decode(byte[] key, String text) {
    int cut = text.lastIndexOf(' ');
    if (cut < 0) {
      throw new IllegalArgumentException("not a fleet entry");
    }
    String body = text.substring(0, cut);
    byte[] given;
    try {
      given = Base64.getDecoder().decode(text.substring(cut + 1));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a fleet entry: its MAC is not base64");
    }
    if (!MessageDigest.isEqual(given, mac(key, body))) {
      throw new IllegalArgumentException("its MAC does not match FLEET_KEY (another key, or forged)");
    }
    String[] f = body.split(" ", -1);
    if (f.length != 9 || !f[0].equals(VERSION)) {
      throw new IllegalArgumentException("not a " + VERSION + " entry");
    }
    try {
      String origin = f[2];
      long issued = Long.parseLong(f[3]);
      return switch (f[1]) {
        case "flush" -> flush(origin, issued);
        case "grant" -> grant(origin, issued, new Grant(address(f[5]), f[6].equals("-") ? null : address(f[6]),
            ProtoPort.parseList(f[7], 1), null, Instant.ofEpochMilli(Long.parseLong(f[8])),
            new String(NAME_IN.decode(f[4]), StandardCharsets.UTF_8)));
        default -> throw new IllegalArgumentException("unknown kind " + f[1]);
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("a time is not a number");
    }
  }

  private static InetAddress address(String s) {
    InetAddress a = IpAddresses.literal(s);
    if (a == null) {
      throw new IllegalArgumentException("not an address: " + s);
    }
    return a;
  }

  private static byte[] mac(byte[] key, String body) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return m.doFinal(body.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this Java runtime", e);
    }
  }
}
