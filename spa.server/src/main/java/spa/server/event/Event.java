package spa.server.event;

import java.net.InetAddress;
import java.util.List;
import spa.core.Nat;
import spa.core.ProtoPort;

/**
 * Something spad decided or did. Fields that do not apply are null ({@code timeout}: negative).
 *
 * @param timeMillis when, in unix milliseconds
 * @param type what kind of event
 * @param src packet source address
 * @param srcPort packet source port
 * @param dst packet destination address
 * @param dstPort packet destination port
 * @param protocol IP protocol number of the packet
 * @param user SPA username
 * @param allow the address being let in
 * @param access requested proto/ports
 * @param nat translation of the grant
 * @param timeout seconds the grant lasts
 * @param stanza access stanza name
 * @param reason stable reason code (deny, replay, error)
 * @param detail human-readable detail
 * @param command command text of a command message or cycle
 */
public record Event(long timeMillis, Type type, InetAddress src, int srcPort, InetAddress dst, int dstPort,
    int protocol, String user, String allow, List<ProtoPort> access, Nat nat, long timeout, String stanza,
    String reason, String detail, String command) {

  /** The kinds of event, with the name written in logs. */
  public enum Type {
    ACCEPT("accept"), DENY("deny"), REPLAY("replay"), GRANT("grant"), EXPIRE("expire"), COMMAND("command"),
    ERROR("error");

    private final String code;

    Type(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  /** An event about no packet in particular (start-up, firewall failures). */
  public static Event plain(long timeMillis, Type type, String reason, String detail) {
    return new Event(timeMillis, type, null, 0, null, 0, 0, null, null, null, null, -1, null, reason, detail, null);
  }
}
