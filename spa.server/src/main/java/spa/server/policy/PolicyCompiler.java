package spa.server.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import spa.core.ConfigException;
import spa.core.DigestType;
import spa.core.EncryptionMode;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.core.spi.Decryptor;
import spa.server.config.ServerConfig;
import spa.server.config.StanzaConfig;
import spa.server.config.Variables;

/**
 * Turns configuration into a {@link Policy}, checking every value: a bad one stops start-up with the
 * file, line and variable named.
 */
public final class PolicyCompiler {
  private static final int MAX_TIMEOUT_VALUE = 8_388_608;
  /** fwknopd's MM/DD/YYYY, where month and day may have one digit; a date that does not exist is refused. */
  private static final DateTimeFormatter EXPIRE_DATE =
      DateTimeFormatter.ofPattern("M/d/uuuu").withResolverStyle(ResolverStyle.STRICT);
  private static final String CHANGEME = Variables.PLACEHOLDER;

  private final List<Decryptor> decryptors;
  private final Supplier<ZoneId> zone;

  /**
   * @param decryptors the cipher plugins found, in the order they are tried for a stanza
   * @param zone the zone ACCESS_EXPIRE dates are read in (local midnight, as fwknopd); asked for only when a
   *     stanza has such a date, since reading the system's zone costs start-up milliseconds
   */
  public PolicyCompiler(List<Decryptor> decryptors, Supplier<ZoneId> zone) {
    this.decryptors = List.copyOf(decryptors);
    this.zone = zone;
  }

  public Policy compile(ServerConfig config) throws ConfigException {
    Settings g = config.globals();
    ServerPolicy server = server(g);
    EngineSettings engine = EngineSettings.from(g);
    List<Stanza> stanzas = new ArrayList<>();
    for (StanzaConfig sc : config.stanzas()) {
      stanzas.add(stanza(stanzas.size(), sc, g, server, engine.commandTimeout()));
    }
    return new Policy(server, engine, stanzas, g);
  }

  /** The daemon-wide part of the policy, from fwknopd.conf variables. */
  public static ServerPolicy server(Settings g) throws ConfigException {
    boolean pcapFile = g.get("PCAP_FILE").filter(s -> !s.isBlank()).isPresent();
    boolean aging = g.flag("ENABLE_SPA_PACKET_AGING", !pcapFile);
    int maxAge = intValue(g, "MAX_SPA_PACKET_AGE", 120, 1, 100_000);
    boolean forwarding = g.flag("ENABLE_IPT_FORWARDING", false) || g.flag("ENABLE_FIREWD_FORWARDING", false);
    boolean localNat = g.flag("ENABLE_IPT_LOCAL_NAT", false) || g.flag("ENABLE_FIREWD_LOCAL_NAT", false);
    boolean globalSnat = g.flag("ENABLE_IPT_SNAT", false) || g.flag("ENABLE_FIREWD_SNAT", false);
    InetAddress snat = null;
    if (g.has("SNAT_TRANSLATE_IP")) {
      snat = literal(g, "SNAT_TRANSLATE_IP", g.get("SNAT_TRANSLATE_IP").orElseThrow());
    }
    return new ServerPolicy(aging, maxAge, forwarding, localNat, g.flag("ENABLE_NAT_DNS", true),
        g.flag("ENABLE_DESTINATION_RULE", false), globalSnat, snat);
  }

