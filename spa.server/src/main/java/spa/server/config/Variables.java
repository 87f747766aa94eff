package spa.server.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The configuration variables spad knows, by fwknop's names, with the daemon's defaults. */
public final class Variables {
  private Variables() {}

  /** Where spad keeps state unless configured otherwise (fwknop keeps it under /run/fwknop). */
  public static final String DEFAULT_RUN_DIR = "/run/spad";
  public static final String DEFAULT_STATE_DIR = "/var/lib/spad";
  public static final String DEFAULT_CONF_DIR = "/etc/fwknop";
  /** The value fwknop's shipped files hold where a key must be set. */
  public static final String PLACEHOLDER = "__CHANGEME__";

  /** Daemon-wide variables with their defaults ({@code null}: no default). */
  public static final Map<String, String> SERVER_DEFAULTS = serverDefaults();

  private static Map<String, String> serverDefaults() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("VERBOSE", "0");
    m.put("PCAP_INTF", "eth0");
    m.put("PCAP_FILE", null);
    m.put("ENABLE_PCAP_PROMISC", "N");
    m.put("PCAP_FILTER", "udp port 62201");
    m.put("PCAP_DISPATCH_COUNT", "100");
    m.put("PCAP_LOOP_SLEEP", "100000");
    m.put("ENABLE_PCAP_ANY_DIRECTION", "N");
    m.put("EXIT_AT_INTF_DOWN", "Y");
    m.put("MAX_SNIFF_BYTES", "1500");
    m.put("ENABLE_SPA_PACKET_AGING", null); // Y, or N when reading a pcap file
    m.put("MAX_SPA_PACKET_AGE", "120");
    m.put("ENABLE_DIGEST_PERSISTENCE", "Y");
    m.put("RULES_CHECK_THRESHOLD", "20");
    m.put("CMD_EXEC_TIMEOUT", null); // seconds a command may run (1..86400, default 30); a stanza may set its own
    m.put("ENABLE_SPA_OVER_HTTP", "N");
    m.put("ALLOW_ANY_USER_AGENT", "N");
    m.put("ENABLE_TCP_SERVER", "N");
    m.put("TCPSERV_PORT", "62201");
    m.put("ENABLE_UDP_SERVER", "N");
    m.put("UDPSERV_PORT", "62201");
    m.put("UDPSERV_SELECT_TIMEOUT", "500000");
    m.put("ENABLE_NFQ_CAPTURE", "N");
    m.put("NFQ_INTERFACE", null);
    m.put("NFQ_PORT", "62201");
    m.put("NFQ_TABLE", "mangle");
    m.put("NFQ_CHAIN", "FWKNOP_NFQ");
    m.put("NFQ_QUEUE_NUMBER", "1");
    m.put("NFQ_LOOP_SLEEP", "500000");
    m.put("LOCALE", null);
    m.put("SYSLOG_IDENTITY", "spad");
    m.put("SYSLOG_FACILITY", "LOG_DAEMON");
    m.put("ENABLE_X_FORWARDED_FOR", "N");
    m.put("ENABLE_DESTINATION_RULE", "N");
    m.put("ENABLE_RULE_PREPEND", "N");
    m.put("ENABLE_NAT_DNS", "Y");
    m.put("ENABLE_IPT_FORWARDING", "N");
    m.put("ENABLE_IPT_LOCAL_NAT", "N");
    m.put("ENABLE_IPT_SNAT", "N");
    m.put("SNAT_TRANSLATE_IP", null);
    m.put("ENABLE_IPT_OUTPUT", "N");
    m.put("FLUSH_IPT_AT_INIT", "Y");
    m.put("FLUSH_IPT_AT_EXIT", "Y");
    m.put("IPT_INPUT_ACCESS", "ACCEPT, filter, INPUT, 1, FWKNOP_INPUT, 1");
    m.put("IPT_OUTPUT_ACCESS", "ACCEPT, filter, OUTPUT, 1, FWKNOP_OUTPUT, 1");
    m.put("IPT_FORWARD_ACCESS", "ACCEPT, filter, FORWARD, 1, FWKNOP_FORWARD, 1");
    m.put("IPT_DNAT_ACCESS", "DNAT, nat, PREROUTING, 1, FWKNOP_PREROUTING, 1");
    m.put("IPT_SNAT_ACCESS", "SNAT, nat, POSTROUTING, 1, FWKNOP_POSTROUTING, 1");
    m.put("IPT_MASQUERADE_ACCESS", "MASQUERADE, nat, POSTROUTING, 1, FWKNOP_MASQUERADE, 1");
    m.put("ENABLE_IPT_COMMENT_CHECK", "Y");
    m.put("ENABLE_FIREWD_FORWARDING", "N");
    m.put("ENABLE_FIREWD_LOCAL_NAT", "N");
    m.put("ENABLE_FIREWD_SNAT", "N");
    m.put("ENABLE_FIREWD_OUTPUT", "N");
    m.put("FLUSH_FIREWD_AT_INIT", "Y");
    m.put("FLUSH_FIREWD_AT_EXIT", "Y");
    m.put("FIREWD_INPUT_ACCESS", null);
    m.put("FIREWD_OUTPUT_ACCESS", null);
    m.put("FIREWD_FORWARD_ACCESS", null);
    m.put("FIREWD_DNAT_ACCESS", null);
    m.put("FIREWD_SNAT_ACCESS", null);
    m.put("FIREWD_MASQUERADE_ACCESS", null);
    m.put("ENABLE_FIREWD_COMMENT_CHECK", "Y");
    m.put("FLUSH_IPFW_AT_INIT", "Y");
    m.put("FLUSH_IPFW_AT_EXIT", "Y");
    m.put("IPFW_START_RULE_NUM", "10000");
    m.put("IPFW_MAX_RULES", "65535");
    m.put("IPFW_ACTIVE_SET_NUM", "1");
    m.put("IPFW_EXPIRE_SET_NUM", "2");
    m.put("IPFW_EXPIRE_PURGE_INTERVAL", "30");
    m.put("IPFW_ADD_CHECK_STATE", "N");
    m.put("PF_ANCHOR_NAME", "fwknop");
    m.put("PF_EXPIRE_INTERVAL", "30");
    // spad's own, for the ipfw and pf plugins
    m.put("IPFW_EXE", null);
    m.put("PFCTL_EXE", null);
    m.put("PF_KILL_STATES", "N");
    // spad's own, for the iptables plugin: IPv6 grants through ip6tables (default Y; the binary beside IPTABLES_EXE)
    m.put("ENABLE_IP6TABLES", null);
    m.put("IP6TABLES_EXE", null);
    m.put("FWKNOP_RUN_DIR", DEFAULT_RUN_DIR);
    m.put("FWKNOP_CONF_DIR", DEFAULT_CONF_DIR);
    m.put("ACCESS_FILE", null);
    m.put("ACCESS_FOLDER", null);
    m.put("FWKNOP_PID_FILE", null); // $FWKNOP_RUN_DIR/spad.pid
    m.put("DIGEST_FILE", DEFAULT_STATE_DIR + "/digest.cache");
    m.put("DIGEST_DB_FILE", null);
    // spad's own: replay protection shared by a fleet (README "Running a fleet")
    m.put("REPLAY_STORE", "local");
    m.put("REDIS_URL", null);
    m.put("REDIS_TIMEOUT", "200");
    m.put("REDIS_FAULT", "closed");
    m.put("REDIS_START", "required");
    m.put("REDIS_CA_FILE", null); // rediss://: the CAs to trust (default: the Java runtime's)
    m.put("FLEET_GRANTS", "N");
    m.put("FLEET_ID", null); // the kernel's host name
    m.put("FLEET_KEY", null);
    m.put("FLEET_STREAM", "spa:fleet:grants");
    m.put("GPG_HOME_DIR", "/root/.gnupg");
    m.put("GPG_EXE", "/usr/bin/gpg");
    m.put("SUDO_EXE", "/usr/bin/sudo");
    m.put("FIREWALL_EXE", null);
    m.put("FAULT_INJECTION_TAG", null);
    m.put("AFL_PKT_FILE", null);
    // spad's own
    m.put("CAPTURE", null);
    m.put("FIREWALL", null);
    m.put("AUTHORIZERS", null); // further Authorizer plugins, by name, applied after the default one
    // engine settings, checked by EngineSettings.from
    m.put("SPA_RATE_LIMIT", null); // authenticated packets per second per stanza and source; 0 = off
    m.put("SPA_DECRYPT_LIMIT", null); // decrypt attempts per second, all sources together; 0 = off
    m.put("LOG_EACH_DENY", "N"); // Y: one event per refused unauthenticated packet, not a tally per source
    m.put("SPA_WORKERS", null); // decision threads; absent or 0 = one per processor
    m.put("SPA_QUEUE_SIZE", "65536"); // packets that may wait for a worker
    m.put("SPA_WARM_UP", "10000"); // sample packets decided once ready, so the first knock runs compiled code; 0 = none
    m.put("CMD_CYCLE_CLOSE_AT_EXIT", "N"); // Y: run cycle closes not yet due at exit; N: keep them for the next start
    // capture buffers, read by the udp and pcap plugins
    m.put("SPA_UDP_BIND_ADDRESS", null); // udp capture: the one address to bind (default: the wildcard, IPv4 and IPv6)
    m.put("SPA_UDP_RECEIVE_BUFFER", "33554432"); // bytes of receive buffer; beyond net.core.rmem_max only as root (SO_RCVBUFFORCE)
    m.put("SPA_PCAP_BUFFER_SIZE", "33554432"); // bytes of libpcap's kernel buffer (live capture)
    m.put("GRANT_JOURNAL", null); // $FWKNOP_RUN_DIR/grants.journal: active grants, reconciled at start-up
    m.put("DIGEST_MIGRATE_FROM", "/run/fwknop/digest.cache, /var/run/fwknop/digest.cache");
    m.put("NFT_USE_LIBRARY", "Y"); // nftables: Y = libnftables in-process when it loads, else the nft command; N = always the nft command
    m.put("NFT_LIBRARY", null); // nftables: file name or path of libnftables (default libnftables.so.1)
    // the nftables plugin's own settings; their defaults and checks are the plugin's (NftConfig)
    m.put("NFT_MODE", null); // own (default), embedded or sets
    m.put("NFT_TABLE", null); // the table: spa's own (default spa), or the existing one embedded and sets use
    m.put("NFT_FAMILY", null); // inet (default), ip or ip6
    m.put("NFT_PREFIX", null); // of spa's chain and set names (default: none in own mode, spa_ otherwise)
    m.put("NFT_PROTECTED_PORTS", null); // ports dropped unless granted (default: OPEN_PORTS, when set here)
    m.put("NFT_FORWARD_DROP", null); // Y: spa's forward chain drops new forwarded connections without a grant
    m.put("NFT_EXE", null); // the nft command (default /usr/sbin/nft)
    return java.util.Collections.unmodifiableMap(m);
  }

  /** Variables that may appear in an access stanza. */
  public static final Set<String> ACCESS = Set.of(
      "SOURCE", "DESTINATION", "OPEN_PORTS", "RESTRICT_PORTS", "KEY", "KEY_BASE64", "HMAC_KEY", "HMAC_KEY_BASE64",
      "HMAC_DIGEST_TYPE", "ENCRYPTION_MODE", "FW_ACCESS_TIMEOUT", "MAX_FW_TIMEOUT", "ENABLE_CMD_EXEC",
      "CMD_EXEC_USER", "CMD_EXEC_GROUP", "ENABLE_CMD_SUDO_EXEC", "CMD_SUDO_EXEC_USER", "CMD_SUDO_EXEC_GROUP",
      "CMD_CYCLE_OPEN", "CMD_CYCLE_CLOSE", "CMD_CYCLE_TIMER", "CMD_EXEC_TIMEOUT", "REQUIRE_USERNAME", "REQUIRE_SOURCE_ADDRESS",
      "REQUIRE_SOURCE", "ACCESS_EXPIRE", "ACCESS_EXPIRE_EPOCH", "FORCE_NAT", "FORCE_SNAT", "FORCE_MASQUERADE",
      "DISABLE_DNAT", "FORWARD_ALL", "GPG_HOME_DIR", "GPG_EXE", "GPG_DECRYPT_ID", "GPG_DECRYPT_PW",
      "GPG_ALLOW_NO_PW", "GPG_REQUIRE_SIG", "GPG_DISABLE_SIG", "GPG_IGNORE_SIG_VERIFY_ERROR", "GPG_REMOTE_ID",
      "GPG_FINGERPRINT_ID",
      // spad's own: a stanza name for logs and events
      "NAME");

  /** The variables {@code %include_keys} takes from its file. */
  public static final Set<String> KEYS = Set.of(
      // not GPG_HOME_DIR or GPG_EXE: fwknopd 2.6.10 ignores them in a key file (measured)
      "KEY", "KEY_BASE64", "HMAC_KEY", "HMAC_KEY_BASE64", "HMAC_DIGEST_TYPE",
      "GPG_DECRYPT_ID", "GPG_DECRYPT_PW", "GPG_ALLOW_NO_PW", "GPG_REQUIRE_SIG", "GPG_DISABLE_SIG",
      "GPG_IGNORE_SIG_VERIFY_ERROR", "GPG_REMOTE_ID", "GPG_FINGERPRINT_ID");

  /**
   * Access variables whose value is the key itself. fwknopd uses the bytes as written, so these hold one char per
   * key byte (chars 0..255): fwknop files are read as ISO-8859-1, and HOCON strings go through {@link #keyText}.
   */
  public static final Set<String> RAW_KEYS = Set.of("KEY", "HMAC_KEY");

  /** A raw key given as Unicode text (HOCON) in the one-char-per-byte form: its UTF-8 bytes are the key. */
  public static String keyText(String unicode) {
    return new String(unicode.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /**
   * Daemon variables that must be whole numbers, with fwknopd's ranges where it checks them (8388608 is its
   * usual ceiling). Checked when the configuration is loaded, whichever plugin later reads them.
   */
  public static final Map<String, Range> RANGES = Map.of(
      "VERBOSE", new Range(0, Long.MAX_VALUE), // fwknopd takes any level; a number is asked for
      "PCAP_DISPATCH_COUNT", new Range(1, 8_388_608),
      "PCAP_LOOP_SLEEP", new Range(1, 8_388_608),
      "MAX_SNIFF_BYTES", new Range(1, 32_768),
      "RULES_CHECK_THRESHOLD", new Range(0, 131_071),
      "TCPSERV_PORT", new Range(1, 65_535),
      "UDPSERV_PORT", new Range(1, 65_535),
      "UDPSERV_SELECT_TIMEOUT", new Range(1, 8_388_608),
      "SPA_UDP_RECEIVE_BUFFER", new Range(4096, 1L << 30),
      "SPA_PCAP_BUFFER_SIZE", new Range(4096, 1L << 30));

  /** An inclusive range of whole numbers. */
  public record Range(long min, long max) {}

  /**
   * Daemon variables read only at start-up, which a reload cannot apply: the capture's, the engine's, the fleet's
   * and replay store's, the run files', the plugin path, the firewall's choice and syslog's. The policy, the
   * firewall's own settings and everything else a reload reads again are not here.
   */
  public static final Set<String> START_ONLY = Set.of(
      "CAPTURE", "ENABLE_UDP_SERVER", "UDPSERV_PORT", "UDPSERV_SELECT_TIMEOUT", "SPA_UDP_BIND_ADDRESS",
      "SPA_UDP_RECEIVE_BUFFER", "PCAP_INTF", "PCAP_FILE", "PCAP_FILTER", "PCAP_LOOP_SLEEP", "PCAP_DISPATCH_COUNT",
      "SPA_PCAP_BUFFER_SIZE", "MAX_SNIFF_BYTES", "ENABLE_PCAP_PROMISC", "ENABLE_PCAP_ANY_DIRECTION", "ULOGD_PCAP_FILE",
      "ULOGD_POLL_MILLIS", "SPA_WORKERS", "SPA_QUEUE_SIZE", "SPA_WARM_UP", "SPA_RATE_LIMIT", "SPA_DECRYPT_LIMIT", "LOG_EACH_DENY",
      "ENABLE_SPA_OVER_HTTP", "ALLOW_ANY_USER_AGENT", "ENABLE_X_FORWARDED_FOR", "REPLAY_STORE", "DIGEST_FILE",
      "FWKNOP_RUN_DIR", "FWKNOP_PID_FILE", "GRANT_JOURNAL", "SPA_PLUGIN_PATH", "FIREWALL", "FLUSH_IPT_AT_EXIT",
      "SYSLOG_IDENTITY", "SYSLOG_FACILITY");

  /** True for a variable a reload cannot apply ({@link #START_ONLY}, and every {@code FLEET_*} and {@code REDIS_*}). */
  public static boolean startOnly(String name) {
    return START_ONLY.contains(name) || name.startsWith("FLEET_") || name.startsWith("REDIS_");
  }

  /** Variables whose values are durations in seconds (HOCON may write {@code 30s}, {@code 2m}). */
  public static final Set<String> DURATIONS = Set.of(
      "FW_ACCESS_TIMEOUT", "MAX_FW_TIMEOUT", "MAX_SPA_PACKET_AGE", "CMD_CYCLE_TIMER", "CMD_EXEC_TIMEOUT");

  /** True for a variable whose value must never be shown: keys, passphrases, passwords. */
  public static boolean isSecret(String name) {
    String n = name.toUpperCase(java.util.Locale.ROOT);
    if (n.endsWith("_TYPE") || n.endsWith("_ID") || n.endsWith("_DIR") || n.endsWith("_FILE") || n.endsWith("_EXE")) {
      return false;
    }
    return n.equals("KEY") || n.startsWith("KEY_") || n.contains("_KEY") || n.endsWith("_PW") || n.contains("_PW_")
        || n.contains("PASSWORD") || n.contains("PASSPHRASE") || n.contains("SECRET") || n.contains("TOKEN");
  }

  /** The value as {@code -D} and logs may show it. */
  public static String display(String name, String value) {
    if (value != null && name.equals("REDIS_URL")) {
      return value.replaceFirst("://([^@/:]*:)?[^@/]*@", "://$1********@"); // the password in the credentials
    }
    return value == null ? "" : isSecret(name) ? "********" : value;
  }
}
