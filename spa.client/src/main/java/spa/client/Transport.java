package spa.client;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How the wire string reaches the server: fwknop's {@code udp}, {@code tcp} and {@code http} modes. The raw
 * modes ({@code udpraw}, {@code tcpraw}, {@code icmp}) need hand-built IP headers and are not offered.
 */
public sealed interface Transport permits UdpTransport, TcpTransport, HttpTransport, RawTransport {

  /** The modes {@link #of} accepts. */
  List<String> NAMES = List.of("udp", "tcp", "http");

  /** fwknop's raw-socket modes ({@link RawTransport}, as root). */
  List<String> RAW_NAMES = List.of("udpraw", "tcpraw", "icmp");

  /** The mode name as {@code -P} spells it. */
  String name();

  /** Sends the packet; returns the number of bytes written. */
  int send(String wire, Destination to) throws ClientException;

  /**
   * Settings shared by the transports.
   *
   * @param sourcePort local port to bind, 0 for any
   * @param ipv4Only resolve the server to IPv4 addresses only
   * @param timeout connect timeout for tcp and http
   * @param userAgent HTTP User-Agent
   * @param proxy HTTP proxy to send through, or null
   * @param ipv6Only resolve the server to IPv6 addresses only ({@code -6})
   */
  record Options(int sourcePort, boolean ipv4Only, Duration timeout, String userAgent, Destination proxy,
      boolean ipv6Only) {
    /** fwknop's default HTTP User-Agent. */
    public static final String DEFAULT_USER_AGENT = "Fwknop/2.6.10";

    public Options {
      if (sourcePort < 0 || sourcePort > 65535) {
        throw new IllegalArgumentException("source port " + sourcePort + " outside 0..65535");
      }
      Objects.requireNonNull(timeout, "timeout");
      userAgent = userAgent == null ? DEFAULT_USER_AGENT : userAgent;
      if (ipv4Only && ipv6Only) {
        throw new IllegalArgumentException("IPv4 only and IPv6 only at once");
      }
    }

    /** Options that take any address family the server has, preferring IPv4. */
    public Options(int sourcePort, boolean ipv4Only, Duration timeout, String userAgent, Destination proxy) {
      this(sourcePort, ipv4Only, timeout, userAgent, proxy, false);
    }

    public static Options defaults() {
      return new Options(0, false, Duration.ofSeconds(10), DEFAULT_USER_AGENT, null);
    }
  }

  /** The transport for a {@code -P} name, case-insensitively. */
  static Transport of(String name, Options options) throws ClientException {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    return switch (n) {
      case "udp" -> new UdpTransport(options);
      case "tcp" -> new TcpTransport(options);
      case "http" -> new HttpTransport(options);
      case "udpraw", "tcpraw", "icmp" -> new RawTransport(n, options, null, new java.security.SecureRandom());
      default -> throw new ClientException(unsupported(name));
    };
  }

  /** Why a mode name cannot be used, in one line. */
  static String unsupported(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    return "unknown server protocol '" + name + "'; use udp, tcp, http, udpraw, tcpraw or icmp";
  }
}
