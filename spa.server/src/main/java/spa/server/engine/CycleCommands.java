package spa.server.engine;

import java.net.InetAddress;
import spa.core.Grant;
import spa.core.IpAddresses;
import spa.core.Packet;
import spa.core.ProtoPort;
import spa.core.SpaMessage;

/**
 * Substitutes the variables of CMD_CYCLE_OPEN/CLOSE as fwknopd does: {@code $IP} and {@code $SRC} (the
 * address let in), {@code $PKT_SRC}, {@code $DST}, {@code $PORT} and {@code $PROTO} (numeric) of the first
 * requested port, {@code $TIMEOUT} (an absolute epoch: SPA timestamp plus timeout) and
 * {@code $CLIENT_TIMEOUT}.
 */
public final class CycleCommands {
  private CycleCommands() {}

  public static String expand(String template, Grant g, Packet p, SpaMessage m, long timeoutSeconds) {
    ProtoPort first = g.access().isEmpty() ? null : g.access().get(0);
    StringBuilder sb = new StringBuilder(template.length() + 32);
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c != '$') {
        sb.append(c);
        i++;
        continue;
      }
      String rest = template.substring(i + 1);
      // longest names first: $PKT_SRC before $SRC is not an issue, but $CLIENT_TIMEOUT before $TIMEOUT is
      if (rest.startsWith("CLIENT_TIMEOUT")) {
        sb.append(timeoutSeconds);
        i += 15;
      } else if (rest.startsWith("TIMEOUT")) {
        sb.append(m.timestamp() + timeoutSeconds);
        i += 8;
      } else if (rest.startsWith("PKT_SRC")) {
        sb.append(text(p.src()));
        i += 8;
      } else if (rest.startsWith("SRC")) {
        sb.append(text(g.source()));
        i += 4;
      } else if (rest.startsWith("IP")) {
        sb.append(text(g.source()));
        i += 3;
      } else if (rest.startsWith("DST")) {
        sb.append(text(p.dst()));
        i += 4;
      } else if (rest.startsWith("PORT")) {
        sb.append(first == null ? "" : Integer.toString(first.port()));
        i += 5;
      } else if (rest.startsWith("PROTO")) {
        sb.append(first == null ? "" : Integer.toString(first.protocolNumber()));
        i += 6;
      } else {
        sb.append(c);
        i++;
      }
    }
    return sb.toString();
  }

  private static String text(InetAddress a) {
    return a == null ? "0.0.0.0" : IpAddresses.text(a);
  }
}
