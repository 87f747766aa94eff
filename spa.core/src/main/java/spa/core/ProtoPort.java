package spa.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One requested or configured {@code proto/port}, such as {@code tcp/22}. Only tcp and udp exist in SPA. */
public record ProtoPort(String proto, int port) {

  public ProtoPort {
    if (!"tcp".equals(proto) && !"udp".equals(proto)) {
      throw new IllegalArgumentException("protocol must be tcp or udp: " + proto);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** IP protocol number: 6 for tcp, 17 for udp. */
  public int protocolNumber() {
    return "tcp".equals(proto) ? 6 : 17;
  }

  /**
   * Parses {@code tcp/22}; the protocol is case-insensitive. {@code minPort} is 1 for requests and 0
   * for configured lists (fwknop accepts {@code tcp/0} in OPEN_PORTS).
   */
  public static ProtoPort parse(String text, int minPort) {
    String t = text.trim();
    int slash = t.indexOf('/');
    if (slash <= 0 || slash == t.length() - 1) {
      throw new IllegalArgumentException("expected proto/port, got '" + text + "'");
    }
    String proto = t.substring(0, slash).toLowerCase(Locale.ROOT);
    if (!proto.equals("tcp") && !proto.equals("udp")) {
      throw new IllegalArgumentException("protocol must be tcp or udp in '" + text + "'");
    }
    String digits = t.substring(slash + 1);
    if (digits.length() > 5 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("port must be 1 to 5 digits in '" + text + "'");
    }
    int port = Integer.parseInt(digits);
    if (port < minPort || port > 65535) {
      throw new IllegalArgumentException("port must be " + minPort + "..65535 in '" + text + "'");
    }
    return new ProtoPort(proto, port);
  }

  /** Parses a comma-separated list such as {@code tcp/22, udp/53}. */
  public static List<ProtoPort> parseList(String text, int minPort) {
    List<ProtoPort> out = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        out.add(parse(part, minPort));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("empty proto/port list");
    }
    return List.copyOf(out);
  }

  @Override
  public String toString() {
    return proto + "/" + port;
  }
}
