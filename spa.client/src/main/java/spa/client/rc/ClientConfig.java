package spa.client.rc;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.random.RandomGenerator;
import spa.client.Destination;
import spa.client.ExternalIpResolver;
import spa.client.SpaRequest;
import spa.client.Transport;
import spa.core.ConfigException;
import spa.core.DigestType;
import spa.core.EncryptionMode;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.core.SpaException;
import spa.core.codec.SpaFields;

/**
 * The client's settings after layering (defaults, rc stanzas, command line), checked and typed. Every
 * bad value is reported with the place it was set ({@code file:line} or the option) and its variable.
 *
 * @param settings the layered settings, kept for their origins and for the cipher
 * @param server the fwknopd host, or null when none was given
 * @param port destination port
 * @param proto transport name ({@code udp}, {@code tcp}, {@code http})
 * @param sourcePort local port, 0 for any
 * @param randPort send to a random port 10000..65534
 * @param ipv4Only resolve the server to IPv4 only
 * @param httpProxy proxy for http, or null
 * @param userAgent HTTP User-Agent for http and for resolving the external IP
 * @param access requested ports (empty when only a command is asked for)
 * @param command command request, or null
 * @param allowIp how to choose the allow IP, or null when none was configured
 * @param natHost NAT target host, or null
 * @param natHostPort NAT target port, 0 when not given (then the first access port)
 * @param natLocal NAT to the server itself
 * @param natPort replacement port for the access list, 0 for none
 * @param natRandPort replace the access port by a random one
 * @param clientTimeout requested timeout in seconds, 0 for the server's default
 * @param timeOffset seconds added to the timestamp
 * @param spoofUser the username to send, or null for the login name
 * @param digestType message digest
 * @param encryptionMode Rijndael mode
 * @param useHmac whether an HMAC is added
 * @param hmacDigestType HMAC digest
 * @param useGpg GnuPG instead of Rijndael
 * @param verbose print what is sent
 */