  private Stanza stanza(int index, StanzaConfig sc, Settings g, ServerPolicy server, int commandTimeout)
      throws ConfigException {
    Settings s = sc.settings();
    IpList source = ipList(s, "SOURCE");
    if (source == null) {
      throw s.invalid("SOURCE", "missing");
    }
    IpList destination = s.has("DESTINATION") ? ipList(s, "DESTINATION") : IpList.any();
    Set<ProtoPort> openPorts = s.has("OPEN_PORTS") ? ports(s, "OPEN_PORTS") : null;
    Set<ProtoPort> restrict = s.has("RESTRICT_PORTS") ? ports(s, "RESTRICT_PORTS") : Set.of();
    int accessTimeout = intValue(s, "FW_ACCESS_TIMEOUT", 30, 0, MAX_TIMEOUT_VALUE);
    int maxTimeout = intValue(s, "MAX_FW_TIMEOUT", 300, 0, MAX_TIMEOUT_VALUE);
    int cmdTimeout = intValue(s, "CMD_EXEC_TIMEOUT", commandTimeout, 1, EngineSettings.MAX_COMMAND_TIMEOUT);
    long expires = Long.MAX_VALUE;
    if (s.has("ACCESS_EXPIRE")) {
      String v = s.get("ACCESS_EXPIRE").orElseThrow().strip();
      try {
        expires = LocalDate.parse(v, EXPIRE_DATE).atStartOfDay(zone.get()).toEpochSecond();
      } catch (DateTimeParseException e) {
        throw s.invalid("ACCESS_EXPIRE", "'" + v + "' is not a date M/D/YYYY (month/day/year, such as 3/10/2030)");
      }
    }
    if (s.has("ACCESS_EXPIRE_EPOCH")) {
      expires = Math.min(expires, longValue(s, "ACCESS_EXPIRE_EPOCH", 0, 0, Long.MAX_VALUE / 2));
    }
    for (String k : List.of("KEY", "KEY_BASE64", "HMAC_KEY", "HMAC_KEY_BASE64")) {
      if (s.get(k).map(CHANGEME::equals).orElse(false)) {
        throw s.invalid(k, "still holds the placeholder " + CHANGEME + "; set a real key");
      }
    }
    if (s.get("KEY").isPresent() && s.get("KEY").equals(s.get("HMAC_KEY"))
        || s.get("KEY_BASE64").isPresent() && s.get("KEY_BASE64").equals(s.get("HMAC_KEY_BASE64"))) {
      throw s.invalid(s.has("HMAC_KEY") ? "HMAC_KEY" : "HMAC_KEY_BASE64", "must differ from the encryption key");
    }
    if (s.has("ENCRYPTION_MODE") && EncryptionMode.parse(s.get("ENCRYPTION_MODE").orElseThrow()).isEmpty()) {
      throw s.invalid("ENCRYPTION_MODE", "'" + s.get("ENCRYPTION_MODE").orElseThrow()
          + "' is not one of CBC, ECB, CFB, OFB, CTR, legacy, Asymmetric");
    }
    if (s.has("HMAC_DIGEST_TYPE") && DigestType.parse(s.get("HMAC_DIGEST_TYPE").orElseThrow()).isEmpty()) {
      throw s.invalid("HMAC_DIGEST_TYPE", "'" + s.get("HMAC_DIGEST_TYPE").orElseThrow() + "' is not one of "
          + DigestType.names());
    }

    Stanza.ForceNat forceNat = null;
    if (s.has("FORCE_NAT")) {
      String v = s.get("FORCE_NAT").orElseThrow().strip();
      String[] parts = v.split("\\s+");
      if (parts.length != 2) {
        throw s.invalid("FORCE_NAT", "expected '<IP> <PORT>', got '" + v + "'");
      }
      forceNat = new Stanza.ForceNat(literal(s, "FORCE_NAT", parts[0]), port(s, "FORCE_NAT", parts[1], 0));
      if (!server.forwarding() && !server.localNat()) {
        throw s.invalid("FORCE_NAT", "needs ENABLE_IPT_FORWARDING or ENABLE_IPT_LOCAL_NAT in the daemon configuration");
      }
    }
    boolean forwardAll = s.flag("FORWARD_ALL", false);
    if (forwardAll && !server.forwarding()) {
      throw s.invalid("FORWARD_ALL", "needs ENABLE_IPT_FORWARDING in the daemon configuration");
    }
    InetAddress forceSnat = null;
    if (s.has("FORCE_SNAT")) {
      forceSnat = literal(s, "FORCE_SNAT", s.get("FORCE_SNAT").orElseThrow().strip());
    }
    boolean masquerade = s.flag("FORCE_MASQUERADE", false);
    if ((forceSnat != null || masquerade) && forceNat == null && !forwardAll) {
      throw s.invalid(forceSnat != null ? "FORCE_SNAT" : "FORCE_MASQUERADE", "needs FORCE_NAT or FORWARD_ALL in the stanza");
    }
    Stanza.CommandCycle cycle = null;
    if (s.has("CMD_CYCLE_OPEN")) {
      String open = command(s, "CMD_CYCLE_OPEN");
      if (!s.has("CMD_CYCLE_CLOSE")) {
        throw s.invalid("CMD_CYCLE_OPEN", "needs CMD_CYCLE_CLOSE (a command, or NONE)");
      }
      String close = command(s, "CMD_CYCLE_CLOSE");
      boolean none = close.equalsIgnoreCase("NONE");
      int timer;
      if (s.has("CMD_CYCLE_TIMER")) {
        timer = intValue(s, "CMD_CYCLE_TIMER", 0, 1, MAX_TIMEOUT_VALUE);
      } else if (none) {
        timer = accessTimeout;
      } else {
        throw s.invalid("CMD_CYCLE_CLOSE", "needs CMD_CYCLE_TIMER (seconds until the close command runs)");
      }
      cycle = new Stanza.CommandCycle(open, none ? null : close, timer);
    } else if (s.has("CMD_CYCLE_CLOSE") || s.has("CMD_CYCLE_TIMER")) {
      throw s.invalid(s.has("CMD_CYCLE_CLOSE") ? "CMD_CYCLE_CLOSE" : "CMD_CYCLE_TIMER", "needs CMD_CYCLE_OPEN");
    }

    Settings cipherSettings = cipherSettings(g, s);
    List<Decryptor.Keyed> keyed = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Decryptor d : decryptors) {
      if (d.configuredBy(cipherSettings)) {
        keyed.add(d.forStanza(cipherSettings));
        names.add(d.name());
      }
    }
    if (s.has("CMD_EXEC_USER") && !SystemAccounts.userExists(s.get("CMD_EXEC_USER").orElseThrow().strip())) {
      throw s.invalid("CMD_EXEC_USER", "'" + s.get("CMD_EXEC_USER").orElseThrow() + "' is not a user on this system");
    }
    if (s.has("CMD_EXEC_GROUP") && !SystemAccounts.groupExists(s.get("CMD_EXEC_GROUP").orElseThrow().strip())) {
      throw s.invalid("CMD_EXEC_GROUP", "'" + s.get("CMD_EXEC_GROUP").orElseThrow() + "' is not a group on this system");
    }
    if (s.flag("ENABLE_CMD_SUDO_EXEC", false)) {
      // as fwknopd: the sudo user and group must exist; SUDO_EXE comes from fwknopd.conf (or --sudo-exe)
      if (s.has("CMD_SUDO_EXEC_USER") && !SystemAccounts.userExists(s.get("CMD_SUDO_EXEC_USER").orElseThrow().strip())) {
        throw s.invalid("CMD_SUDO_EXEC_USER", "'" + s.get("CMD_SUDO_EXEC_USER").orElseThrow() + "' is not a user on this system");
      }
      if (s.has("CMD_SUDO_EXEC_GROUP")
          && !SystemAccounts.groupExists(s.get("CMD_SUDO_EXEC_GROUP").orElseThrow().strip())) {
        throw s.invalid("CMD_SUDO_EXEC_GROUP", "'" + s.get("CMD_SUDO_EXEC_GROUP").orElseThrow() + "' is not a group on this system");
      }
      if (g.has("SUDO_EXE")) {
        s = s.with(Settings.builder(s.origin()).put("SUDO_EXE", g.get("SUDO_EXE").orElseThrow(), g.origin("SUDO_EXE"))
            .build());
      }
    }
    if (gnupgStanza(s) && !names.contains("gpg")) {
      throw s.invalid(s.has("GPG_DECRYPT_PW") ? "GPG_DECRYPT_PW" : "GPG_ALLOW_NO_PW",
          "a GnuPG stanza needs the cipher plugin 'gpg' (plugins/cipher-gpg), which is not installed (installed: "
              + decryptors.stream().map(Decryptor::name).toList() + ")");
    }
    if (keyed.isEmpty()) {
      boolean hasKey = s.has("KEY") || s.has("KEY_BASE64") || s.has("GPG_DECRYPT_PW") || s.has("GPG_ALLOW_NO_PW");
      String installed = decryptors.stream().map(Decryptor::name).toList().toString();
      throw hasKey
          ? s.invalid(s.has("KEY") ? "KEY" : s.has("KEY_BASE64") ? "KEY_BASE64" : "GPG_DECRYPT_PW",
              "no installed cipher plugin handles this stanza's keys (installed: " + installed + ")")
          : s.invalid("SOURCE", "stanza has no key: set KEY or KEY_BASE64 (and HMAC_KEY or HMAC_KEY_BASE64)");
    }
    return new Stanza(index, sc.name(), s, source, destination, openPorts, restrict, accessTimeout, maxTimeout,
        s.flag("ENABLE_CMD_EXEC", false), s.get("CMD_EXEC_USER").orElse(null), s.get("REQUIRE_USERNAME").orElse(null),
        s.flag("REQUIRE_SOURCE_ADDRESS", false) || s.flag("REQUIRE_SOURCE", false), expires, forceNat, forceSnat,
        masquerade, s.flag("DISABLE_DNAT", false), forwardAll, cycle, cmdTimeout, List.copyOf(keyed),
        List.copyOf(names));
  }

  /** fwknop's rule for a GnuPG stanza: {@code GPG_DECRYPT_PW} set, or {@code GPG_ALLOW_NO_PW Y}. */
  public static boolean gnupgStanza(Settings stanza) {
    return stanza.has("GPG_DECRYPT_PW") || stanza.flag("GPG_ALLOW_NO_PW", false);
  }

  /**
   * The stanza's settings as the cipher plugins read them. A raw {@code KEY} or {@code HMAC_KEY} holds one char
   * per key byte ({@link Variables#keyText}); one with a byte over 0x7F is handed on as its {@code _BASE64} form,
   * so the plugin (which encodes raw keys as UTF-8) gets exactly the bytes fwknopd would use. An ASCII key is the
   * same bytes either way and keeps its name for the plugin's messages. The daemon's GPG_HOME_DIR and GPG_EXE are
   * the defaults of the stanza's.
   */
  private static Settings cipherSettings(Settings g, Settings s) {
    Settings.Builder b = Settings.builder(s.origin());
    for (String k : List.of("GPG_HOME_DIR", "GPG_EXE")) {
      g.get(k).ifPresent(v -> b.put(k, v, g.origin(k)));
    }
    for (String k : s.keys()) {
      String v = s.get(k).orElseThrow();
      boolean asBase64 = Variables.RAW_KEYS.contains(k) && !s.has(k + "_BASE64") && !v.chars().allMatch(c -> c < 0x80);
      if (asBase64) {
        b.put(k + "_BASE64", Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.ISO_8859_1)), s.origin(k));
      } else {
        b.put(k, v, s.origin(k));
      }
    }
    return b.build();
  }

  private static String command(Settings s, String key) throws ConfigException {
    String v = s.get(key).orElseThrow().strip();
    if (v.length() >= 256) {
      throw s.invalid(key, "longer than 255 characters");
    }
    return v;
  }

  private static IpList ipList(Settings s, String key) throws ConfigException {
    String v = s.get(key).orElse(null);
    if (v == null) {
      return null;
    }
    try {
      return IpList.parse(v);
    } catch (IllegalArgumentException e) {
      throw s.invalid(key, e.getMessage());
    }
  }

  private static Set<ProtoPort> ports(Settings s, String key) throws ConfigException {
    try {
      return new LinkedHashSet<>(ProtoPort.parseList(s.get(key).orElseThrow(), 0));
    } catch (IllegalArgumentException e) {
      throw s.invalid(key, e.getMessage());
    }
  }

  static int intValue(Settings s, String key, int dflt, int min, int max) throws ConfigException {
    return (int) longValue(s, key, dflt, min, max);
  }

  private static long longValue(Settings s, String key, long dflt, long min, long max) throws ConfigException {
    String v = s.get(key).orElse(null);
    if (v == null) {
      return dflt;
    }
    v = v.strip();
    if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(Character::isDigit)) {
      throw s.invalid(key, "'" + v + "' is not a whole number");
    }
    long n = Long.parseLong(v);
    if (n < min || n > max) {
      throw s.invalid(key, n + " is outside " + min + ".." + max);
    }
    return n;
  }

  private static int port(Settings s, String key, String v, int min) throws ConfigException {
    if (v.isEmpty() || v.length() > 5 || !v.chars().allMatch(Character::isDigit)) {
      throw s.invalid(key, "'" + v + "' is not a port number");
    }
    int p = Integer.parseInt(v);
    if (p < min || p > 65535) {
      throw s.invalid(key, "port " + p + " is outside " + min + "..65535");
    }
    return p;
  }

  private static InetAddress literal(Settings s, String key, String v) throws ConfigException {
    try {
      if (v.indexOf(':') >= 0) {
        if (!v.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
          throw new UnknownHostException(v);
        }
        return InetAddress.getByName(v);
      }
      int ip = IpList.parseV4(v, v);
      return InetAddress.getByAddress(new byte[] {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip});
    } catch (IllegalArgumentException | UnknownHostException e) {
      throw s.invalid(key, "'" + v + "' is not an IP address");
    }
  }
}
