package spa.server.engine;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import spa.core.Packet;
import spa.core.codec.SpaFields;
import spa.core.codec.WireForm;

/**
 * fwknopd's cheap first look at a payload, on bytes and without allocation: length 140..1500, SPA-over-HTTP
 * unwrapping when enabled, then the wire form's own checks ({@link WireForm}: no stripped prefix, base64).
 * Packets it refuses are counted; those fwknopd logs are also refused with a reason ({@link #DETAILS}).
 */
public final class Prefilter {
  public static final int MIN_LENGTH = WireForm.MIN_LENGTH;
  public static final int MAX_LENGTH = WireForm.MAX_LENGTH;

  /** Outcomes other than {@link #PASS}: why a payload was ignored. */
  public static final int PASS = 0;
  public static final int TOO_SHORT = 1;
  public static final int TOO_LONG = 2;
  public static final int PREFIX = 3;
  public static final int NOT_BASE64 = 4;
  public static final int HTTP = 5;
  static final String[] NAMES = {"pass", "too-short", "too-long", "prefix", "not-base64", "http"};
  /**
   * What a deny event says of each outcome, null for those only counted: fwknopd too ignores payloads of a
   * length outside 140..1500 in silence, and on a pcap filter wider than the SPA port most are other traffic.
   */
  static final String[] DETAILS = {null, null, null,
      "not a valid SPA message format: it starts with a prefix the wire form strips (a replay variant)",
      "not an SPA message: not base64", "not an SPA message: an HTTP request without a valid SPA packet"};

  private final boolean http;
  private final boolean anyUserAgent;
  private final boolean forwardedFor;

  /**
   * @param http ENABLE_SPA_OVER_HTTP
   * @param anyUserAgent ALLOW_ANY_USER_AGENT (else the request must say {@code User-Agent: Fwknop})
   * @param forwardedFor ENABLE_X_FORWARDED_FOR (take the source from that header)
   */
  public Prefilter(boolean http, boolean anyUserAgent, boolean forwardedFor) {
    this.http = http;
    this.anyUserAgent = anyUserAgent;
    this.forwardedFor = forwardedFor;
  }

  /** {@link #PASS} or the reason code for a raw payload (HTTP requests are unwrapped by {@link #unwrapHttp}). */
  public int check(byte[] p) {
    int n = p.length;
    if (n < MIN_LENGTH) {
      return TOO_SHORT;
    }
    if (n > MAX_LENGTH) {
      return TOO_LONG;
    }
    if (http && startsWith(p, GET)) {
      return HTTP;
    }
    // the wire form's own checks; '=' passes here as in fwknopd, and the cipher refuses it
    return switch (WireForm.check(p, 0, n)) {
      case SALTED_PREFIX, GPG_PREFIX -> PREFIX;
      case NOT_BASE64 -> NOT_BASE64;
      case OK, EQUALS -> PASS;
    };
  }

  private static final byte[] GET = "GET /".getBytes(StandardCharsets.US_ASCII);

  private static boolean startsWith(byte[] p, byte[] prefix) {
    if (p.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (p[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The SPA packet inside an HTTP request ({@code GET /<spa> HTTP/1.1}, with {@code -} and {@code _} standing
   * for {@code +} and {@code /}), checked like a raw payload; null when the request does not carry one.
   */
  public Packet unwrapHttp(Packet pkt) {
    byte[] p = pkt.payload();
    int start = GET.length;
    int end = start;
    while (end < p.length && p[end] != ' ' && p[end] != '\r' && p[end] != '\n') {
      end++;
    }
    String head = new String(p, StandardCharsets.ISO_8859_1);
    if (!anyUserAgent && !head.contains("\nUser-Agent: Fwknop")) {
      return null;
    }
    byte[] spa = new byte[end - start];
    for (int i = 0; i < spa.length; i++) {
      byte b = p[start + i];
      spa[i] = b == '-' ? (byte) '+' : b == '_' ? (byte) '/' : b;
    }
    InetAddress src = pkt.src();
    if (forwardedFor) {
      int h = head.indexOf("\nX-Forwarded-For: ");
      if (h >= 0) {
        int e = head.indexOf('\r', h + 1);
        String ip = head.substring(h + 18, e < 0 ? head.length() : e).strip();
        int comma = ip.indexOf(',');
        ip = comma < 0 ? ip : ip.substring(0, comma).strip();
        if (SpaFields.isIpv4(ip)) {
          try {
            src = InetAddress.getByName(ip); // a dotted quad: no lookup
          } catch (java.net.UnknownHostException e2) {
            return null;
          }
        }
      }
    }
    Packet inner = new Packet(src, pkt.srcPort(), pkt.dst(), pkt.dstPort(), pkt.protocol(), spa, pkt.arrival());
    return check(spa) == PASS ? inner : null;
  }
}
