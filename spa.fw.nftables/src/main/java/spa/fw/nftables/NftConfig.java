package spa.fw.nftables;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import spa.core.ConfigException;
import spa.core.ProtoPort;
import spa.core.Settings;

/**
 * The nftables backend's settings, read from the daemon's configuration (see the package documentation for
 * each key).
 *
 * @param exe path of the nft program
 * @param mode where spa's objects live
 * @param family table family: inet, ip or ip6
 * @param table table name
 * @param prefix prefix of spa's set, map and chain names
 * @param protectedPorts ports new connections to which are dropped unless granted; empty: accept rules only
 * @param forwarding forward and NAT chains for FORWARD/FORWARD_ALL grants
 * @param localNat NAT chain for LOCAL grants (the ghost service)
 * @param forwardDrop spa's forward chain drops new forwarded connections without a grant
 * @param destinationRule grants are restricted to their destination address (ENABLE_DESTINATION_RULE)
 * @param useLibrary talk to nftables in-process through libnftables when it loads (NFT_USE_LIBRARY)
 * @param library file name or path of libnftables (NFT_LIBRARY)
 */
record NftConfig(String exe, Mode mode, String family, String table, String prefix, List<ProtoPort> protectedPorts,
    boolean forwarding, boolean localNat, boolean forwardDrop, boolean destinationRule, boolean useLibrary,
    String library) {

  /** Where spa's objects live. */
  enum Mode {
    /** spa's own table with its own hooked chains: the default. */
    OWN,
    /** spa's sets and regular chains inside the admin's table; the admin jumps to them. */
    EMBEDDED,
    /** Only spa's sets and maps inside the admin's table; the admin's rules reference them. */
    SETS
  }

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_\\-]{0,31}");

  static NftConfig from(Settings s) throws ConfigException {
    String modeText = s.get("NFT_MODE").orElse("own").trim().toLowerCase(Locale.ROOT);
    Mode mode = switch (modeText) {
      case "own" -> Mode.OWN;
      case "embedded" -> Mode.EMBEDDED;
      case "sets" -> Mode.SETS;
      default -> throw s.invalid("NFT_MODE", "must be own, embedded or sets, not '" + modeText + "'");
    };
    if (mode != Mode.OWN && !s.has("NFT_TABLE")) {
      throw s.invalid("NFT_TABLE", "NFT_MODE " + modeText + " needs the name of the existing table to use");
    }
    String table = s.get("NFT_TABLE").orElse("spa").trim();
    if (!NAME.matcher(table).matches()) {
      throw s.invalid("NFT_TABLE", "not a usable table name: '" + table + "'");
    }
    String family = s.get("NFT_FAMILY").orElse("inet").trim().toLowerCase(Locale.ROOT);
    if (!List.of("inet", "ip", "ip6").contains(family)) {
      throw s.invalid("NFT_FAMILY", "must be inet, ip or ip6, not '" + family + "'");
    }
    String prefix = s.get("NFT_PREFIX").orElse(mode == Mode.OWN ? "" : "spa_").trim();
    if (!prefix.isEmpty() && !NAME.matcher(prefix).matches()) {
      throw s.invalid("NFT_PREFIX", "not usable in a set name: '" + prefix + "'");
    }
    String exe = s.get("NFT_EXE").orElse("/usr/sbin/nft").trim();
    if (exe.isEmpty()) {
      throw s.invalid("NFT_EXE", "empty path");
    }
    List<ProtoPort> ports = ports(s, mode);
    boolean forwarding = s.flag("ENABLE_IPT_FORWARDING", false);
    boolean localNat = s.flag("ENABLE_IPT_LOCAL_NAT", false);
    boolean forwardDrop = s.flag("NFT_FORWARD_DROP", false);
    if (forwardDrop && (!forwarding || mode != Mode.OWN)) {
      throw s.invalid("NFT_FORWARD_DROP", "needs ENABLE_IPT_FORWARDING Y and NFT_MODE own");
    }
    String library = s.get("NFT_LIBRARY").orElse("libnftables.so.1").trim();
    if (library.isEmpty()) {
      throw s.invalid("NFT_LIBRARY", "empty name");
    }
    return new NftConfig(exe, mode, family, table, prefix, ports, forwarding, localNat, forwardDrop,
        s.flag("ENABLE_DESTINATION_RULE", false), s.flag("NFT_USE_LIBRARY", true), library);
  }

  private static List<ProtoPort> ports(Settings s, Mode mode) throws ConfigException {
    String key = s.has("NFT_PROTECTED_PORTS") ? "NFT_PROTECTED_PORTS" : "OPEN_PORTS";
    String text = s.get(key).orElse("").trim();
    if (text.isEmpty() || text.equalsIgnoreCase("none")) {
      // nothing to protect (fwknop's shipped access.conf has no OPEN_PORTS): accept rules only, fwknopd's model
      return List.of();
    }
    try {
      return ProtoPort.parseList(text, 1).stream().distinct().toList();
    } catch (IllegalArgumentException e) {
      throw s.invalid(key, e.getMessage());
    }
  }

  boolean hasV4() {
    return !family.equals("ip6");
  }

  boolean hasV6() {
    return !family.equals("ip");
  }

  /** {@code inet spa}: the table as nft commands name it. */
  String tableRef() {
    return family + " " + table;
  }
}
