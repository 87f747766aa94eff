package spa.fw.nftables;

import java.util.List;
import spa.core.IpAddresses;

/**
 * The sets and maps spa keeps grants in, one of each per address family. Every element carries a kernel
 * timeout, so an opening closes on time whether or not spad is running.
 */
enum SetKind {
  /** source . proto . port: plain access to this host. */
  ACCESS("access", "A . inet_proto . inet_service", null),
  /** source . destination . proto . port: access restricted to one local address (ENABLE_DESTINATION_RULE). */
  ACCESS_DST("accessd", "A . A . inet_proto . inet_service", null),
  /** source . proto . translated port: a local-NAT (ghost) connection, accepted only once translated. */
  NAT_INPUT("natin", "A . inet_proto . inet_service", null),
  /** source . target . proto . target port: forwarded connections. */
  FORWARD("fwd", "A . A . inet_proto . inet_service", null),
  /** source: everything forwarded from it (FORWARD_ALL). */
  FORWARD_ALL("fwdall", "A", null),
  /** source . target . proto . target port: masqueraded forwarded connections. */
  MASQUERADE("masq", "A . A . inet_proto . inet_service", null),
  /** source: masquerade everything forwarded from it. */
  MASQUERADE_ALL("masqall", "A", null),
  /** source . proto . port : target . target port: destination NAT to another host. */
  DNAT("dnat", "A . inet_proto . inet_service", "A . inet_service"),
  /** source . proto . port : local port: the ghost service (redirect to a port on this host). */
  LOCAL_NAT("lnat", "A . inet_proto . inet_service", "inet_service"),
  /** source . target . proto . target port : address: source NAT of forwarded connections. */
  SNAT("snat", "A . A . inet_proto . inet_service", "A"),
  /** source : address: source NAT of everything forwarded from it. */
  SNAT_ALL("snatall", "A", "A");

  private final String base;
  private final String keyType;
  private final String dataType;
  /** The parts of the key and data types, split once: {@link #fits} runs for every listed element. */
  private final String[] keyParts;
  private final String[] dataParts;
  private final List<String> keyTypes;
  private final List<String> dataTypes;

  SetKind(String base, String keyType, String dataType) {
    this.base = base;
    this.keyType = keyType;
    this.dataType = dataType;
    this.keyParts = keyType.split(" \\. ");
    this.dataParts = dataType == null ? new String[0] : dataType.split(" \\. ");
    this.keyTypes = List.of(keyParts);
    this.dataTypes = List.of(dataParts);
  }

  /** Whether the configuration uses this set (sets of features that are off are not created). */
  boolean enabled(NftConfig c) {
    return switch (this) {
      case ACCESS -> true;
      case ACCESS_DST -> c.destinationRule();
      case NAT_INPUT, LOCAL_NAT -> c.localNat();
      default -> c.forwarding();
    };
  }

  boolean isMap() {
    return dataType != null;
  }

  /** The key's parts: {@code A} (an address of the set's family), {@code inet_proto}, {@code inet_service}. */
  List<String> keyTypes() {
    return keyTypes;
  }

  /** The data's parts, as {@link #keyTypes}; none for a set. */
  List<String> dataTypes() {
    return dataTypes;
  }

  /** The set's name for IPv4 ({@code v6} false) or IPv6, with spa's prefix. */
  String name(String prefix, boolean v6) {
    return prefix + base + (v6 ? "6" : "4");
  }

  /** The body of an {@code add set}/{@code add map} command. */
  String definition(boolean v6) {
    String addr = v6 ? "ipv6_addr" : "ipv4_addr";
    String type = keyType.replace("A", addr) + (isMap() ? " : " + dataType.replace("A", addr) : "");
    return "{ type " + type + "; flags timeout; }";
  }

  /**
   * Whether an element's key and data parts, as listed, are of this kind's types: addresses are literals,
   * services port numbers, protocols names.
   */
  boolean fits(List<String> key, List<String> data) {
    return fits(keyParts, key) && (isMap() ? fits(dataParts, data) : data.isEmpty());
  }

  private static boolean fits(String[] types, List<String> parts) {
    if (parts.size() != types.length) {
      return false;
    }
    for (int i = 0; i < types.length; i++) {
      String p = parts.get(i);
      boolean ok = switch (types[i]) {
        case "A" -> Listing.plainIpv4(p) || IpAddresses.literal(p) != null;
        case "inet_service" -> p.length() <= 5 && !p.isEmpty() && p.chars().allMatch(Character::isDigit)
            && Integer.parseInt(p) <= 65535;
        default -> !p.isEmpty();
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code parts} of an element's key with each protocol given as a number ({@code nft -p}) in its name, as
   * spa writes and compares keys; an unknown number stays as it is.
   */
  List<String> protocolNames(List<String> parts) {
    List<String> out = null;
    for (int i = 0; i < parts.size() && i < keyParts.length; i++) {
      if (keyParts[i].equals("inet_proto") && !parts.get(i).isEmpty() && Character.isDigit(parts.get(i).charAt(0))) {
        String name = switch (parts.get(i)) {
          case "6" -> "tcp";
          case "17" -> "udp";
          case "1" -> "icmp";
          case "58" -> "ipv6-icmp";
          case "132" -> "sctp";
          default -> parts.get(i);
        };
        if (out == null) {
          out = new java.util.ArrayList<>(parts);
        }
        out.set(i, name);
      }
    }
    return out == null ? parts : List.copyOf(out);
  }

  /** Finds the kind and family of a set name, or null when the name is not one of spa's. */
  static Named parse(String prefix, String name) {
    if (!name.startsWith(prefix) || name.length() < prefix.length() + 2) {
      return null;
    }
    String rest = name.substring(prefix.length());
    char fam = rest.charAt(rest.length() - 1);
    String base = rest.substring(0, rest.length() - 1);
    for (SetKind k : values()) {
      if (k.base.equals(base) && (fam == '4' || fam == '6')) {
        return new Named(k, fam == '6');
      }
    }
    return null;
  }

  /** A set kind with its family. */
  record Named(SetKind kind, boolean v6) {
  }
}