public record ClientConfig(
    Settings settings,
    String server,
    int port,
    String proto,
    int sourcePort,
    boolean randPort,
    boolean ipv4Only,
    Destination httpProxy,
    String userAgent,
    List<ProtoPort> access,
    String command,
    AllowIp allowIp,
    String natHost,
    int natHostPort,
    boolean natLocal,
    int natPort,
    boolean natRandPort,
    int clientTimeout,
    long timeOffset,
    String spoofUser,
    DigestType digestType,
    EncryptionMode encryptionMode,
    boolean useHmac,
    DigestType hmacDigestType,
    boolean useGpg,
    boolean verbose) {

  /** Lowest and highest port of fwknop's random ports ({@code -r}, {@code --nat-rand-port}). */
  public static final int RAND_PORT_MIN = 10000;
  public static final int RAND_PORT_MAX = 65534;

  /** Checks and types {@code s}. */
  public static ClientConfig from(Settings s) throws ConfigException {
    String server = s.get("SPA_SERVER").orElse(null);
    if (server != null && (server.isBlank() || server.chars().anyMatch(c -> c <= ' ' || c > '~'))) {
      throw s.invalid("SPA_SERVER", "'" + SpaFields.printable(server) + "' is not a host name or address");
    }
    int port = port(s, "SPA_SERVER_PORT", Destination.DEFAULT_PORT);
    String proto = s.get("SPA_SERVER_PROTO").map(p -> p.toLowerCase(Locale.ROOT)).orElse("udp");
    if (!Transport.NAMES.contains(proto) && !Transport.RAW_NAMES.contains(proto)) {
      throw s.invalid("SPA_SERVER_PROTO", Transport.unsupported(s.get("SPA_SERVER_PROTO").orElseThrow()));
    }
    int sourcePort = port(s, "SPA_SOURCE_PORT", 0);
    Destination proxy = null;
    if (s.has("HTTP_PROXY")) {
      proxy = hostPort(s, "HTTP_PROXY", port);
    }
    String userAgent = s.get("HTTP_USER_AGENT").orElse(Transport.Options.DEFAULT_USER_AGENT);
    if (userAgent.isEmpty() || userAgent.chars().anyMatch(c -> c < ' ' || c > '~')) {
      throw s.invalid("HTTP_USER_AGENT", "must be printable ASCII without line breaks");
    }

    String command = s.get(RcVariables.SERVER_CMD).orElse(null);
    if (command != null && command.isEmpty()) {
      throw s.invalid(RcVariables.SERVER_CMD, "empty command");
    }
    List<ProtoPort> access = List.of();
    if (s.has("ACCESS")) {
      try {
        access = ProtoPort.parseList(s.get("ACCESS").orElseThrow(), 1);
      } catch (IllegalArgumentException e) {
        throw s.invalid("ACCESS", e.getMessage());
      }
    }

    String natHost = null;
    int natHostPort = 0;
    if (s.has("NAT_ACCESS")) {
      String v = s.get("NAT_ACCESS").orElseThrow();
      int sep = Math.max(v.lastIndexOf(','), v.lastIndexOf(':'));
      if (sep >= 0 && v.indexOf(',') >= 0 && v.indexOf(',') != sep) {
        throw s.invalid("NAT_ACCESS", "expected host, host:port or host,port, got '" + SpaFields.printable(v) + "'");
      }
      natHost = sep < 0 ? v : v.substring(0, sep);
      if (sep >= 0) {
        natHostPort = portValue(s, "NAT_ACCESS", v.substring(sep + 1));
      }
      if (natHost.isEmpty()) {
        throw s.invalid("NAT_ACCESS", "no host in '" + SpaFields.printable(v) + "'");
      }
    }
    int natPort = s.has("NAT_PORT") ? port(s, "NAT_PORT", 0) : 0;

    int timeout = 0;
    if (s.has("FW_TIMEOUT")) {
      String v = s.get("FW_TIMEOUT").orElseThrow();
      if (!v.matches("\\d{1,5}") || Integer.parseInt(v) > SpaFields.MAX_CLIENT_TIMEOUT) {
        throw s.invalid("FW_TIMEOUT", "'" + SpaFields.printable(v) + "' is not a number of seconds 0.."
            + SpaFields.MAX_CLIENT_TIMEOUT);
      }
      timeout = Integer.parseInt(v);
    }
    long offset = s.has("TIME_OFFSET") ? timeOffset(s, "TIME_OFFSET") : 0;

    if (s.has("SPOOF_SOURCE_IP")) {
      String v = s.get("SPOOF_SOURCE_IP").orElseThrow();
      if (!SpaFields.isIpv4(v)) {
        throw s.invalid("SPOOF_SOURCE_IP", "'" + SpaFields.printable(v) + "' is not an IPv4 address");
      }
      if (!Transport.RAW_NAMES.contains(proto)) {
        throw s.invalid("SPOOF_SOURCE_IP", "a spoofed source needs a raw mode: -P udpraw, tcpraw or icmp (as root)");
      }
    }
    String user = s.get("SPOOF_USER").orElse(null);
    if (user != null) {
      try {
        SpaFields.checkUsername(user);
      } catch (SpaException e) {
        throw s.invalid("SPOOF_USER", e.reason());
      }
    }

    DigestType digest = digest(s, "DIGEST_TYPE");
    DigestType hmacDigest = digest(s, "HMAC_DIGEST_TYPE");
    EncryptionMode mode = EncryptionMode.CBC;
    if (s.has("ENCRYPTION_MODE")) {
      String v = s.get("ENCRYPTION_MODE").orElseThrow();
      mode = EncryptionMode.parse(v).filter(m -> m != EncryptionMode.ASYMMETRIC).orElseThrow(
          () -> s.invalid("ENCRYPTION_MODE", "unknown mode '" + SpaFields.printable(v) + "'; use cbc, ecb, cfb, ofb, ctr or legacy"));
    }
    boolean useHmac = s.flag("USE_HMAC", false) || s.has("HMAC_KEY") || s.has("HMAC_KEY_BASE64") || s.has("HMAC_KEY_FILE");
    boolean useGpg = s.flag("USE_GPG", false);
    if (useGpg) {
      mode = EncryptionMode.ASYMMETRIC;
    }

    return new ClientConfig(s, server, port, proto, sourcePort, s.flag("RAND_PORT", false),
        s.flag("SERVER_RESOLVE_IPV4", false), proxy, userAgent, access, command, allowIp(s),
        natHost, natHostPort, s.flag("NAT_LOCAL", false), natPort, s.flag("NAT_RAND_PORT", false),
        timeout, offset, user, digest, mode, useHmac, hmacDigest, useGpg, s.flag("VERBOSE", false));
  }

  /** The destination, with {@code -r}'s random port when asked for. */
  public Destination destination(RandomGenerator random) throws ConfigException {
    if (server == null) {
      throw new ConfigException(null, null, "no server given: use -D <host> or SPA_SERVER in the rc file");
    }
    int p = randPort ? random.nextInt(RAND_PORT_MIN, RAND_PORT_MAX + 1) : port;
    return new Destination(server, p);
  }

  /** Transport settings from this configuration. */
  public Transport.Options transportOptions(java.time.Duration timeout) {
    // -6 on the command line wins over an rc file's SERVER_RESOLVE_IPV4
    return new Transport.Options(sourcePort, ipv4Only && !ipv6Only(), timeout, userAgent, httpProxy, ipv6Only());
  }

  /** The transport of {@code -P}; raw modes with {@code -Q}'s source address. */
  public Transport transport(java.time.Duration timeout, java.util.random.RandomGenerator random) throws spa.client.ClientException {
    Transport.Options options = transportOptions(timeout);
    if (!Transport.RAW_NAMES.contains(proto)) {
      return Transport.of(proto, options);
    }
    java.net.Inet4Address spoof = settings.get("SPOOF_SOURCE_IP")
        .map(v -> (java.net.Inet4Address) spa.core.IpAddresses.literal(v)).orElse(null);
    return new spa.client.RawTransport(proto, options, spoof, random);
  }

  /** {@code -6}: the server's IPv6 addresses only (a command-line setting, not an rc variable). */
  public boolean ipv6Only() {
    return settings.flag(RcVariables.SERVER_RESOLVE_IPV6, false);
  }

  /**
   * The request, given the username and the allow IP already chosen. Applies fwknop's NAT rules: NAT
   * without a port uses the first access port, {@code --nat-local} targets the server itself, and
   * {@code --nat-port}/{@code --nat-rand-port} replace the (single) access port.
   */
  public SpaRequest request(String user, String allow, RandomGenerator random) throws ConfigException {
    if (command != null) {
      return SpaRequest.command(user, allow, command).withDigestType(digestType).withTimeOffset(timeOffset);
    }
    if (access.isEmpty()) {
      throw new ConfigException(null, null,
          "nothing to request: use -A proto/port (or ACCESS in the rc file), or -C <command>");
    }
    List<ProtoPort> ports = access;
    String nat = null;
    if (natHost != null || natLocal) {
      String host = natHost;
      if (host == null) {
        if (server == null) {
          throw settings.invalid("NAT_LOCAL", "local NAT needs the server (-D) to name the NAT target");
        }
        host = server;
      }
      nat = host + "," + (natHostPort != 0 ? natHostPort : access.get(0).port());
    }
    if (natPort != 0 || natRandPort) {
      String key = natPort != 0 ? "NAT_PORT" : "NAT_RAND_PORT";
      if (access.size() != 1) {
        throw settings.invalid(key, "replacing the access port needs exactly one proto/port in ACCESS, not " + access.size());
      }
      int p = natPort != 0 ? natPort : random.nextInt(RAND_PORT_MIN, RAND_PORT_MAX + 1);
      ports = List.of(new ProtoPort(access.get(0).proto(), p));
    }
    SpaRequest r = new SpaRequest(user, allow, ports, null, nat, natLocal, clientTimeout, digestType, timeOffset);
    return r;
  }

  /** The key file for {@code key} (KEY_FILE or HMAC_KEY_FILE), if one is set. */
  public Optional<Path> keyFile(String key) {
    return settings.get(key).map(Path::of);
  }

  private static AllowIp allowIp(Settings s) throws ConfigException {
    boolean httpOnly = s.flag("RESOLVE_HTTP_ONLY", false) || s.flag("RESOLVE_IP_HTTP", false);
    URI url = httpOnly ? ExternalIpResolver.DEFAULT_HTTP_URL : ExternalIpResolver.DEFAULT_URL;
    if (s.has("RESOLVE_URL")) {
      String v = s.get("RESOLVE_URL").orElseThrow();
      try {
        url = new URI(v);
      } catch (URISyntaxException e) {
        throw s.invalid("RESOLVE_URL", "'" + SpaFields.printable(v) + "' is not a URL");
      }
      String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
        throw s.invalid("RESOLVE_URL", "'" + SpaFields.printable(v) + "' is not an http or https URL");
      }
    }
    if (s.has("ALLOW_IP")) {
      String v = s.get("ALLOW_IP").orElseThrow();
      if (v.equalsIgnoreCase("source")) {
        return new AllowIp.Source();
      }
      if (v.equalsIgnoreCase("resolve")) {
        return new AllowIp.Resolve(url);
      }
      if (!SpaFields.isIpv4(v) && spa.core.IpAddresses.literal(v) instanceof java.net.Inet6Address) {
        throw s.invalid("ALLOW_IP", "'" + v + "' is an IPv6 address, and fwknop 2.6's SPA message carries an IPv4"
            + " allow IP only (-s lets the server use the packet's source)");
      }
      if (!SpaFields.isIpv4(v)) {
        throw s.invalid("ALLOW_IP", "'" + SpaFields.printable(v) + "' is not an IPv4 address, 'source' or 'resolve'");
      }
      return new AllowIp.Address(v);
    }
    if (s.flag("RESOLVE_IP_HTTPS", false) || s.flag("RESOLVE_IP_HTTP", false)) {
      return new AllowIp.Resolve(url);
    }
    return null;
  }

  private static DigestType digest(Settings s, String key) throws ConfigException {
    if (!s.has(key)) {
      return DigestType.SHA256;
    }
    String v = s.get(key).orElseThrow();
    return DigestType.parse(v).orElseThrow(
        () -> s.invalid(key, "unknown digest '" + SpaFields.printable(v) + "'; use " + DigestType.names()));
  }

  private static int port(Settings s, String key, int dflt) throws ConfigException {
    return s.has(key) ? portValue(s, key, s.get(key).orElseThrow()) : dflt;
  }

  private static int portValue(Settings s, String key, String v) throws ConfigException {
    if (!v.matches("\\d{1,5}") || Integer.parseInt(v) < 1 || Integer.parseInt(v) > 65535) {
      throw s.invalid(key, "'" + SpaFields.printable(v) + "' is not a port number 1..65535");
    }
    return Integer.parseInt(v);
  }

  private static Destination hostPort(Settings s, String key, int dfltPort) throws ConfigException {
    String v = s.get(key).orElseThrow();
    int colon = v.lastIndexOf(':');
    String host = colon < 0 ? v : v.substring(0, colon);
    int p = colon < 0 ? dfltPort : portValue(s, key, v.substring(colon + 1));
    if (host.isEmpty()) {
      throw s.invalid(key, "no host in '" + SpaFields.printable(v) + "'");
    }
    return new Destination(host, p);
  }

  /**
   * fwknop's time offsets: digits with an optional m, h or d suffix (minutes, hours, days), the number
   * at most 65536; a leading '-' goes back in time.
   */
  static long timeOffset(Settings s, String key) throws ConfigException {
    String v = s.get(key).orElseThrow();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([+-]?)(\\d{1,5})([smhdSMHD]?)").matcher(v);
    if (!m.matches() || Long.parseLong(m.group(2)) > 65536) {
      throw s.invalid(key, "'" + SpaFields.printable(v) + "' is not a time offset (0..65536 with an optional m, h or d suffix)");
    }
    long n = Long.parseLong(m.group(2));
    long mult = switch (m.group(3).toLowerCase(Locale.ROOT)) {
      case "m" -> 60;
      case "h" -> 3600;
      case "d" -> 86400;
      default -> 1;
    };
    return m.group(1).equals("-") ? -n * mult : n * mult;
  }
}
